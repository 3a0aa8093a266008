/**
 * Drift handler: the Queries it sends (one per stream, over the baseline and
 * monitored hours, following pages), the report it computes from the items
 * and the EMF it writes (findings count, per-chart statistic with allow-listed
 * dimensions only), and refusal of a malformed event.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HourlyRollup } from '#core/drift/index.ts';
import { addHours } from '#core/drift/index.ts';
import { METRIC_DIMENSIONS } from '#functions/shared/powertools.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { hoursOf, NORMAL_TRAFFIC, seededRandom } from '#test/unit/drift/synthetic-rollups.ts';

const doc = mockClient(DynamoDBDocumentClient);
const EVALUATED = '2026-11-27T15';

let handler: typeof import('#functions/drift/handler.ts')['handler'];

beforeAll(async () => {
  setHandlerEnv({
    DRIFT_PROMPT_VERSIONS: '1.1.0,2.0.0',
    DRIFT_BASELINE_HOURS: '168',
    DRIFT_MONITOR_HOURS: '24',
  });
  ({ handler } = await import('#functions/drift/handler.ts'));
});
afterEach(() => doc.reset());

/** A roll-up hour as the aggregator stores it (flat attribute names). */
const itemOf = (pk: string, hour: string, rollup: HourlyRollup): Record<string, unknown> => ({
  pk,
  sk: `H#${hour}`,
  documents: rollup.documents,
  succeeded: rollup.succeeded,
  failed: rollup.failed,
  ...Object.fromEntries(
    Object.entries(rollup.failedByReason).map(([reason, count]) => [`failed_${reason}`, count]),
  ),
  completenessN: rollup.completeness.n,
  completenessSum: rollup.completeness.sum,
  completenessSumSq: rollup.completeness.sumSq,
  inputTokensN: rollup.inputTokens.n,
  inputTokensSum: rollup.inputTokens.sum,
  inputTokensSumSq: rollup.inputTokens.sumSq,
  outputTokensN: rollup.outputTokens.n,
  outputTokensSum: rollup.outputTokens.sum,
  outputTokensSumSq: rollup.outputTokens.sumSq,
  allRequiredN: rollup.allRequiredN,
  allRequiredPresent: rollup.allRequiredPresent,
});

const emfLines = (lines: string[]) =>
  lines
    .filter((line) => line.includes('"_aws"'))
    .map(
      (line) =>
        JSON.parse(line) as {
          _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
          [key: string]: unknown;
        },
    );

describe('drift handler', () => {
  it('queries each prompt version and every document over baseline and monitored hours', async () => {
    // Prepare
    doc.on(QueryCommand).resolves({ Items: [] });

    // Act
    await captureStdout(() => handler({ evaluatedHour: EVALUATED }, testContext('drift')));

    // Assess
    const inputs = doc.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ExpressionAttributeValues?.[':pk'])).toEqual([
      'PV#1.1.0',
      'PV#2.0.0',
      'ALL',
    ]);
    for (const input of inputs) {
      expect(input).toMatchObject({
        TableName: 'medextract-test-metrics',
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':from': `H#${addHours(EVALUATED, -191)}`,
          ':to': `H#${EVALUATED}`,
        },
      });
    }
  });

  it('finds a completeness drop in stored roll-ups and emits it as metrics', async () => {
    // Prepare: 2.0.0 loses 0.1 completeness for the last ten hours; 1.1.0 is steady
    const random = seededRandom(3);
    const shifted = hoursOf(EVALUATED, 192, random, NORMAL_TRAFFIC, {
      from: addHours(EVALUATED, -9),
      after: { ...NORMAL_TRAFFIC, completenessMean: 0.82 },
    });
    const steady = hoursOf(EVALUATED, 192, random, NORMAL_TRAFFIC);
    const items = (pk: string, hours: Record<string, HourlyRollup>) =>
      Object.entries(hours).map(([hour, rollup]) => itemOf(pk, hour, rollup));
    const v2 = items('PV#2.0.0', shifted);
    const pages: Record<
      string,
      { Items: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, string> }
    > = {
      // Two pages for 2.0.0, to show the reader follows LastEvaluatedKey.
      'PV#2.0.0|first': { Items: v2.slice(0, 100), LastEvaluatedKey: { pk: 'PV#2.0.0', sk: 'x' } },
      'PV#2.0.0|next': { Items: v2.slice(100) },
      'PV#1.1.0|first': { Items: items('PV#1.1.0', steady) },
      'ALL|first': { Items: [] },
    };
    doc
      .on(QueryCommand)
      .callsFake(
        (input: {
          ExpressionAttributeValues: Record<string, string>;
          ExclusiveStartKey?: unknown;
        }) => {
          const page =
            pages[
              `${input.ExpressionAttributeValues[':pk']}|${input.ExclusiveStartKey ? 'next' : 'first'}`
            ];
          if (page === undefined) throw new Error('unexpected query');
          return page;
        },
      );

    // Act
    const { result, lines } = await captureStdout(() =>
      handler({ evaluatedHour: EVALUATED }, testContext('drift')),
    );

    // Assess
    expect(result.findings.map((f) => [f.promptVersion, f.signal, f.direction])).toEqual([
      ['2.0.0', 'completeness', 'decrease'],
    ]);
    expect(doc.commandCalls(QueryCommand)).toHaveLength(4);
    const emf = emfLines(lines);
    const summary = emf.find((record) => 'DriftFindings' in record);
    expect(summary).toMatchObject({ DriftFindings: 1, DriftChartsEvaluated: 12 });
    const statistics = emf.filter((record) => 'DriftStatistic' in record);
    expect(statistics).toHaveLength(12);
    const completeness = statistics.find(
      (record) => record.PromptVersion === '2.0.0' && record.Signal === 'completeness:decrease',
    );
    expect(Number(completeness?.DriftStatistic)).toBeGreaterThanOrEqual(1);
    for (const record of emf) {
      for (const set of record._aws.CloudWatchMetrics[0]?.Dimensions ?? []) {
        for (const name of set) expect(['service', ...METRIC_DIMENSIONS]).toContain(name);
      }
    }
  });

  it('refuses an event whose evaluatedHour is not an hour label', async () => {
    // Prepare / Act
    const run = () => handler({ evaluatedHour: '27/11/2026 15:00' }, testContext('drift'));

    // Assess
    await expect(run).rejects.toThrow(/evaluatedHour must be an hour label/);
    expect(doc.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
