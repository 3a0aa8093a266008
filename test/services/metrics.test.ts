/**
 * The metrics use case over DynamoDB Local: per-version and all-document
 * readouts summed over the hours since the window start, versions without
 * documents left out unless asked for, and an unknown version refused.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allDocumentsKey,
  type DocumentSample,
  hourOf,
  promptVersionKey,
  rollupUpdate,
} from '#contracts/metrics-items.ts';
import { metricsSince } from '#services/metrics.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const HOUR = 3_600_000;
const now = Date.now();

const sample = (succeeded: boolean, costMicroUsd: number): DocumentSample => ({
  succeeded,
  reason: succeeded ? null : 'MODEL_TIMEOUT',
  latencyMs: 2000,
  completeness: succeeded ? 0.5 : null,
  allRequiredPresent: succeeded ? true : null,
  costMicroUsd,
  inputTokens: 1000,
  outputTokens: 200,
});

const add = async (key: { pk: string; sk: string }, samples: DocumentSample[]) => {
  await env.ctx.clients.dynamodb.send(
    new UpdateCommand({ TableName: env.ctx.tables.metrics, Key: key, ...rollupUpdate(samples) }),
  );
};

beforeAll(async () => {
  env = await startDynamoContext('svcmet');
  const thisHour = hourOf(now);
  const lastHour = hourOf(now - HOUR);
  const longAgo = hourOf(now - 48 * HOUR);
  await add(promptVersionKey('2.0.0', thisHour), [sample(true, 1000), sample(false, 0)]);
  await add(promptVersionKey('2.0.0', lastHour), [sample(true, 2000)]);
  await add(promptVersionKey('2.0.0', longAgo), [sample(true, 9000)]);
  await add(allDocumentsKey(thisHour), [sample(true, 1000), sample(false, 0)]);
  await add(allDocumentsKey(lastHour), [sample(true, 2000)]);
});

afterAll(async () => {
  await env?.stop();
});

describe('metricsSince', () => {
  it('sums the hours in the window and leaves out versions without documents', async () => {
    // Act
    const report = await metricsSince(env.ctx, { since: new Date(now - 2 * HOUR) });

    // Assess
    expect(report.since).toBe(`${hourOf(now - 2 * HOUR)}:00Z`);
    expect(report.versions.map((v) => v.version)).toEqual(['2.0.0']);
    expect(report.versions[0]).toMatchObject({
      documents: 3,
      succeeded: 2,
      failed: 1,
      failedByReason: { MODEL_TIMEOUT: 1 },
      completenessMean: 0.5,
      costPerDocumentMicroUsd: 1000,
    });
    expect(report.all).toMatchObject({ version: 'all documents', documents: 3 });
  });

  it('reports an asked-for version even with no documents, and refuses an unknown one', async () => {
    // Act
    const quiet = await metricsSince(env.ctx, { since: new Date(now), version: '1.0.0' });
    const unknown = await metricsSince(env.ctx, { since: new Date(now), version: '7.0.0' }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(quiet.versions).toEqual([
      expect.objectContaining({ version: '1.0.0', documents: 0, successRate: null }),
    ]);
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', reason: 'UNKNOWN_PROMPT_VERSION' });
  });
});
