/**
 * RecordFailure task: reason code for the caught error, the FAILED row, the
 * failure metrics and, last, the FAILED ledger outcome. It never records
 * success; the state machine then sends the document to the extraction DLQ
 * and ends FAILED. A retry that finds the attempt's failure in the ledger
 * writes nothing (ADR 63). The object key comes from the ledger, never from state.
 */
import { documentRecords } from '#adapters/result-record.ts';
import { putResultRow } from '#adapters/results-table.ts';
import { RESULTS_TABLE } from '#contracts/resources.ts';
import { RecordFailureInputSchema, type RecordFailureOutput } from '#contracts/task-schemas.ts';
import { failureStanding } from '#core/ledger/recording-standing.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { ledger } from '#functions/shared/ledger.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { classifyFailure } from './failure-reason.ts';

const config = { table: requireEnv(RESULTS_TABLE.envVar) };
const observability = createObservability('record-failure');
const { logger, metrics } = observability;

const recordFailure = async (event: unknown): Promise<RecordFailureOutput> => {
  const { execution, state } = RecordFailureInputSchema.parse(event);
  const failure = classifyFailure(state.error);
  logger.appendKeys({ documentId: state.documentId, promptVersion: state.variant?.promptVersion });
  // A failure is recorded even when the ledger has no entry (the row then has no key).
  const entry = await ledger().get(state.documentId);
  // The classification is deterministic from state.error: a retry answers as the first call did.
  const standing = failureStanding(entry, { attempt: state.attempt, executionArn: execution.id });
  if (standing.kind === 'recorded') {
    logger.info('Failure already recorded; nothing written', { reason: failure.reason });
    return failure;
  }
  if (standing.kind === 'overtaken') {
    logger.warn('A later attempt holds the document; nothing written', {
      attempt: state.attempt,
      ledgerAttempt: standing.ledgerAttempt,
    });
    return failure;
  }
  const records = documentRecords({
    execution,
    state,
    source: entry ?? null,
    ending: { status: 'FAILED', reason: failure.reason },
    completedAt: new Date(),
  });
  await putResultRow(dynamoDocumentClient(), config.table, records.row);
  emitDocumentMetrics(metrics, records.metrics);
  if (entry !== undefined) {
    await ledger().record(
      state.documentId,
      {
        kind: 'failed',
        at: records.row.completedAt,
        attempt: state.attempt,
        reason: failure.reason,
        promptVersion: state.variant?.promptVersion ?? null,
      },
      { known: entry },
    );
  }
  logger.warn('Failure recorded', { reason: failure.reason, error: failure.error });
  return failure;
};

export const handler = instrument(observability, recordFailure);
