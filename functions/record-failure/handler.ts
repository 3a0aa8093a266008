/**
 * RecordFailure task: reason code for the caught error, the FAILED row and the
 * failure metrics. It never records success; the state machine then sends the
 * document to the extraction DLQ and ends FAILED.
 */
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { NO_PROMPT_VERSION, putResultRow } from '#adapters/results-table.ts';
import { RESULTS_TABLE } from '#contracts/resources.ts';
import { RecordFailureInputSchema, type RecordFailureOutput } from '#contracts/task-schemas.ts';
import { dynamoDocumentClient } from '#functions/shared/clients.ts';
import { elapsedSince, emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { recordingIdempotency } from '#functions/shared/idempotency.ts';
import { createObservability } from '#functions/shared/powertools.ts';
import { classifyFailure } from './failure-reason.ts';

const config = { table: requireEnv(RESULTS_TABLE.envVar) };
const { logger, metrics } = createObservability('record-failure');

const recordFailure = async (event: unknown): Promise<RecordFailureOutput> => {
  const { execution, state } = RecordFailureInputSchema.parse(event);
  const failure = classifyFailure(state.error);
  logger.appendKeys({ documentId: state.documentId, promptVersion: state.variant?.promptVersion });
  const completedAt = new Date();
  const latencyMs = elapsedSince(execution.startTime, completedAt);
  await putResultRow(dynamoDocumentClient(), config.table, {
    documentId: state.documentId,
    status: 'FAILED',
    reason: failure.reason,
    bucket: state.bucket,
    key: state.key,
    versionId: state.versionId,
    etag: state.etag,
    promptVersion: state.variant?.promptVersion ?? NO_PROMPT_VERSION,
    experimentId: state.variant?.experimentId ?? null,
    arm: state.variant?.arm ?? null,
    resolvedBy: state.variant?.resolvedBy ?? null,
    modelId: state.model?.modelId ?? null,
    servedBy: state.model?.servedBy ?? null,
    completeness: null,
    allRequiredPresent: null,
    inputTokens: state.model?.inputTokens ?? null,
    outputTokens: state.model?.outputTokens ?? null,
    usageEstimated: state.model?.usageEstimated ?? null,
    costMicroUsd: state.score?.costMicroUsd ?? null,
    modelLatencyMs: state.model?.modelLatencyMs ?? null,
    latencyMs,
    pageCount: state.document?.pageCount ?? null,
    receivedAt: state.receivedAt,
    startedAt: execution.startTime,
    completedAt: completedAt.toISOString(),
    executionId: execution.id,
    resultUri: null,
  });
  emitDocumentMetrics(metrics, {
    documentId: state.documentId,
    outcome: 'Failed',
    reason: failure.reason,
    promptVersion: state.variant?.promptVersion ?? null,
    experimentId: state.variant?.experimentId ?? null,
    arm: state.variant?.arm ?? null,
    latencyMs,
    modelLatencyMs: state.model?.modelLatencyMs ?? null,
    inputTokens: state.model?.inputTokens ?? null,
    outputTokens: state.model?.outputTokens ?? null,
    costMicroUsd: null,
    completeness: null,
    allRequiredPresent: null,
  });
  logger.warn('Failure recorded', { reason: failure.reason, error: failure.error });
  return failure;
};

export const handler = makeIdempotent(recordFailure, recordingIdempotency('record-failure'));
