/**
 * One upload in full, looked up by document id or by key: its ledger entry,
 * its scores, cost, tokens and fields from the results, and the state path
 * its latest execution took (from the execution history). The key is in the
 * answer because the caller owns the bucket; it never goes to a log.
 */
import { readExecutionHistory } from '#adapters/execution-history.ts';
import { ledgerRepository } from '#adapters/ledger.ts';
import type { ConfidenceMap, EvidenceMap, ReviewAssessment } from '#contracts/evidence.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { foldStatePath, type StatePath } from '#core/workflow/state-path.ts';
import type { ServiceContext } from './context.ts';
import { toUpload, type UploadEntry } from './document-ledger.ts';
import { findDocument, readResultFields } from './documents.ts';
import { readResultGrounding } from './result-grounding.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

/** An upload with its outcome, scores, fields and state path. */
export interface DocumentRecord extends UploadEntry {
  readonly versionId: string | null;
  readonly size: number;
  readonly experimentId: string | null;
  readonly arm: string | null;
  readonly completeness: number | null;
  readonly allRequiredPresent: boolean | null;
  readonly costMicroUsd: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly servedBy: string | null;
  readonly usageEstimated: boolean | null;
  readonly latencyMs: number | null;
  /** The validated extraction when SUCCEEDED and its result JSON still exists, else null. */
  readonly fields: unknown;
  /** Per field path: where each value was read from (page, quote, box); null for results recorded without grounding. */
  readonly evidence: EvidenceMap | null;
  /** Per field path: confidence in [0, 1]; null for results recorded without grounding. */
  readonly confidence: ConfidenceMap | null;
  /** The pipeline's review verdict and its flags; null for results recorded without grounding. */
  readonly assessment: ReviewAssessment | null;
  /** The latest execution's path; null before an execution started or once its history expired. */
  readonly path: StatePath | null;
}

const DOCUMENT_ID = /^[0-9a-f]{64}$/;

const recordOf = async (ctx: ServiceContext, entry: LedgerEntry): Promise<DocumentRecord> => {
  const [result, history] = await Promise.all([
    findDocument(ctx, entry.documentId),
    entry.executionArn === null
      ? undefined
      : readExecutionHistory(ctx.clients.sfn, entry.executionArn),
  ]);
  // A results row can be left from an earlier attempt; it describes this entry only when settled alike.
  const current = result !== null && result.status === entry.status ? result : null;
  const resultUri =
    (current?.status === 'SUCCEEDED' || current?.status === 'NEEDS_REVIEW') && current.resultUri
      ? current.resultUri
      : null;
  const [fields, grounding] =
    resultUri === null
      ? [null, null]
      : await Promise.all([readResultFields(ctx, resultUri), readResultGrounding(ctx, resultUri)]);
  return {
    ...toUpload(entry),
    versionId: entry.versionId,
    size: entry.size,
    experimentId: current?.experimentId ?? null,
    arm: current?.arm ?? null,
    completeness: current?.completeness ?? null,
    allRequiredPresent: current?.allRequiredPresent ?? null,
    costMicroUsd: current?.costMicroUsd ?? null,
    inputTokens: current?.inputTokens ?? null,
    outputTokens: current?.outputTokens ?? null,
    servedBy: current?.servedBy ?? null,
    usageEstimated: current?.usageEstimated ?? null,
    latencyMs: current?.latencyMs ?? null,
    fields,
    evidence: grounding?.evidence ?? null,
    confidence: grounding?.confidence ?? null,
    assessment: grounding?.review ?? null,
    path: history === undefined ? null : foldStatePath(history),
  };
};

/** The upload with this document id. */
export const getDocumentRecord = async (
  ctx: ServiceContext,
  documentId: string,
): Promise<DocumentRecord> => {
  if (!DOCUMENT_ID.test(documentId)) {
    throw new InvalidInputError('INVALID_DOCUMENT_ID', 'a document id is 64 hex digits', 'id');
  }
  const entry = await ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger).get(documentId);
  if (entry === undefined || entry.bucket !== ctx.bucket) {
    throw new NotFoundError('UNKNOWN_DOCUMENT', 'no upload with this document id', 'id');
  }
  return recordOf(ctx, entry);
};

/**
 * Every upload (object version) of this key, oldest first; `incoming/` is
 * put in front of a key without it.
 */
export const getDocumentRecordsByKey = async (
  ctx: ServiceContext,
  key: string,
): Promise<{ key: string; versions: DocumentRecord[] }> => {
  if (key === '') throw new InvalidInputError('EMPTY_KEY', 'give an object key', 'key');
  const full = key.startsWith(BUCKET_PREFIXES.incoming) ? key : `${BUCKET_PREFIXES.incoming}${key}`;
  const entries = (
    await ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger).listByKeyPrefix(
      ctx.bucket,
      full,
    )
  ).filter((entry) => entry.key === full);
  if (entries.length === 0) {
    throw new NotFoundError('UNKNOWN_UPLOAD', 'no upload with this key', 'key');
  }
  return { key: full, versions: await Promise.all(entries.map((entry) => recordOf(ctx, entry))) };
};
