/**
 * Documents the pipeline finished, for the review tests: a ledger entry
 * (NEEDS_REVIEW with its flags, or SUCCEEDED), the results row and the
 * result JSON with evidence, confidence and flags, over DynamoDB Local and
 * an in-memory S3 (the S3 client mocked to serve `objects`).
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { ledgerRepository } from '#adapters/ledger.ts';
import { putResultRow, type ResultRow } from '#adapters/results-table.ts';
import type { ServiceContext } from '#services/context.ts';
import { SAMPLE_V2 } from './sample-extraction.ts';

/** Serves every S3Client's Put/GetObject from a map of key -> body. */
export const memoryS3 = (): Map<string, string> => {
  const objects = new Map<string, string>();
  const s3 = mockClient(S3Client);
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
    objects.set(input.Key, String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
  return objects;
};

export const reviewDocumentId = (n: number) => n.toString(16).padStart(64, '0');
export const minuteAt = (minute: number) =>
  `2026-12-01T09:${String(minute).padStart(2, '0')}:00.000Z`;

/** A document finished by the pipeline (prompt version 2.0.0, fields SAMPLE_V2). */
export const seedFinished = async (
  ctx: ServiceContext,
  objects: Map<string, string>,
  n: number,
  outcome: 'NEEDS_REVIEW' | 'SUCCEEDED',
  flags: number,
  confidence: Record<string, number>,
): Promise<string> => {
  const documentId = reviewDocumentId(n);
  const at = minuteAt;
  const ledger = ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger);
  await ledger.record(documentId, {
    kind: 'received',
    at: at(n),
    documentId,
    object: {
      bucket: 'documents',
      key: `incoming/p${n}.pdf`,
      versionId: null,
      etag: 'e',
      size: 10,
      sequencer: null,
    },
  });
  await ledger.record(
    documentId,
    outcome === 'NEEDS_REVIEW'
      ? {
          kind: 'needs_review',
          at: at(n + 1),
          attempt: 0,
          promptVersion: '2.0.0',
          flagCount: flags,
        }
      : { kind: 'succeeded', at: at(n + 1), attempt: 0, promptVersion: '2.0.0' },
  );
  const row: ResultRow = {
    documentId,
    status: outcome,
    reason: null,
    bucket: 'documents',
    key: `incoming/p${n}.pdf`,
    versionId: null,
    etag: 'e',
    promptVersion: '2.0.0',
    experimentId: null,
    arm: null,
    resolvedBy: 'alias',
    modelId: null,
    servedBy: null,
    completeness: 0.9,
    allRequiredPresent: true,
    inputTokens: 1,
    outputTokens: 1,
    usageEstimated: true,
    costMicroUsd: 1,
    modelLatencyMs: 1,
    latencyMs: 1,
    pageCount: 1,
    receivedAt: at(n),
    startedAt: at(n),
    completedAt: at(n + 1),
    executionId: 'x',
    resultUri: `s3://documents/results/${documentId}.json`,
    ...(outcome === 'NEEDS_REVIEW' ? { reviewFlags: flags } : {}),
  };
  await putResultRow(ctx.clients.dynamodb, ctx.tables.results, row);
  objects.set(
    `results/${documentId}.json`,
    JSON.stringify({
      documentId,
      status: outcome,
      promptVersion: '2.0.0',
      fields: SAMPLE_V2,
      evidence: {
        'patient.name': { page: 1, quote: 'Quillon Marbrey-Testcase', bbox: null, match: 'exact' },
      },
      confidence,
      review: {
        required: outcome === 'NEEDS_REVIEW',
        flags: Array.from({ length: flags }, () => ({
          path: 'medications[0].dose',
          reason: 'UNGROUNDED',
          confidence: 0.2,
          threshold: null,
        })),
      },
    }),
  );
  return documentId;
};
