/**
 * Aggregator against DynamoDB Local: EMF written by the real metrics code is
 * rolled up per prompt version and per experiment arm, a redelivered log event
 * is counted once, and junk never crashes the batch.
 */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addItem,
  emptyRollup,
  experimentArmKey,
  hourOf,
  promptVersionKey,
} from '#contracts/metrics-items.ts';
import { METRICS_TABLE, physicalName } from '#contracts/resources.ts';
import { bucketIndex } from '#core/metrics/histogram.ts';
import { type DocumentOutcome, emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { ensureTables } from '#local/dynamodb.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { subscriptionEvent, type TestLogEvent } from '#test/helpers/logs-subscription.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

// The run's DynamoDB Local, under a stage of this file's own.
const { endpoint, stage: STAGE } = sharedDynamoDb('aggtest');
const table = physicalName(STAGE, METRICS_TABLE.suffix);
let client: DynamoDBDocumentClient;
let handler: typeof import('#functions/aggregator/handler.ts')['handler'];

beforeAll(async () => {
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  await ensureTables(raw, STAGE);
  client = DynamoDBDocumentClient.from(raw);
  setHandlerEnv({ METRICS_TABLE_NAME: table, AWS_ENDPOINT_URL_DYNAMODB: endpoint });
  ({ handler } = await import('#functions/aggregator/handler.ts'));
}, 60_000);

let seq = 0;
const docId = (n: number) => n.toString(16).padStart(64, '0');

/** EMF lines exactly as RecordResult/RecordFailure print them. */
const emfFor = async (outcome: Partial<DocumentOutcome>): Promise<TestLogEvent> => {
  const metrics = new Metrics({ namespace: 'MedExtract/test', serviceName: 'medextract' });
  const doc: DocumentOutcome = {
    documentId: docId(++seq),
    attempt: 0,
    outcome: 'Succeeded',
    reason: null,
    promptVersion: '2.0.0',
    experimentId: null,
    arm: null,
    latencyMs: 1200,
    modelLatencyMs: 800,
    inputTokens: 2000,
    outputTokens: 500,
    costMicroUsd: 4500,
    completeness: 0.8,
    allRequiredPresent: true,
    ...outcome,
  };
  const { lines } = await captureStdout(async () => emitDocumentMetrics(metrics, doc));
  const message = lines.find((l) => l.includes('"_aws"'));
  if (!message) throw new Error('no EMF printed');
  return { id: `3${String(seq).padStart(55, '0')}`, timestamp: Date.now(), message };
};

const readRollup = async (key: { pk: string; sk: string }) => {
  const item = await client.send(new GetCommand({ TableName: table, Key: key }));
  return addItem(emptyRollup(), item.Item ?? {});
};

describe('aggregator', () => {
  it('rolls documents up per prompt version and hour, with sums, squares and a histogram', async () => {
    // Prepare
    const version = `9.0.${++seq}`;
    const events = [
      await emfFor({
        promptVersion: version,
        completeness: 0.5,
        costMicroUsd: 1000,
        latencyMs: 1000,
      }),
      await emfFor({
        promptVersion: version,
        completeness: 1,
        costMicroUsd: 3000,
        latencyMs: 3000,
      }),
      await emfFor({
        promptVersion: version,
        outcome: 'Failed',
        reason: 'NOT_PDF',
        completeness: null,
        allRequiredPresent: null,
        costMicroUsd: null,
        inputTokens: null,
        outputTokens: null,
        latencyMs: 200,
      }),
    ];
    // Act
    const result = await handler(subscriptionEvent(events), testContext('aggregator'));
    // Assess
    expect(result).toEqual({ counted: 3, duplicates: 0, ignored: 0, malformed: 0 });
    const r = await readRollup(promptVersionKey(version, hourOf(Date.now())));
    expect(r.documents).toBe(3);
    expect(r.succeeded).toBe(2);
    expect(r.failed).toBe(1);
    expect(r.failedByReason).toEqual({ NOT_PDF: 1 });
    expect(r.completeness).toEqual({ n: 2, sum: 1.5, sumSq: 1.25 });
    expect(r.cost).toEqual({ n: 2, sum: 4000, sumSq: 10_000_000 });
    expect(r.inputTokens).toEqual({ n: 2, sum: 4000, sumSq: 8_000_000 });
    expect(r.allRequiredPresent).toBe(2);
    expect(r.latencySum).toBe(4200);
    expect(r.latencyHistogram).toEqual({
      [String(bucketIndex(1000))]: 1,
      [String(bucketIndex(3000))]: 1,
      [String(bucketIndex(200))]: 1,
    });
  });

  it('counts a log event delivered twice exactly once', async () => {
    const version = `9.1.${++seq}`;
    const event = await emfFor({ promptVersion: version });
    const first = await handler(subscriptionEvent([event]), testContext('aggregator'));
    const again = await handler(subscriptionEvent([event]), testContext('aggregator'));
    expect(first.counted).toBe(1);
    expect(again).toEqual({ counted: 0, duplicates: 1, ignored: 0, malformed: 0 });
    expect((await readRollup(promptVersionKey(version, hourOf(Date.now())))).documents).toBe(1);
  });

  it('counts only the new events of a batch that overlaps one already delivered', async () => {
    // Prepare: 30 events for one version; 5 of them delivered before, one repeated in the batch.
    const version = `9.4.${++seq}`;
    const events: TestLogEvent[] = [];
    for (let i = 0; i < 30; i += 1)
      events.push(await emfFor({ promptVersion: version, latencyMs: 100 + i }));
    await handler(subscriptionEvent(events.slice(10, 15)), testContext('aggregator'));
    const batch = [...events, events[0] as TestLogEvent];
    // Act
    const result = await handler(subscriptionEvent(batch), testContext('aggregator'));
    // Assess
    expect(result).toEqual({ counted: 25, duplicates: 6, ignored: 0, malformed: 0 });
    const rollup = await readRollup(promptVersionKey(version, hourOf(Date.now())));
    expect(rollup.documents).toBe(30);
    expect(rollup.latencySum).toBe(events.reduce((sum, _, i) => sum + 100 + i, 0));
  });

  it('rolls enrolled documents up per experiment arm as well', async () => {
    const experimentId = `exp-${++seq}`;
    await handler(
      subscriptionEvent([
        await emfFor({ experimentId, arm: 'control' }),
        await emfFor({ experimentId, arm: 'treatment' }),
        await emfFor({ experimentId, arm: 'treatment' }),
      ]),
      testContext('aggregator'),
    );
    const hour = hourOf(Date.now());
    expect((await readRollup(experimentArmKey(experimentId, 'control', hour))).documents).toBe(1);
    expect((await readRollup(experimentArmKey(experimentId, 'treatment', hour))).documents).toBe(2);
  });

  it('ignores non-EMF lines and counts malformed EMF without failing the batch', async () => {
    const version = `9.2.${++seq}`;
    const good = await emfFor({ promptVersion: version });
    const result = await handler(
      subscriptionEvent([
        { id: 'a1', timestamp: Date.now(), message: 'START RequestId: 1234 Version: $LATEST' },
        {
          id: 'a2',
          timestamp: Date.now(),
          message: '{"level":"INFO","message":"Document loaded"}',
        },
        {
          id: 'a3',
          timestamp: Date.now(),
          message: '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"Documents":"many"}',
        },
        good,
      ]),
      testContext('aggregator'),
    );
    expect(result).toEqual({ counted: 1, duplicates: 0, ignored: 2, malformed: 1 });
  });

  it('rejects a payload that is not a subscription event', async () => {
    await expect(handler({ Records: [] }, testContext('aggregator'))).rejects.toThrow();
  });
});

describe('aggregator: one count per document', () => {
  it('counts a document once when its attempt is recorded twice under different event ids', async () => {
    // Prepare: a record step's record, then the reconciler's for the same attempt.
    const version = `9.5.${++seq}`;
    const documentId = docId(++seq);
    const step = await emfFor({ documentId, promptVersion: version, attempt: 0 });
    const reconciler = await emfFor({ documentId, promptVersion: version, attempt: 0 });
    // Act
    const first = await handler(subscriptionEvent([step]), testContext('aggregator'));
    const second = await handler(subscriptionEvent([reconciler]), testContext('aggregator'));
    // Assess
    expect(first.counted).toBe(1);
    expect(second).toEqual({ counted: 0, duplicates: 1, ignored: 0, malformed: 0 });
    expect((await readRollup(promptVersionKey(version, hourOf(Date.now())))).documents).toBe(1);
  });

  it("replaces an earlier attempt's record with a later one's, and ignores a late earlier one", async () => {
    // Prepare: attempt 0 failed (its outcome never reached the ledger), attempt 1 succeeded.
    const version = `9.6.${++seq}`;
    const documentId = docId(++seq);
    const failed = await emfFor({
      documentId,
      promptVersion: version,
      attempt: 0,
      outcome: 'Failed',
      reason: 'MODEL_THROTTLED',
      latencyMs: 500,
      completeness: null,
      costMicroUsd: null,
    });
    const succeeded = await emfFor({ documentId, promptVersion: version, attempt: 1 });
    const lateFirst = await emfFor({ documentId, promptVersion: version, attempt: 0 });
    // Act
    await handler(subscriptionEvent([failed]), testContext('aggregator'));
    const replacing = await handler(subscriptionEvent([succeeded]), testContext('aggregator'));
    const late = await handler(subscriptionEvent([lateFirst]), testContext('aggregator'));
    // Assess
    expect(replacing.counted).toBe(1);
    expect(late).toEqual({ counted: 0, duplicates: 1, ignored: 0, malformed: 0 });
    const r = await readRollup(promptVersionKey(version, hourOf(Date.now())));
    expect(r.documents).toBe(1);
    expect(r.succeeded).toBe(1);
    expect(r.failed).toBe(0);
    expect(r.failedByReason).toEqual({ MODEL_THROTTLED: 0 });
    expect(r.latencySum).toBe(1200);
    expect(r.completeness.n).toBe(1);
    expect(r.completeness.sum).toBeCloseTo(0.8, 12);
    expect(r.completeness.sumSq).toBeCloseTo(0.64, 12);
    expect(r.latencyHistogram).toEqual({
      [String(bucketIndex(500))]: 0,
      [String(bucketIndex(1200))]: 1,
    });
  });

  it('settles two attempts of one document that arrive in the same batch', async () => {
    const version = `9.7.${++seq}`;
    const documentId = docId(++seq);
    const batch = [
      await emfFor({ promptVersion: version }),
      await emfFor({ documentId, promptVersion: version, attempt: 0, latencyMs: 700 }),
      await emfFor({ documentId, promptVersion: version, attempt: 1, latencyMs: 900 }),
    ];
    const result = await handler(subscriptionEvent(batch), testContext('aggregator'));
    expect(result).toEqual({ counted: 3, duplicates: 0, ignored: 0, malformed: 0 });
    const r = await readRollup(promptVersionKey(version, hourOf(Date.now())));
    expect(r.documents).toBe(2);
    expect(r.latencySum).toBe(1200 + 900);
  });
});

describe('writeRecord', () => {
  it('tries a write again when a concurrent transaction on the same hour wins the race', async () => {
    // Prepare: DynamoDB Local serialises transactions, so the conflict is scripted here.
    const { writeRecord } = await import('#functions/aggregator/rollup-writer.ts');
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    const conflict = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });
    let calls = 0;
    const client = { send: async () => (++calls < 3 ? Promise.reject(conflict) : {}) };
    const record = {
      logEventId: 'e1',
      timestamp: Date.now(),
      documentId: docId(1),
      attempt: 0,
      promptVersion: '2.0.0',
      experimentId: null,
      arm: null,
      sample: {
        succeeded: true,
        reason: null,
        latencyMs: 10,
        completeness: 1,
        allRequiredPresent: true,
        costMicroUsd: 1,
        inputTokens: 1,
        outputTokens: 1,
      },
    };
    // Act
    const outcome = await writeRecord(client, 't', record);
    // Assess
    expect(outcome).toBe('counted');
    expect(calls).toBe(3);
  });
});

describe('aggregator under concurrency', () => {
  it('counts every record when many invocations update the same hour at once', async () => {
    // Prepare: 8 batches of 5 records for one version, delivered concurrently.
    const version = `9.3.${++seq}`;
    const batches: TestLogEvent[][] = [];
    for (let b = 0; b < 8; b += 1) {
      const batch: TestLogEvent[] = [];
      for (let i = 0; i < 5; i += 1) batch.push(await emfFor({ promptVersion: version }));
      batches.push(batch);
    }
    // Act
    const results = await Promise.all(
      batches.map((batch) => handler(subscriptionEvent(batch), testContext('aggregator'))),
    );
    // Assess
    expect(results.reduce((n, r) => n + r.counted, 0)).toBe(40);
    expect((await readRollup(promptVersionKey(version, hourOf(Date.now())))).documents).toBe(40);
  });
});

describe('aggregator fixture', () => {
  it('counts the one EMF record of events/logs/emf-subscription.json and ignores the START line', async () => {
    const { loadEvent } = await import('#events/index.ts');
    const result = await handler(loadEvent('logs/emf-subscription'), testContext('aggregator'));
    expect(result).toEqual({ counted: 1, duplicates: 0, ignored: 1, malformed: 0 });
  });
});
