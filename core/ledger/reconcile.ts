/**
 * Reconciliation decisions, pure: which listed objects have no ledger entry
 * yet, and what to do about an entry that has waited past the grace period
 * without an outcome, given what its execution says. The reconciler applies
 * the decisions; every one of them is idempotent (executions are named by
 * document id and attempt, ledger writes follow the lifecycle rules).
 */
import type { LedgerEntry } from './lifecycle.ts';

export interface ReconcileSettings {
  /** How long an upload may wait for its notification, or an entry for its outcome. */
  readonly graceSeconds: number;
  /** The state machine's own timeout: a RUNNING execution older than this is stuck. */
  readonly executionTimeoutSeconds: number;
  /**
   * Interrupted attempts in a row a document may have before the next
   * interruption is recorded FAILED INTERRUPTED_REPEATEDLY instead of run
   * again; default {@link MAX_INTERRUPTED_ATTEMPTS}.
   */
  readonly maxInterruptedAttempts?: number;
}

/** Interrupted attempts in a row a document is run again after (ADR 0031). */
export const MAX_INTERRUPTED_ATTEMPTS = 3;

/** An object found by listing `incoming/`. */
export interface ListedObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly etag: string | null;
  readonly size: number;
  readonly lastModified: string;
  /** False for an older version of a key in a versioned bucket. */
  readonly isLatest: boolean;
}

/** What the execution of an entry's current attempt says. */
export interface ExecutionView {
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';
  readonly startedAt: string | null;
  /** From a SUCCEEDED execution's output. */
  readonly promptVersion: string | null;
  /**
   * From the execution's input: how many attempts in a row before this one
   * were interrupted (0 for a first run, a redrive, or a missing execution).
   */
  readonly interruptedAttempts: number;
  /**
   * From a SUCCEEDED execution's output: the review flags its grounding step
   * raised when the document needs review (NEEDS_REVIEW is an outcome like
   * SUCCEEDED), else null or absent.
   */
  readonly reviewFlags?: number | null;
}

export type Repair =
  /** Nothing to do yet (within the grace period, or running normally). */
  | { readonly kind: 'wait' }
  /**
   * Start (again) the execution of `attempt`, named by `executionNameOf`,
   * telling it how many attempts in a row before it were interrupted.
   */
  | {
      readonly kind: 'start';
      readonly attempt: number;
      readonly why: 'NOT_STARTED' | 'INTERRUPTED';
      readonly interruptedAttempts: number;
    }
  /** The execution ended but its outcome never reached the ledger. */
  | {
      readonly kind: 'record-succeeded';
      readonly attempt: number;
      readonly promptVersion: string;
    }
  | {
      readonly kind: 'record-needs-review';
      readonly attempt: number;
      readonly promptVersion: string;
      readonly flagCount: number;
    }
  | {
      readonly kind: 'record-failed';
      readonly attempt: number;
      readonly reason: 'TIMEOUT' | 'INTERNAL_ERROR' | 'INTERRUPTED_REPEATEDLY';
    };

export type RepairKind = Repair['kind'];

/** Execution name of a document's attempt: the id, then `<id>-r<n>` for later attempts. */
export const executionNameOf = (documentId: string, attempt: number): string =>
  attempt === 0 ? documentId : `${documentId}-r${attempt}`;

const olderThan = (iso: string, seconds: number, now: Date): boolean =>
  now.getTime() - Date.parse(iso) > seconds * 1000;

/**
 * Listed objects with no ledger entry (by document id), last modified
 * before the grace period: their notification was lost.
 */
export const unrecordedObjects = (
  listed: readonly ListedObject[],
  documentIdOf: (object: ListedObject) => string,
  known: ReadonlySet<string>,
  now: Date,
  settings: ReconcileSettings,
): ListedObject[] =>
  listed.filter(
    (object) =>
      !known.has(documentIdOf(object)) &&
      olderThan(object.lastModified, settings.graceSeconds, now),
  );

/**
 * An attempt that ended without its outcome because the run was cut short
 * (the stack stopped or crashed under it), not because of the document: the
 * next attempt runs it again under a new execution name, so anything the cut
 * run still writes is of an older attempt, which the ledger and the
 * recording steps take for stale (ADR 63), and a half-written result is
 * written again whole. Bounded: past `maxInterruptedAttempts` in a row it is
 * recorded FAILED INTERRUPTED_REPEATEDLY.
 */
const interrupted = (
  attempt: number,
  execution: ExecutionView,
  settings: ReconcileSettings,
): Repair => {
  const interruptedAttempts = execution.interruptedAttempts + 1;
  return interruptedAttempts > (settings.maxInterruptedAttempts ?? MAX_INTERRUPTED_ATTEMPTS)
    ? { kind: 'record-failed', attempt, reason: 'INTERRUPTED_REPEATEDLY' }
    : { kind: 'start', attempt: attempt + 1, why: 'INTERRUPTED', interruptedAttempts };
};

/**
 * The repair for one entry in RECEIVED or PROCESSING, given its current
 * attempt's execution. Within the grace period nothing is done.
 *
 * An execution that ended while the entry still waits did not record its
 * outcome, which its own record steps always do (a document fault is
 * recorded FAILED with its reason by RecordFailure, and such an entry is
 * never seen here). So ABORTED, FAILED without a recorded failure, and a
 * PROCESSING entry whose execution is gone are interruptions, run again as
 * the next attempt: a document fault recurs there and is recorded with its
 * real reason by its own Catch. A TIMED_OUT or stuck execution used its
 * whole deadline and is recorded TIMEOUT.
 */
export const repairFor = (
  entry: LedgerEntry,
  execution: ExecutionView,
  now: Date,
  settings: ReconcileSettings,
): Repair => {
  if (entry.status !== 'RECEIVED' && entry.status !== 'PROCESSING') return { kind: 'wait' };
  if (!olderThan(entry.statusAt, settings.graceSeconds, now)) return { kind: 'wait' };
  const attempt = entry.attempt;
  switch (execution.status) {
    case 'MISSING':
      // PROCESSING means a task of this attempt ran, so its execution did and is gone.
      return entry.status === 'PROCESSING'
        ? interrupted(attempt, execution, settings)
        : { kind: 'start', attempt, why: 'NOT_STARTED', interruptedAttempts: 0 };
    case 'ABORTED':
    case 'FAILED':
      return interrupted(attempt, execution, settings);
    case 'RUNNING': {
      const stuck =
        execution.startedAt !== null &&
        olderThan(
          execution.startedAt,
          settings.executionTimeoutSeconds + settings.graceSeconds,
          now,
        );
      return stuck ? { kind: 'record-failed', attempt, reason: 'TIMEOUT' } : { kind: 'wait' };
    }
    case 'TIMED_OUT':
      return { kind: 'record-failed', attempt, reason: 'TIMEOUT' };
    case 'SUCCEEDED': {
      if (execution.promptVersion === null) {
        return { kind: 'record-failed', attempt, reason: 'INTERNAL_ERROR' };
      }
      const flags = execution.reviewFlags;
      return flags === undefined || flags === null
        ? { kind: 'record-succeeded', attempt, promptVersion: execution.promptVersion }
        : {
            kind: 'record-needs-review',
            attempt,
            promptVersion: execution.promptVersion,
            flagCount: flags,
          };
    }
  }
};
