/**
 * The one mapping from a finished document's execution state to what is
 * stored about it: the results-table row and the per-document metrics record,
 * built the same way for RecordResult (SUCCEEDED or NEEDS_REVIEW) and
 * RecordFailure (FAILED).
 */
import type { RecordFailureInput } from '#contracts/task-schemas.ts';
import { NO_PROMPT_VERSION, type ResultRow } from './results-table.ts';

/** The per-document metrics record (EMF), as RecordResult / RecordFailure emit it. */
export interface DocumentOutcome {
  readonly documentId: string;
  /** Execution attempt the outcome ends: the roll-ups count a document by its latest. */
  readonly attempt: number;
  readonly outcome: 'Succeeded' | 'NeedsReview' | 'Failed';
  readonly reason: string | null;
  readonly promptVersion: string | null;
  readonly experimentId: string | null;
  readonly arm: string | null;
  readonly latencyMs: number;
  readonly modelLatencyMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadInputTokens?: number | null;
  readonly cacheWriteInputTokens?: number | null;
  readonly costMicroUsd: number | null;
  readonly completeness: number | null;
  readonly allRequiredPresent: boolean | null;
  /** The extraction of an identical earlier upload was reused: no model call (ADR 40). Absent: false. */
  readonly cacheHit?: boolean;
}

/** Execution state at the end: a success has every step's output, a failure those it reached. */
export type FinishedState = Omit<RecordFailureInput['state'], 'error'>;

export type Ending =
  | { readonly status: 'SUCCEEDED'; readonly resultUri: string }
  /** Extracted, but the grounding step's review rules tripped `flagCount` times. */
  | { readonly status: 'NEEDS_REVIEW'; readonly resultUri: string; readonly flagCount: number }
  | { readonly status: 'FAILED'; readonly reason: string };

/** Where the document's object lives, from the ledger (null when the ledger has no entry). */
export interface DocumentSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly etag: string | null;
}

export interface FinishedDocument {
  readonly execution: RecordFailureInput['execution'];
  readonly state: FinishedState;
  readonly source: DocumentSource | null;
  readonly ending: Ending;
  readonly completedAt: Date;
}

export interface DocumentRecords {
  readonly row: ResultRow;
  readonly metrics: DocumentOutcome;
}

const OUTCOME_OF = {
  SUCCEEDED: 'Succeeded',
  NEEDS_REVIEW: 'NeedsReview',
  FAILED: 'Failed',
} as const satisfies Record<Ending['status'], DocumentOutcome['outcome']>;

/** Milliseconds from the execution's start to `now`, never negative. */
export const elapsedSince = (isoStart: string, now: Date): number =>
  Math.max(0, now.getTime() - new Date(isoStart).getTime());

export const documentRecords = ({
  execution,
  state,
  source,
  ending,
  completedAt,
}: FinishedDocument): DocumentRecords => {
  const finished = ending.status !== 'FAILED';
  const { variant, model, score } = state;
  // Quality scores describe a stored result, so only a finished extraction carries them.
  const quality = finished ? score : undefined;
  const latencyMs = elapsedSince(execution.startTime, completedAt);
  const reason = finished ? null : ending.reason;
  // Only a finished extraction was served by reuse; a failure after the lookup was not a hit.
  const reusedFrom = finished ? (variant?.reuse?.reusedFrom ?? null) : null;
  const row: ResultRow = {
    documentId: state.documentId,
    status: ending.status,
    reason,
    bucket: source?.bucket ?? null,
    key: source?.key ?? null,
    versionId: source?.versionId ?? null,
    etag: source?.etag ?? null,
    promptVersion: variant?.promptVersion ?? NO_PROMPT_VERSION,
    experimentId: variant?.experimentId ?? null,
    arm: variant?.arm ?? null,
    resolvedBy: variant?.resolvedBy ?? null,
    modelId: model?.modelId ?? null,
    servedBy: model?.servedBy ?? null,
    completeness: quality?.completeness ?? null,
    allRequiredPresent: quality?.allRequiredPresent ?? null,
    inputTokens: model?.inputTokens ?? null,
    outputTokens: model?.outputTokens ?? null,
    cacheReadInputTokens: model?.cacheReadInputTokens ?? null,
    cacheWriteInputTokens: model?.cacheWriteInputTokens ?? null,
    usageEstimated: model?.usageEstimated ?? null,
    costMicroUsd: score?.costMicroUsd ?? null,
    modelLatencyMs: model?.modelLatencyMs ?? null,
    latencyMs,
    pageCount: state.document?.pageCount ?? null,
    receivedAt: state.receivedAt,
    startedAt: execution.startTime,
    completedAt: completedAt.toISOString(),
    executionId: execution.id,
    resultUri: finished ? ending.resultUri : null,
    ...(ending.status === 'NEEDS_REVIEW' ? { reviewFlags: ending.flagCount } : {}),
    ...(reusedFrom ? { reusedFrom } : {}),
  };
  const metrics: DocumentOutcome = {
    documentId: state.documentId,
    attempt: state.attempt,
    outcome: OUTCOME_OF[ending.status],
    reason,
    promptVersion: variant?.promptVersion ?? null,
    experimentId: variant?.experimentId ?? null,
    arm: variant?.arm ?? null,
    latencyMs,
    modelLatencyMs: model?.modelLatencyMs ?? null,
    inputTokens: model?.inputTokens ?? null,
    outputTokens: model?.outputTokens ?? null,
    cacheReadInputTokens: model?.cacheReadInputTokens ?? null,
    cacheWriteInputTokens: model?.cacheWriteInputTokens ?? null,
    // Roll-ups price finished documents; a failed one's cost stays on its row.
    costMicroUsd: quality?.costMicroUsd ?? null,
    completeness: quality?.completeness ?? null,
    allRequiredPresent: quality?.allRequiredPresent ?? null,
    cacheHit: reusedFrom !== null,
  };
  return { row, metrics };
};
