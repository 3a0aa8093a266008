/**
 * Identical documents through the whole local stack (ADR 40): the same PDF
 * bytes uploaded under a second key end SUCCEEDED from the first upload's
 * extraction, with no second call to the local Bedrock stand-in (the
 * rule-based extractor), no tokens and no cost, recorded as a cache hit in
 * the ledger, the result row and JSON, `documents get` and the roll-ups.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Target, targetOfStack } from '#cli/target.ts';
import { hourOf, promptVersionKey } from '#contracts/metrics-items.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { UNLIMITED_CAPACITY } from '#local/stack-capacity.ts';
import { getUploads } from '#services/document-ledger.ts';
import { processFiles } from '#services/process-documents.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

// Whole-stack test on a shared 2-core machine: generous bounds, no timing assertions.
vi.setConfig({ testTimeout: 180_000 });

let stack: LocalStack;
let target: Target;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    promptCacheTtlSeconds: 0,
    capacity: UNLIMITED_CAPACITY,
    sharedDynamoDb: sharedDynamoDb('reuse'),
  });
  target = targetOfStack(stack);
  dir = await mkdtemp(join(tmpdir(), 'medextract-reuse-'));
}, 120_000);
afterAll(async () => stack?.stop());

const row = async (documentId: string) =>
  (
    await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.results, Key: { documentId } }),
    )
  ).Item;

const resultJson = async (documentId: string): Promise<Record<string, unknown>> => {
  const object = await stack.clients.s3.send(
    new GetObjectCommand({ Bucket: stack.bucket, Key: `results/${documentId}.json` }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '{}');
};

describe('identical documents on the whole local stack', () => {
  it('extracts the second upload of the same bytes without a second model call', async () => {
    // Prepare: one PDF, written under two names (two keys, the same bytes).
    const bytes = Buffer.from(await recordPdf('Reuse Example-Case'));
    const first = join(dir, 'first copy.pdf');
    const second = join(dir, 'second copy.pdf');
    await writeFile(first, bytes);
    await writeFile(second, bytes);
    const callsAtStart = stack.bedrock.stats().calls;

    // Act
    const [original] = await processFiles(target, [{ path: first }], { timeoutMs: 150_000 });
    const callsAfterFirst = stack.bedrock.stats().calls;
    const [copy] = await processFiles(target, [{ path: second }], { timeoutMs: 150_000 });
    const callsAfterSecond = stack.bedrock.stats().calls;
    await stack.settle();

    // Assess: the first called the stand-in once, the second not at all.
    expect(original?.status).toBe('SUCCEEDED');
    expect(copy?.status).toBe('SUCCEEDED');
    expect(callsAfterFirst - callsAtStart).toBe(1);
    expect(callsAfterSecond).toBe(callsAfterFirst);
    const originalId = original?.documentId ?? '';
    const copyId = copy?.documentId ?? '';
    expect(copyId).not.toBe(originalId);

    // The ledger and `documents get` name the upload whose extraction was reused.
    const [upload] = await getUploads(target, copyId);
    expect(upload).toMatchObject({ status: 'SUCCEEDED', reusedFrom: originalId });
    const [originalUpload] = await getUploads(target, originalId);
    expect(originalUpload?.reusedFrom).toBeNull();

    // The row: no tokens, no cost, what answered originally; the fields are the first's.
    const originalRow = await row(originalId);
    expect(originalRow).toMatchObject({
      status: 'SUCCEEDED',
      servedBy: 'local.rule-based-extractor-v1',
    });
    expect(originalRow?.costMicroUsd).toBeGreaterThan(0);
    expect(await row(copyId)).toMatchObject({
      status: 'SUCCEEDED',
      reusedFrom: originalId,
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
      modelLatencyMs: 0,
      servedBy: 'local.rule-based-extractor-v1',
    });
    const [originalResult, copyResult] = [await resultJson(originalId), await resultJson(copyId)];
    expect(copyResult.reusedFrom).toBe(originalId);
    expect(copyResult.fields).toEqual(originalResult.fields);
    expect(copyResult.scores).toMatchObject({ costMicroUsd: 0 });

    // The roll-up counts the hit.
    const rollup = await stack.clients.dynamodb.send(
      new GetCommand({
        TableName: stack.tables.metrics,
        Key: promptVersionKey(String(originalRow?.promptVersion), hourOf(Date.now())),
      }),
    );
    expect(rollup.Item?.cacheHits).toBe(1);
    expect(rollup.Item?.documents).toBeGreaterThanOrEqual(2);
  });
});
