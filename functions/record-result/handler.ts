/**
 * RecordResult task: the full result JSON to `results/<documentId>.json`, the
 * SUCCEEDED row, and the document's EMF metrics, once per execution.
 */
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { putResultRow, type ResultRow } from '#adapters/results-table.ts';
import { BUCKET_PREFIXES, RESULTS_TABLE } from '#contracts/resources.ts';
import { parseS3Uri, toS3Uri } from '#contracts/s3-uri.ts';
import { RecordResultInputSchema } from '#contracts/task-schemas.ts';
import { dynamoDocumentClient, s3Client } from '#functions/shared/clients.ts';
import { elapsedSince, emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { recordingIdempotency } from '#functions/shared/idempotency.ts';
import { createObservability } from '#functions/shared/powertools.ts';

const config = {
  table: requireEnv(RESULTS_TABLE.envVar),
  bucket: requireEnv('DOCUMENTS_BUCKET'),
};
const { logger, metrics } = createObservability('record-result');

export interface RecordResultOutput {
  readonly resultUri: string;
  readonly status: 'SUCCEEDED';
}

const recordResult = async (event: unknown): Promise<RecordResultOutput> => {
  const { execution, state } = RecordResultInputSchema.parse(event);
  logger.appendKeys({ documentId: state.documentId, promptVersion: state.variant.promptVersion });
  const { bucket, key } = parseS3Uri(state.model.outputUri);
  const output = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const fields: unknown = JSON.parse((await output.Body?.transformToString('utf-8')) ?? 'null');

  const completedAt = new Date();
  const latencyMs = elapsedSince(execution.startTime, completedAt);
  const resultKey = `${BUCKET_PREFIXES.results}${state.documentId}.json`;
  const resultUri = toS3Uri({ bucket: config.bucket, key: resultKey });
  const document = {
    documentId: state.documentId,
    status: 'SUCCEEDED',
    source: { bucket: state.bucket, key: state.key, versionId: state.versionId, etag: state.etag },
    promptVersion: state.variant.promptVersion,
    experiment: { id: state.variant.experimentId, arm: state.variant.arm },
    model: state.model,
    scores: state.score,
    pages: state.document.pageCount,
    fields,
    completedAt: completedAt.toISOString(),
  };
  await s3Client().send(
    new PutObjectCommand({
      Bucket: config.bucket,
      Key: resultKey,
      Body: JSON.stringify(document, null, 2),
      ContentType: 'application/json',
    }),
  );

  const row: ResultRow = {
    documentId: state.documentId,
    status: 'SUCCEEDED',
    reason: null,
    bucket: state.bucket,
    key: state.key,
    versionId: state.versionId,
    etag: state.etag,
    promptVersion: state.variant.promptVersion,
    experimentId: state.variant.experimentId,
    arm: state.variant.arm,
    resolvedBy: state.variant.resolvedBy,
    modelId: state.model.modelId,
    servedBy: state.model.servedBy,
    completeness: state.score.completeness,
    allRequiredPresent: state.score.allRequiredPresent,
    inputTokens: state.model.inputTokens,
    outputTokens: state.model.outputTokens,
    usageEstimated: state.model.usageEstimated,
    costMicroUsd: state.score.costMicroUsd,
    modelLatencyMs: state.model.modelLatencyMs,
    latencyMs,
    pageCount: state.document.pageCount,
    receivedAt: state.receivedAt,
    startedAt: execution.startTime,
    completedAt: completedAt.toISOString(),
    executionId: execution.id,
    resultUri,
  };
  await putResultRow(dynamoDocumentClient(), config.table, row);

  emitDocumentMetrics(metrics, {
    documentId: state.documentId,
    outcome: 'Succeeded',
    reason: null,
    promptVersion: state.variant.promptVersion,
    experimentId: state.variant.experimentId,
    arm: state.variant.arm,
    latencyMs,
    modelLatencyMs: state.model.modelLatencyMs,
    inputTokens: state.model.inputTokens,
    outputTokens: state.model.outputTokens,
    costMicroUsd: state.score.costMicroUsd,
    completeness: state.score.completeness,
    allRequiredPresent: state.score.allRequiredPresent,
  });
  logger.info('Result recorded', { completeness: state.score.completeness, latencyMs });
  return { resultUri, status: 'SUCCEEDED' };
};

export const handler = makeIdempotent(recordResult, recordingIdempotency('record-result'));
