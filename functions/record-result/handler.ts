/**
 * RecordResult task: the full result JSON to `results/<documentId>.json`, the
 * row, the document's EMF metrics and, last, its ledger outcome: SUCCEEDED, or
 * NEEDS_REVIEW when the grounding step said a person must look; a SUCCEEDED
 * extraction is then remembered for identical later uploads. Once per attempt:
 * a retry that finds the attempt's outcome in the ledger writes nothing and
 * answers as the first call did (ADR 63). The object key comes from the
 * ledger, never from state.
 */
import { documentRecords } from '#adapters/result-record.ts';
import { putResultRow } from '#adapters/results-table.ts';
import { readJson, writeJson } from '#adapters/s3-json.ts';
import { GroundingMiniSchema } from '#contracts/evidence-mini.ts';
import { BUCKET_PREFIXES, RESULTS_TABLE } from '#contracts/resources.ts';
import { toS3Uri } from '#contracts/s3-uri.ts';
import { RecordResultInputSchema } from '#contracts/task-schemas.ts';
import { resultStanding } from '#core/ledger/recording-standing.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { readReuseSettings } from '#functions/shared/extraction-reuse.ts';
import { ledger, requireLedgerEntry } from '#functions/shared/ledger.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { rememberIfReusable } from './remember-extraction.ts';

const config = {
  table: requireEnv(RESULTS_TABLE.envVar),
  bucket: requireEnv('DOCUMENTS_BUCKET'),
  reuse: readReuseSettings(),
};
const observability = createObservability('record-result');
const { logger, metrics } = observability;

export interface RecordResultOutput {
  readonly resultUri: string;
  readonly status: 'SUCCEEDED' | 'NEEDS_REVIEW';
}

const recordResult = async (event: unknown): Promise<RecordResultOutput> => {
  const { execution, state } = RecordResultInputSchema.parse(event);
  logger.appendKeys({ documentId: state.documentId, promptVersion: state.variant.promptVersion });
  const entry = await requireLedgerEntry(ledger(), state.documentId);
  const location = {
    bucket: config.bucket,
    key: `${BUCKET_PREFIXES.results}${state.documentId}.json`,
  };
  const resultUri = toS3Uri(location);
  const grounding = state.score.grounding;
  const status = grounding?.reviewRequired ? 'NEEDS_REVIEW' : 'SUCCEEDED';
  const standing = resultStanding(entry, { attempt: state.attempt, executionArn: execution.id });
  if (standing.kind === 'recorded') {
    // A retry after the outcome write: the result JSON may be a reviewer's approved one by now.
    logger.info('Result already recorded; nothing written', { status: standing.status });
    return { resultUri, status: standing.status };
  }
  if (standing.kind === 'overtaken') {
    logger.warn('A later attempt holds the document; nothing written', {
      attempt: state.attempt,
      ledgerAttempt: standing.ledgerAttempt,
    });
    return { resultUri, status };
  }

  const fields = await readJson(s3Client(), state.model.outputUri);
  // Evidence, confidence and review sit beside the unchanged fields when Score grounded them.
  const grounded = state.score.grounding
    ? GroundingMiniSchema.parse(await readJson(s3Client(), state.score.grounding.uri))
    : null;
  const source = {
    bucket: entry.bucket,
    key: entry.key,
    versionId: entry.versionId,
    etag: entry.etag,
  };
  const completedAt = new Date();
  const reusedFrom = state.variant.reuse?.reusedFrom ?? null;
  await writeJson(s3Client(), location, {
    documentId: state.documentId,
    status,
    source,
    promptVersion: state.variant.promptVersion,
    experiment: { id: state.variant.experimentId, arm: state.variant.arm },
    model: state.model,
    scores: state.score,
    pages: state.document.pageCount,
    fields,
    ...(grounded ?? {}),
    ...(reusedFrom ? { reusedFrom } : {}),
    completedAt: completedAt.toISOString(),
  });

  const records = documentRecords({
    execution,
    state,
    source,
    ending:
      status === 'NEEDS_REVIEW'
        ? { status, resultUri, flagCount: grounding?.flagCount ?? 0 }
        : { status, resultUri },
    completedAt,
  });
  await putResultRow(dynamoDocumentClient(), config.table, records.row);
  emitDocumentMetrics(metrics, records.metrics);
  const outcome = {
    at: records.row.completedAt,
    attempt: state.attempt,
    promptVersion: state.variant.promptVersion,
    ...(reusedFrom ? { reusedFrom } : {}),
  };
  const written = await ledger().record(
    state.documentId,
    status === 'NEEDS_REVIEW'
      ? { kind: 'needs_review', ...outcome, flagCount: grounding?.flagCount ?? 0 }
      : { kind: 'succeeded', ...outcome },
    // Read above; the write is conditional on its revision, so no second read.
    { known: entry },
  );
  const remembered = await rememberIfReusable(dynamoDocumentClient(), config.reuse, {
    state,
    status,
    ledgerStatus: written.entry?.status,
    at: completedAt,
  }).catch((error: unknown) => {
    logger.warn('Extraction not remembered for reuse', {
      error: error instanceof Error ? error.name : 'unknown',
    });
    return 'not-remembered' as const;
  });
  logger.info('Result recorded', {
    status,
    ...(reusedFrom ? { reusedFrom } : {}),
    remembered,
    completeness: state.score.completeness,
    latencyMs: records.row.latencyMs,
    ...(grounding ? { reviewFlags: grounding.flagCount } : {}),
  });
  return { resultUri, status };
};

export const handler = instrument(observability, recordResult);
