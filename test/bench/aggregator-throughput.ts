/**
 * Benchmark: aggregator throughput against DynamoDB Local, in EMF records per
 * second, with a same-run baseline (one plain PutItem per record) so the
 * number is read as a ratio on a shared, noisy machine.
 * Run: `npm run bench:aggregator` (optionally `-- 2000` records).
 */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { METRICS_TABLE, physicalName } from '#contracts/resources.ts';
import { emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { ensureTables, startDynamoDbLocal } from '#local/dynamodb.ts';
import { captureStdout } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { subscriptionEvent, type TestLogEvent } from '#test/helpers/logs-subscription.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const records = Number(process.argv[2] ?? 1000);
const stage = 'bench';
const table = physicalName(stage, METRICS_TABLE.suffix);
const ddb = await startDynamoDbLocal();
const raw = new DynamoDBClient({
  endpoint: ddb.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
});
await ensureTables(raw, stage);
Object.assign(process.env, {
  METRICS_TABLE_NAME: table,
  AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'b',
  AWS_SECRET_ACCESS_KEY: 'b',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
const { handler } = await import('#functions/aggregator/handler.ts');

const events: TestLogEvent[] = [];
const { lines } = await captureStdout(async () => {
  for (let i = 0; i < records; i += 1) {
    const metrics = new Metrics({ namespace: 'MedExtract/bench', serviceName: 'medextract' });
    emitDocumentMetrics(metrics, {
      documentId: i.toString(16).padStart(64, '0'),
      attempt: 0,
      outcome: i % 10 === 0 ? 'Failed' : 'Succeeded',
      reason: i % 10 === 0 ? 'NOT_PDF' : null,
      promptVersion: i % 2 === 0 ? '1.1.0' : '2.0.0',
      experimentId: 'exp-bench',
      arm: i % 2 === 0 ? 'control' : 'treatment',
      latencyMs: 500 + (i % 700),
      modelLatencyMs: 300,
      inputTokens: 2000,
      outputTokens: 400,
      costMicroUsd: 4000 + (i % 50),
      completeness: Math.min((i % 11) / 10, 1),
      allRequiredPresent: i % 3 !== 0,
    });
  }
});
lines
  .filter((l) => l.includes('"_aws"'))
  .forEach((message, i) => {
    events.push({ id: String(1e12 + i), timestamp: Date.now(), message });
  });

const doc = DynamoDBDocumentClient.from(raw);
const baselineStart = performance.now();
for (const event of events) {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { pk: `BASELINE#${event.id}`, sk: 'x', message: event.message.length },
    }),
  );
}
const baselineSeconds = (performance.now() - baselineStart) / 1000;

const start = performance.now();
for (let i = 0; i < events.length; i += 100) {
  await handler(subscriptionEvent(events.slice(i, i + 100)), testContext('aggregator'));
}
const seconds = (performance.now() - start) / 1000;
const again = await handler(subscriptionEvent(events.slice(0, 100)), testContext('aggregator'));

const rate = events.length / seconds;
const baselineRate = events.length / baselineSeconds;
console.log(`records: ${events.length}`);
console.log(`aggregator: ${rate.toFixed(0)} EMF records/s (${seconds.toFixed(2)} s)`);
console.log(`baseline (one PutItem per record): ${baselineRate.toFixed(0)} records/s`);
console.log(`ratio aggregator/baseline: ${(rate / baselineRate).toFixed(2)}`);
console.log(`redelivered batch of 100: counted ${again.counted}, duplicates ${again.duplicates}`);
await ddb.stop();
