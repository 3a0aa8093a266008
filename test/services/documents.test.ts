/**
 * The document use cases over DynamoDB Local and a mocked S3: list by status
 * and by prompt version (newest first), get one with the fields of its result
 * JSON, never an object key, and refusals with codes an API can map.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument, listDocuments } from '#services/documents.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const id = (n: number) => n.toString(16).padStart(64, '0');

const row = (n: number, status: 'SUCCEEDED' | 'FAILED', promptVersion: string) => ({
  documentId: id(n),
  status,
  reason: status === 'FAILED' ? 'MODEL_OUTPUT_INVALID' : null,
  bucket: 'documents',
  key: `incoming/patient-${n}.pdf`,
  promptVersion,
  completeness: status === 'SUCCEEDED' ? 0.8 : null,
  costMicroUsd: 700,
  latencyMs: 1000 + n,
  receivedAt: `2026-03-01T10:0${n}:00Z`,
  completedAt: `2026-03-01T10:0${n}:30Z`,
  resultUri: status === 'SUCCEEDED' ? `s3://documents/results/${id(n)}.json` : null,
});

beforeAll(async () => {
  env = await startDynamoContext('svcdoc');
  const rows = [
    row(1, 'SUCCEEDED', '2.0.0'),
    row(2, 'FAILED', 'none'),
    row(3, 'SUCCEEDED', '2.0.0'),
    row(4, 'SUCCEEDED', '1.1.0'),
  ];
  for (const item of rows) {
    await env.ctx.clients.dynamodb.send(
      new PutCommand({ TableName: env.ctx.tables.results, Item: item }),
    );
  }
});

afterAll(async () => {
  await env?.stop();
});

describe('listDocuments', () => {
  it('lists by status and by prompt version, newest first, without object keys', async () => {
    // Act
    const succeeded = await listDocuments(env.ctx, { status: 'SUCCEEDED' });
    const v2 = await listDocuments(env.ctx, { promptVersion: '2.0.0' });
    const failed = await listDocuments(env.ctx, { status: 'FAILED' });
    const two = await listDocuments(env.ctx, { limit: 2 });

    // Assess
    expect(succeeded.map((d) => d.documentId)).toEqual([id(4), id(3), id(1)]);
    expect(v2.map((d) => d.documentId)).toEqual([id(3), id(1)]);
    expect(failed).toEqual([
      expect.objectContaining({
        documentId: id(2),
        reason: 'MODEL_OUTPUT_INVALID',
        promptVersion: null,
      }),
    ]);
    expect(two).toHaveLength(2);
    expect(JSON.stringify([succeeded, failed])).not.toContain('patient-');
  });

  it('refuses two filters and a bad limit as INVALID_INPUT', async () => {
    // Act
    const both = await listDocuments(env.ctx, { status: 'FAILED', promptVersion: '2.0.0' }).catch(
      (error: unknown) => error,
    );
    const zero = await listDocuments(env.ctx, { limit: 0 }).catch((error: unknown) => error);

    // Assess
    expect(both).toMatchObject({ code: 'INVALID_INPUT', reason: 'ONE_FILTER' });
    expect(zero).toMatchObject({ code: 'INVALID_INPUT', reason: 'INVALID_LIMIT' });
  });
});

describe('getDocument', () => {
  it('returns the fields of the result JSON for a success, none for a failure', async () => {
    // Prepare
    const s3 = mockClient(env.ctx.clients.s3);
    s3.on(GetObjectCommand, { Bucket: 'documents', Key: `results/${id(1)}.json` }).resolves({
      Body: sdkStreamMixin(Readable.from([JSON.stringify({ fields: { patient: { sex: 'F' } } })])),
    });

    // Act
    const one = await getDocument(env.ctx, id(1));
    const two = await getDocument(env.ctx, id(2));

    // Assess
    expect(one).toMatchObject({ status: 'SUCCEEDED', fields: { patient: { sex: 'F' } } });
    expect(two).toMatchObject({ status: 'FAILED', fields: null });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    s3.restore();
  });

  it('refuses a malformed id as INVALID_INPUT and an unknown one as NOT_FOUND', async () => {
    // Act
    const malformed = await getDocument(env.ctx, 'abc').catch((error: unknown) => error);
    const unknown = await getDocument(env.ctx, id(99)).catch((error: unknown) => error);

    // Assess
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT', reason: 'INVALID_DOCUMENT_ID' });
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', reason: 'UNKNOWN_DOCUMENT' });
  });
});
