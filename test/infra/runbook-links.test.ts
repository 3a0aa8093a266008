/**
 * Every alarm of every stage links an entry of docs/runbook.md that exists,
 * every alarm entry there is linked by some alarm, and the anchor rule
 * matches GitHub's for the headings the runbook uses.
 */
import { readFileSync } from 'node:fs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { configFor, STAGES } from '#infra/config.ts';
import { addPipeline, createApp } from '#infra/medextract-app.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { headingAnchor, RUNBOOK_PATH } from '#infra/runbook.ts';
import { NO_BUNDLING, resourcesOfType, synthStage } from './synth.ts';

const runbook = readFileSync(fromRepoRoot(RUNBOOK_PATH), 'utf8');
const headings = [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((match) => match[1] ?? '');
const anchors = new Set(headings.map(headingAnchor));
const alarmSection = runbook.slice(runbook.indexOf('\n## Alarms\n'));
const alarmAnchors = [...alarmSection.matchAll(/^### (.+)$/gm)].map((m) =>
  headingAnchor(m[1] ?? ''),
);

const LINK = new RegExp(`Runbook: ${RUNBOOK_PATH.replace('.', '\\.')}#([a-z0-9_-]+)$`);

const alarmsOf = (stage: (typeof STAGES)[number]) =>
  resourcesOfType(synthStage(stage).template, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
    z.object({ AlarmName: z.string(), AlarmDescription: z.string() }).parse(alarm.Properties),
  );

describe('runbook links', () => {
  it('derives anchors the way GitHub does', () => {
    // Prepare / Act / Assess
    expect(headingAnchor('ExtractionDeadLetterQueueHasMessages')).toBe(
      'extractiondeadletterqueuehasmessages',
    );
    expect(headingAnchor('Function throttles (every ...Throttles alarm)')).toBe(
      'function-throttles-every-throttles-alarm',
    );
    expect(headingAnchor('CostPerDocumentAnomaly (per prompt version)')).toBe(
      'costperdocumentanomaly-per-prompt-version',
    );
  });

  it.each(STAGES)('links every alarm in %s to an existing runbook heading', (stage) => {
    // Prepare
    const alarms = alarmsOf(stage);

    // Act
    const broken = alarms.filter((alarm) => {
      const anchor = LINK.exec(alarm.AlarmDescription)?.[1];
      return anchor === undefined || !anchors.has(anchor);
    });

    // Assess
    expect(alarms.length).toBeGreaterThan(30);
    expect(broken.map((alarm) => `${alarm.AlarmName}: ${alarm.AlarmDescription}`)).toEqual([]);
  });

  it('has no alarm entry that no alarm links', () => {
    // Prepare
    const linked = new Set(
      STAGES.flatMap((stage) =>
        alarmsOf(stage).map((alarm) => LINK.exec(alarm.AlarmDescription)?.[1]),
      ),
    );

    // Act
    const orphans = alarmAnchors.filter((anchor) => !linked.has(anchor));

    // Assess
    expect(alarmAnchors.length).toBeGreaterThan(20);
    expect(orphans).toEqual([]);
  });

  it('links only anchors that exist inside the runbook itself', () => {
    // Prepare
    const internal = [...runbook.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');

    // Act
    const dangling = internal.filter((anchor) => !anchors.has(anchor));

    // Assess
    expect(internal.length).toBeGreaterThan(10);
    expect(dangling).toEqual([]);
  });

  it('links to the runbook web address given with -c runbookUrl', () => {
    // Prepare
    const url = 'https://git.example.com/medextract/blob/main/docs/runbook.md';
    const app = createApp({ context: { ...NO_BUNDLING, runbookUrl: url } });

    // Act
    const stack = addPipeline(app, configFor('dev'));
    const descriptions = stack.observability.alarms.map((alarm) => {
      const cfn = alarm.node.defaultChild;
      return cfn instanceof cloudwatch.CfnAlarm ? cfn.alarmDescription : undefined;
    });

    // Assess
    expect(descriptions.length).toBeGreaterThan(30);
    for (const description of descriptions) expect(description).toMatch(`Runbook: ${url}#`);
  });
});
