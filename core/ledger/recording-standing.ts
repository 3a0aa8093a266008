/**
 * Whether a recording step (RecordResult, RecordFailure) still has to record
 * its execution's outcome, decided from the document's ledger entry. The
 * ledger's outcome write is the step's last write and its commit point: an
 * entry that already holds the step's outcome for this attempt means the call
 * is a retry of a step that finished, and an entry a later attempt holds means
 * this execution's outcome no longer counts. Either way the step writes nothing.
 */
import type { LedgerEntry } from './lifecycle.ts';

/** The execution a recording step runs in. */
export interface RecordingRun {
  readonly attempt: number;
  /** `$$.Execution.Id`, the ARN LoadDocument recorded with PROCESSING. */
  readonly executionArn: string;
}

export type RecordingStanding<Status extends string> =
  /** This execution's outcome is not on record yet: write it. */
  | { readonly kind: 'open' }
  /** The step already recorded this attempt: a retry, answered as the first call was. */
  | { readonly kind: 'recorded'; readonly status: Status }
  /** A later attempt holds the entry; the ledger would call this outcome stale. */
  | { readonly kind: 'overtaken'; readonly ledgerAttempt: number };

const OPEN = { kind: 'open' } as const;

/**
 * The entry's outcome is this execution's when it is of the same attempt and,
 * when the entry names an execution, of the same one (an attempt whose
 * LoadDocument failed before its PROCESSING write keeps an earlier ARN).
 */
const ofThisRun = (entry: LedgerEntry, run: RecordingRun): boolean =>
  entry.attempt === run.attempt &&
  (entry.executionArn === null || entry.executionArn === run.executionArn);

/**
 * RecordResult's standing. A SUCCEEDED entry with a reviewer is a
 * NEEDS_REVIEW outcome a person approved since (only an approval leaves
 * NEEDS_REVIEW), so the step's own answer was NEEDS_REVIEW.
 */
export const resultStanding = (
  entry: LedgerEntry,
  run: RecordingRun,
): RecordingStanding<'SUCCEEDED' | 'NEEDS_REVIEW'> => {
  if (entry.attempt > run.attempt) return { kind: 'overtaken', ledgerAttempt: entry.attempt };
  if (!ofThisRun(entry, run)) return OPEN;
  if (entry.status === 'NEEDS_REVIEW') return { kind: 'recorded', status: 'NEEDS_REVIEW' };
  if (entry.status === 'SUCCEEDED') {
    return { kind: 'recorded', status: entry.reviewedBy != null ? 'NEEDS_REVIEW' : 'SUCCEEDED' };
  }
  return OPEN;
};

/** RecordFailure's standing; without an entry the failure is always recorded (a row without a key). */
export const failureStanding = (
  entry: LedgerEntry | undefined,
  run: RecordingRun,
): RecordingStanding<'FAILED'> => {
  if (entry === undefined) return OPEN;
  if (entry.attempt > run.attempt) return { kind: 'overtaken', ledgerAttempt: entry.attempt };
  return ofThisRun(entry, run) && entry.status === 'FAILED'
    ? { kind: 'recorded', status: 'FAILED' }
    : OPEN;
};
