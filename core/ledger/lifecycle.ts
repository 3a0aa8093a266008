/**
 * The document ledger's status machine: one entry per uploaded object
 * version, RECEIVED -> PROCESSING -> one terminal outcome. `applyLedgerEvent`
 * takes the stored entry and an event and says whether to write the next
 * entry or why not (a duplicate, an older event, a refused transition);
 * persisting it under a condition on the entry's revision is the adapter's job.
 */
import type { FailureReason } from '#core/extraction/reasons.ts';
import type { IgnoreReason } from './key-classification.ts';

export const LEDGER_STATUSES = [
  'RECEIVED',
  'PROCESSING',
  'SUCCEEDED',
  'FAILED',
  'IGNORED',
  'SUPERSEDED',
  /** Extracted, but a required value is missing, ungrounded or below its threshold: a person decides. */
  'NEEDS_REVIEW',
] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** Statuses that are an outcome a person can act on. */
export const TERMINAL_STATUSES: ReadonlySet<LedgerStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'IGNORED',
  'SUPERSEDED',
  'NEEDS_REVIEW',
]);

export const isTerminal = (status: LedgerStatus): boolean => TERMINAL_STATUSES.has(status);

/** Where the object version lives. The key is patient data: it stays in the ledger. */
export interface LedgerObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly etag: string | null;
  readonly size: number;
  /** S3's event sequencer: orders events for the same key. */
  readonly sequencer: string | null;
}

/** One stored ledger entry. Times are ISO 8601. */
export interface LedgerEntry extends LedgerObject {
  readonly documentId: string;
  readonly status: LedgerStatus;
  /** Reason code for FAILED and IGNORED; null otherwise. */
  readonly reason: string | null;
  /** Time of the upload (the S3 event time). */
  readonly receivedAt: string;
  /** Time of the event that set the current status. */
  readonly statusAt: string;
  readonly processingAt: string | null;
  readonly completedAt: string | null;
  /** Execution attempt the status belongs to: 0 for the first run, n after the nth redrive. */
  readonly attempt: number;
  readonly executionArn: string | null;
  readonly promptVersion: string | null;
  /** For SUPERSEDED: the document id of the version that replaced this one. */
  readonly supersededBy: string | null;
  /** For NEEDS_REVIEW: how many review flags the grounding step raised; null otherwise. */
  readonly reviewFlags?: number | null;
  /** Who approved a reviewed document (NEEDS_REVIEW -> SUCCEEDED); null before. */
  readonly reviewedBy?: string | null;
  readonly reviewedAt?: string | null;
  /** For an outcome reached without a model call: the document whose identical extraction was reused (ADR 40). */
  readonly reusedFrom?: string | null;
  /** Bumped on every write; the adapter conditions each write on it. */
  readonly revision: number;
}

interface EventBase {
  /** When the event happened (not when it is written). */
  readonly at: string;
}

export type LedgerEvent =
  | (EventBase & {
      readonly kind: 'received';
      readonly documentId: string;
      readonly object: LedgerObject;
    })
  | (EventBase & {
      readonly kind: 'processing';
      readonly executionArn: string;
      readonly attempt: number;
    })
  | (EventBase & {
      readonly kind: 'succeeded';
      readonly attempt: number;
      readonly promptVersion: string;
      /** Set when the extraction of an identical earlier upload was reused. */
      readonly reusedFrom?: string | null;
    })
  | (EventBase & {
      /** The extraction finished but needs a person: the attempt's terminal outcome. */
      readonly kind: 'needs_review';
      readonly attempt: number;
      readonly promptVersion: string;
      readonly flagCount: number;
      readonly reusedFrom?: string | null;
    })
  | (EventBase & {
      /** A reviewer approved the document: NEEDS_REVIEW becomes SUCCEEDED. */
      readonly kind: 'review_approved';
      readonly reviewedBy: string;
    })
  | (EventBase & {
      readonly kind: 'failed';
      readonly attempt: number;
      readonly reason: FailureReason;
      readonly promptVersion: string | null;
    })
  | (EventBase & { readonly kind: 'ignored'; readonly reason: IgnoreReason })
  | (EventBase & { readonly kind: 'superseded'; readonly supersededBy: string });

export type LedgerDecision =
  | { readonly kind: 'write'; readonly entry: LedgerEntry }
  /** The entry already says this. */
  | { readonly kind: 'duplicate'; readonly entry: LedgerEntry }
  /** The event is older than the outcome on record; the outcome stands. */
  | { readonly kind: 'stale'; readonly entry: LedgerEntry }
  /** The rules forbid this transition (e.g. FAILED after SUCCEEDED). */
  | { readonly kind: 'refused'; readonly entry: LedgerEntry | undefined; readonly why: string };

const STATUS_OF: Readonly<Record<LedgerEvent['kind'], LedgerStatus>> = {
  received: 'RECEIVED',
  processing: 'PROCESSING',
  succeeded: 'SUCCEEDED',
  needs_review: 'NEEDS_REVIEW',
  review_approved: 'SUCCEEDED',
  failed: 'FAILED',
  ignored: 'IGNORED',
  superseded: 'SUPERSEDED',
};

/**
 * Allowed moves within one attempt. A terminal outcome may follow RECEIVED
 * directly because the execution can finish before the starter's PROCESSING
 * write lands. SUPERSEDED and IGNORED apply only before anything ran.
 */
const ALLOWED: Readonly<Record<LedgerStatus, readonly LedgerStatus[]>> = {
  RECEIVED: ['PROCESSING', 'SUCCEEDED', 'NEEDS_REVIEW', 'FAILED', 'IGNORED', 'SUPERSEDED'],
  PROCESSING: ['SUCCEEDED', 'FAILED', 'NEEDS_REVIEW'],
  SUCCEEDED: [],
  FAILED: [],
  IGNORED: [],
  SUPERSEDED: [],
  // Only a reviewer's approval (`review_approved`) leaves NEEDS_REVIEW; see applyLedgerEvent.
  NEEDS_REVIEW: [],
};

/**
 * A later attempt may move a FAILED entry (a redrive) or a PROCESSING one
 * (an interrupted execution the reconciler ran again) on to PROCESSING or a
 * new outcome. NEEDS_REVIEW is not reopened: the extraction finished and a
 * person's decisions may already be recorded against it (ADR 0029).
 */
const REOPENED_BY_REDRIVE: ReadonlySet<LedgerStatus> = new Set(['FAILED', 'PROCESSING']);

export const canTransition = (from: LedgerStatus, to: LedgerStatus): boolean =>
  ALLOWED[from].includes(to);

const millis = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new InvalidLedgerEventError('event time is not an ISO 8601 date');
  return t;
};

/** An event that cannot be applied to any entry (bad time, negative attempt). */
export class InvalidLedgerEventError extends Error {
  override readonly name = 'InvalidLedgerEvent';
}

const attemptOf = (event: LedgerEvent): number | undefined =>
  event.kind === 'processing' ||
  event.kind === 'succeeded' ||
  event.kind === 'needs_review' ||
  event.kind === 'failed'
    ? event.attempt
    : undefined;

const reasonOf = (event: LedgerEvent): string | null =>
  event.kind === 'failed' || event.kind === 'ignored' ? event.reason : null;

/** Same status, reason and attempt as on record: writing it again changes nothing. */
const isDuplicate = (entry: LedgerEntry, event: LedgerEvent): boolean =>
  entry.status === STATUS_OF[event.kind] &&
  entry.reason === reasonOf(event) &&
  (attemptOf(event) ?? entry.attempt) === entry.attempt;

const receivedEntry = (event: Extract<LedgerEvent, { kind: 'received' }>): LedgerEntry => ({
  ...event.object,
  documentId: event.documentId,
  status: 'RECEIVED',
  reason: null,
  receivedAt: event.at,
  statusAt: event.at,
  processingAt: null,
  completedAt: null,
  attempt: 0,
  executionArn: null,
  promptVersion: null,
  supersededBy: null,
  reviewFlags: null,
  reviewedBy: null,
  reviewedAt: null,
  revision: 1,
});

const next = (
  entry: LedgerEntry,
  event: Exclude<LedgerEvent, { kind: 'received' }>,
): LedgerEntry => {
  const status = STATUS_OF[event.kind];
  const base = {
    ...entry,
    status,
    reason: reasonOf(event),
    statusAt: event.at,
    attempt: attemptOf(event) ?? entry.attempt,
    revision: entry.revision + 1,
  };
  switch (event.kind) {
    case 'processing':
      return {
        ...base,
        processingAt: event.at,
        completedAt: null,
        executionArn: event.executionArn,
      };
    case 'succeeded':
      return {
        ...base,
        completedAt: event.at,
        promptVersion: event.promptVersion,
        ...(event.reusedFrom ? { reusedFrom: event.reusedFrom } : {}),
      };
    case 'needs_review':
      return {
        ...base,
        completedAt: event.at,
        promptVersion: event.promptVersion,
        reviewFlags: event.flagCount,
        ...(event.reusedFrom ? { reusedFrom: event.reusedFrom } : {}),
      };
    case 'review_approved':
      // completedAt stays the extraction's; the approval has its own time.
      return { ...base, reviewedBy: event.reviewedBy, reviewedAt: event.at };
    case 'failed':
      return {
        ...base,
        completedAt: event.at,
        promptVersion: event.promptVersion ?? entry.promptVersion,
      };
    case 'ignored':
      return { ...base, completedAt: event.at };
    case 'superseded':
      return { ...base, completedAt: event.at, supersededBy: event.supersededBy };
  }
};

/** A reviewer's approval: only from NEEDS_REVIEW; repeating it after it landed changes nothing. */
const approve = (
  entry: LedgerEntry,
  event: Extract<LedgerEvent, { kind: 'review_approved' }>,
): LedgerDecision => {
  if (entry.status === 'SUCCEEDED' && entry.reviewedBy != null) {
    return { kind: 'duplicate', entry };
  }
  if (entry.status !== 'NEEDS_REVIEW') {
    return { kind: 'refused', entry, why: `${entry.status} cannot be approved` };
  }
  return { kind: 'write', entry: next(entry, event) };
};

/**
 * Decides what `event` does to `entry` (undefined when there is none yet).
 *
 * - `received` creates the entry; on an existing entry it is a duplicate.
 * - Any other event needs an entry (the starter records RECEIVED before it
 *   starts anything), else it is refused.
 * - Repeating the status on record is a duplicate; an event older than the
 *   status on record is stale; neither writes.
 * - A terminal outcome is never replaced within its attempt; a FAILED entry
 *   is reopened only by a later attempt (a redrive).
 * - `review_approved` moves NEEDS_REVIEW to SUCCEEDED, and nothing else.
 */
export const applyLedgerEvent = (
  entry: LedgerEntry | undefined,
  given: LedgerEvent,
): LedgerDecision => {
  const at = millis(given.at);
  // One time format everywhere, so stored times sort as strings in the indexes.
  const event: LedgerEvent = { ...given, at: new Date(at).toISOString() };
  const attempt = attemptOf(event);
  if (attempt !== undefined && (!Number.isInteger(attempt) || attempt < 0)) {
    throw new InvalidLedgerEventError('attempt must be a non-negative integer');
  }
  if (event.kind === 'received') {
    return entry === undefined
      ? { kind: 'write', entry: receivedEntry(event) }
      : { kind: 'duplicate', entry };
  }
  if (entry === undefined) {
    return { kind: 'refused', entry, why: 'no ledger entry for this document' };
  }
  if (event.kind === 'review_approved') return approve(entry, event);
  if (isDuplicate(entry, event)) return { kind: 'duplicate', entry };

  const to = STATUS_OF[event.kind];
  const laterAttempt = attempt !== undefined && attempt > entry.attempt;
  if (
    laterAttempt &&
    REOPENED_BY_REDRIVE.has(entry.status) &&
    to !== 'IGNORED' &&
    to !== 'SUPERSEDED'
  ) {
    return { kind: 'write', entry: next(entry, event) };
  }
  const olderAttempt = attempt !== undefined && attempt < entry.attempt;
  if (olderAttempt || at < millis(entry.statusAt)) return { kind: 'stale', entry };
  if (!canTransition(entry.status, to)) {
    return { kind: 'refused', entry, why: `${entry.status} cannot become ${to}` };
  }
  return { kind: 'write', entry: next(entry, event) };
};

/**
 * Orders two S3 sequencers for the same key: negative when `a` is older.
 * S3 sequencers are hex values whose string length may differ, so both are
 * compared as numbers (left-padded with zeros to the same width).
 */
export const compareSequencers = (a: string, b: string): number => {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
};
