/**
 * The alerts use case over a fake metrics table: synthetic roll-ups stored as
 * the aggregator stores them, read back and analysed, with and without a
 * completeness drop; paging and the sort-key window checked on the queries.
 */
import type { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { addHours, type HourlyRollup } from '#core/drift/index.ts';
import { alertSettings, driftAlerts } from '#services/alerts.ts';
import { InvalidInputError } from '#services/errors.ts';
import { hoursOf, NORMAL_TRAFFIC, seededRandom } from '#test/unit/drift/synthetic-rollups.ts';

const EVALUATED = '2026-11-27T15';
const VERSIONS = { versions: () => ['1.1.0', '2.0.0'] };

const itemOf = (pk: string, hour: string, r: HourlyRollup): Record<string, unknown> => ({
  pk,
  sk: `H#${hour}`,
  documents: r.documents,
  succeeded: r.succeeded,
  failed: r.failed,
  ...Object.fromEntries(Object.entries(r.failedByReason).map(([k, n]) => [`failed_${k}`, n])),
  completenessN: r.completeness.n,
  completenessSum: r.completeness.sum,
  completenessSumSq: r.completeness.sumSq,
  inputTokensN: r.inputTokens.n,
  inputTokensSum: r.inputTokens.sum,
  inputTokensSumSq: r.inputTokens.sumSq,
  outputTokensN: r.outputTokens.n,
  outputTokensSum: r.outputTokens.sum,
  outputTokensSumSq: r.outputTokens.sumSq,
  allRequiredN: r.allRequiredN,
  allRequiredPresent: r.allRequiredPresent,
});

/** A metrics table in memory answering key-condition queries, 50 items a page. */
const fakeTable = (items: Record<string, unknown>[]) => {
  const queries: QueryCommand['input'][] = [];
  const client = {
    send: async (command: QueryCommand) => {
      const input = command.input;
      queries.push(input);
      const values = input.ExpressionAttributeValues ?? {};
      const matching = items
        .filter(
          (item) =>
            item.pk === values[':pk'] &&
            String(item.sk) >= String(values[':from']) &&
            String(item.sk) <= String(values[':to']),
        )
        .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
      const start = input.ExclusiveStartKey ? Number(input.ExclusiveStartKey.offset) : 0;
      const page = matching.slice(start, start + 50);
      const more = start + 50 < matching.length;
      return {
        Items: page,
        ...(more ? { LastEvaluatedKey: { offset: start + 50 } } : {}),
        $metadata: {},
      };
    },
  };
  return { ctx: { tables: { metrics: 'metrics-table' }, clients: { dynamodb: client } }, queries };
};

const stored = (shiftV2: boolean) => {
  const random = seededRandom(11);
  const v2 = hoursOf(
    EVALUATED,
    192,
    random,
    NORMAL_TRAFFIC,
    shiftV2
      ? { from: addHours(EVALUATED, -9), after: { ...NORMAL_TRAFFIC, completenessMean: 0.8 } }
      : undefined,
  );
  const v1 = hoursOf(EVALUATED, 192, random, NORMAL_TRAFFIC);
  return [
    ...Object.entries(v2).map(([h, r]) => itemOf('PV#2.0.0', h, r)),
    ...Object.entries(v1).map(([h, r]) => itemOf('PV#1.1.0', h, r)),
    // Outside the window: must not be read.
    itemOf('PV#2.0.0', addHours(EVALUATED, 1), v2[EVALUATED] as HourlyRollup),
  ];
};

describe('driftAlerts', () => {
  it('finds a completeness drop in 2.0.0 and dates it near the shift', async () => {
    // Prepare
    const { ctx, queries } = fakeTable(stored(true));
    // Act
    const report = await driftAlerts(ctx, { evaluatedHour: EVALUATED }, VERSIONS);
    // Assess
    expect(report.evaluatedHour).toBe(EVALUATED);
    expect(report.findings.map((f) => `${f.promptVersion}:${f.signal}`)).toContain(
      '2.0.0:completeness',
    );
    expect(report.findings.every((f) => f.promptVersion === '2.0.0')).toBe(true);
    const drop = report.findings.find((f) => f.signal === 'completeness');
    expect(drop?.baseline).toBeCloseTo(0.92, 1);
    expect(drop?.current).toBeLessThan(0.9);
    expect(drop?.changeStartedAt).not.toBeNull();
    expect(String(drop?.changeStartedAt) >= addHours(EVALUATED, -12)).toBe(true);
    // One window: 168 baseline hours and 24 monitored ones ending at the evaluated hour.
    expect(queries[0]?.ExpressionAttributeValues).toEqual({
      ':pk': 'PV#1.1.0',
      ':from': `H#${addHours(EVALUATED, -191)}`,
      ':to': `H#${EVALUATED}`,
    });
    // 192 hours of 2.0.0 at 50 a page: the reader followed the pages.
    expect(queries.filter((q) => q.ExpressionAttributeValues?.[':pk'] === 'PV#2.0.0')).toHaveLength(
      4,
    );
    expect(queries.at(-1)?.ExpressionAttributeValues?.[':pk']).toBe('ALL');
  });

  it('reports nothing on the same traffic without a shift', async () => {
    const { ctx } = fakeTable(stored(false));
    const report = await driftAlerts(ctx, { evaluatedHour: EVALUATED }, VERSIONS);
    expect(report.charts.filter((c) => c.status === 'evaluated').length).toBeGreaterThan(4);
    expect(report.findings).toEqual([]);
  });

  it('skips charts without enough baseline documents instead of guessing', async () => {
    const { ctx } = fakeTable([]);
    const report = await driftAlerts(ctx, { evaluatedHour: EVALUATED }, VERSIONS);
    expect(report.charts.length).toBeGreaterThan(0);
    expect(report.charts.every((c) => c.status === 'insufficient-baseline')).toBe(true);
    expect(report.findings).toEqual([]);
  });

  it('defaults to the last complete hour and refuses a malformed hour or window', async () => {
    const { ctx } = fakeTable([]);
    const now = Date.parse('2026-11-27T16:20:00Z');
    expect((await driftAlerts(ctx, { now }, VERSIONS)).evaluatedHour).toBe(EVALUATED);
    await expect(driftAlerts(ctx, { evaluatedHour: '2026-11-27 15' }, VERSIONS)).rejects.toThrow(
      InvalidInputError,
    );
    expect(() => alertSettings({ monitorHours: 0 })).toThrow(InvalidInputError);
    expect(alertSettings({ baselineHours: 48 }).baselineHours).toBe(48);
  });
});
