/**
 * The policy gate: cdk-nag AwsSolutions, HIPAA.Security and Serverless on every
 * stage, zero unacknowledged findings, and acknowledgements that are each
 * needed, scoped to one resource and justified. The apps skip esbuild and
 * aws-cdk-lib's built-in CloudFormation validation, which only warns
 * (test/infra/synth.ts); the checks that only read a stage's tree use its
 * build cached per worker (`buildStage`), which the template tests share.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it, vi } from 'vitest';
import { configFor, STAGES } from '#infra/config.ts';
import { addPipeline, createApp } from '#infra/medextract-app.ts';
import { addPolicyGate, listAcknowledgements, nagPacks } from '#infra/policy-gate.ts';
import { buildStage, TEST_APP_PROPS } from './synth.ts';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

const findingsOf = (scope: IConstruct): Finding[] =>
  nagPacks().flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource): Finding => ({
          rule: violation.ruleName,
          path: resource.constructPath ?? `<unplaced ${resource.resourceLogicalId ?? ''}>`,
        }),
      ),
    ),
  );

describe('policy gate', () => {
  it.each(STAGES)('leaves no unacknowledged finding in %s', (stage) => {
    // Prepare
    const { app } = buildStage(stage);

    // Act
    const findings = findingsOf(app);

    // Assess
    expect(findings).toEqual([]);
  });

  it('passes a real synthesis of prod with the packs registered as validation plugins', () => {
    // Prepare
    const app = createApp(TEST_APP_PROPS);
    addPipeline(app, configFor('prod'));
    addPolicyGate(app);

    // Act
    const assembly = app.synth();

    // Assess
    expect(assembly.getStackByName('MedExtract-prod').templateFile).toBe(
      'MedExtract-prod.template.json',
    );
    // A real synthesis with the packs as plugins takes 10-20 s on a busy 2-core machine.
  }, 120_000);

  it('fails synthesis when a resource brings an unacknowledged finding', () => {
    // Prepare
    const app = createApp(TEST_APP_PROPS);
    const stack = addPipeline(app, configFor('dev'));
    new s3.Bucket(stack, 'UnreviewedBucket');
    addPolicyGate(app);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-S1[\s\S]*UnreviewedBucket/);
  }, 120_000);

  it('needs every acknowledgement: each one silences a finding on its construct or below', () => {
    // Prepare: the same stage built with acknowledge() disabled shows the raw findings
    const acknowledge = vi
      .spyOn(Validations.prototype, 'acknowledge')
      .mockImplementation(() => undefined);
    const bare = createApp(TEST_APP_PROPS);
    try {
      addPipeline(bare, configFor('prod'));
    } finally {
      acknowledge.mockRestore();
    }
    const raw = findingsOf(bare);

    // Act
    const acknowledgements = listAcknowledgements(buildStage('prod').app);
    const unused = acknowledgements.filter(
      (ack) =>
        !raw.some(
          (finding) =>
            finding.rule === ack.ruleId &&
            (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)),
        ),
    );

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(unused).toEqual([]);
    expect(raw.length).toBe(acknowledgements.length);
  });

  it('scopes every acknowledgement to a resource below the stack and gives a reason', () => {
    // Prepare
    const { app, stack } = buildStage('prod');

    // Act
    const acknowledgements = listAcknowledgements(app);

    // Assess
    for (const ack of acknowledgements) {
      const construct = app.node.findAll().find((node) => node.node.path === ack.path);
      expect(construct, ack.path).toBeDefined();
      expect(construct instanceof Stack, `${ack.ruleId} on a stack`).toBe(false);
      expect(ack.path.startsWith(`${stack.node.path}/`), ack.path).toBe(true);
      expect(ack.reason.length, `${ack.ruleId} @ ${ack.path}`).toBeGreaterThanOrEqual(80);
    }
  });

  it('acknowledges IAM wildcards finding by finding, never the whole rule', () => {
    // Prepare
    const { app } = buildStage('prod');

    // Act
    const wildcardAcks = listAcknowledgements(app).filter((ack) =>
      ack.ruleId.startsWith('AwsSolutions-IAM5'),
    );

    // Assess
    expect(wildcardAcks.length).toBeGreaterThan(0);
    for (const ack of wildcardAcks) {
      expect(ack.ruleId).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/);
    }
  });
});
