/**
 * What differs between dev, staging and prod, and the invariants every
 * stage's settings must keep (models the prompts name, concurrency headroom).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MetadataSchema } from '#core/prompts/types.ts';
import {
  configFor,
  parseStage,
  STAGES,
  type Stage,
  totalReservedConcurrency,
} from '#infra/config.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { resourcesOfType, synthStage } from './synth.ts';

const dev = synthStage('dev');
const prod = synthStage('prod');

const DATA_TYPES = [
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::KMS::Key',
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
];

const deletionPolicies = (stage: typeof dev) =>
  new Set(
    DATA_TYPES.flatMap((type) =>
      resourcesOfType(stage.template, type).map(([, resource]) => resource.DeletionPolicy),
    ),
  );

const billing = (stage: typeof dev) =>
  resourcesOfType(stage.template, 'AWS::DynamoDB::Table').map(
    ([, table]) => table.Properties.BillingMode ?? 'PROVISIONED',
  );

describe('stage differences', () => {
  it('retains buckets, tables, keys, queues and log groups in prod and deletes them in dev', () => {
    // Prepare / Act
    const devPolicies = deletionPolicies(dev);
    const prodPolicies = deletionPolicies(prod);

    // Assess
    expect(devPolicies).toEqual(new Set(['Delete']));
    expect(prodPolicies).toEqual(new Set(['Retain']));
  });

  it('bills tables on demand in dev and provisioned with auto scaling in prod', () => {
    // Prepare
    const scalingTargets = (stage: typeof dev) =>
      resourcesOfType(stage.template, 'AWS::ApplicationAutoScaling::ScalableTarget').map(
        ([, target]) => target.Properties.ScalableDimension,
      );

    // Act
    const devTargets = scalingTargets(dev);
    const prodTargets = scalingTargets(prod);

    // Assess
    expect(new Set(billing(dev))).toEqual(new Set(['PAY_PER_REQUEST']));
    expect(new Set(billing(prod))).toEqual(new Set(['PROVISIONED']));
    expect(devTargets).toEqual([]);
    // Read and write on five tables and on the six global secondary indexes.
    expect(prodTargets.filter((d) => d === 'dynamodb:table:ReadCapacityUnits')).toHaveLength(5);
    expect(prodTargets.filter((d) => d === 'dynamodb:table:WriteCapacityUnits')).toHaveLength(5);
    expect(prodTargets.filter((d) => d === 'dynamodb:index:ReadCapacityUnits')).toHaveLength(6);
    expect(prodTargets.filter((d) => d === 'dynamodb:index:WriteCapacityUnits')).toHaveLength(6);
  });

  it('keeps logs two weeks in dev and a year in prod', () => {
    // Prepare
    const retention = (stage: typeof dev) =>
      new Set(
        resourcesOfType(stage.template, 'AWS::Logs::LogGroup').map(
          ([, group]) => group.Properties.RetentionInDays,
        ),
      );

    // Act / Assess
    expect(retention(dev)).toEqual(new Set([14]));
    expect(retention(prod)).toEqual(new Set([365]));
  });

  it('protects prod tables and the prod stack from deletion, not dev', () => {
    // Prepare
    const protection = (stage: typeof dev) =>
      new Set(
        resourcesOfType(stage.template, 'AWS::DynamoDB::Table').map(
          ([, table]) => table.Properties.DeletionProtectionEnabled ?? false,
        ),
      );

    // Act / Assess
    expect(protection(dev)).toEqual(new Set([false]));
    expect(protection(prod)).toEqual(new Set([true]));
    expect(dev.stack.terminationProtection).toBe(false);
    expect(prod.stack.terminationProtection).toBe(true);
  });

  it('names every resource per stage so stages can share an account', () => {
    // Prepare
    const names = (stage: typeof dev, type: string, property: string) =>
      resourcesOfType(stage.template, type).map(([, resource]) => resource.Properties[property]);

    // Act
    const devTables = names(dev, 'AWS::DynamoDB::Table', 'TableName');
    const prodQueues = names(prod, 'AWS::SQS::Queue', 'QueueName');

    // Assess
    expect(devTables.every((name) => String(name).startsWith('medextract-dev-'))).toBe(true);
    expect(prodQueues.every((name) => String(name).startsWith('medextract-prod-'))).toBe(true);
  });
});

describe('stage settings', () => {
  it('reads the stage from -c env and defaults to dev', () => {
    // Prepare / Act / Assess
    expect(parseStage('prod')).toBe('prod');
    expect(parseStage(undefined)).toBe('dev');
    expect(() => parseStage('production')).toThrow(/Unknown stage "production"/);
  });

  it.each(STAGES)('allows in %s every model that a prompt version names', (stage: Stage) => {
    // Prepare
    const family = fromRepoRoot('prompts/medical-record');
    const modelIds = readdirSync(family)
      .filter((entry) => /^v\d+\.\d+\.\d+$/.test(entry))
      .map(
        (version) =>
          MetadataSchema.parse(
            JSON.parse(readFileSync(join(family, version, 'metadata.json'), 'utf8')),
          ).modelId,
      );

    // Act
    const allowed = new Set(
      configFor(stage).bedrock.models.map((model) => model.inferenceProfileId),
    );

    // Assess
    expect(modelIds.length).toBeGreaterThan(0);
    for (const modelId of modelIds) expect(allowed.has(modelId), modelId).toBe(true);
  });

  it.each(STAGES)('keeps the ingest concurrency within the starter reservation in %s', (stage) => {
    // Prepare
    const config = configFor(stage);

    // Act
    const { maximumConcurrency } = config.ingest;

    // Assess
    expect(maximumConcurrency).toBeGreaterThanOrEqual(2);
    expect(maximumConcurrency).toBeLessThanOrEqual(config.functions.starter.reservedConcurrency);
  });

  it('reserves a modest share of the default 1,000 account concurrency', () => {
    // Prepare
    const totals = Object.fromEntries(
      STAGES.map((stage) => [stage, totalReservedConcurrency(configFor(stage))]),
    );

    // Act
    const all = z
      .number()
      .array()
      .parse(Object.values(totals))
      .reduce((sum, n) => sum + n, 0);

    // Assess
    // admit-model-call's own reservation included (4, 5 and 10).
    expect(totals).toEqual({ dev: 36, staging: 72, prod: 149 });
    expect(all + 100).toBeLessThanOrEqual(1000);
  });
});
