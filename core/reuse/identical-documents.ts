/**
 * When an earlier extraction may stand in for a new model call: the same
 * bytes (sha256 of the object) under the same prompt version, extracted by a
 * run that ended SUCCEEDED on its own, and still within the time its work
 * objects are kept. Pure; the table and the clock are the caller's.
 */

/** One remembered extraction, keyed by content hash and prompt version. */
export interface ReuseEntry {
  /** `<contentSha256>#<promptVersion>`: the table's partition key. */
  readonly reuseKey: string;
  readonly contentSha256: string;
  readonly promptVersion: string;
  /** The document whose extraction this is. */
  readonly documentId: string;
  /** Its validated fields under the work prefix (the quotes sit beside them). */
  readonly outputUri: string;
  readonly modelId: string;
  readonly servedBy: string;
  readonly usageEstimated: boolean;
  /** Only SUCCEEDED extractions are remembered; anything else read back is never reused. */
  readonly status: string;
  readonly recordedAt: string;
  /** Epoch seconds after which the work objects may be gone (also the DynamoDB TTL). */
  readonly expiresAt: number;
}

/** What a hit hands to the workflow: the earlier document and its stored output. */
export interface Reuse {
  readonly reusedFrom: string;
  readonly outputUri: string;
  readonly modelId: string;
  readonly servedBy: string;
  readonly usageEstimated: boolean;
}

export const reuseKeyFor = (contentSha256: string, promptVersion: string): string =>
  `${contentSha256}#${promptVersion}`;

/**
 * A remembered extraction is usable for one day less than the work prefix
 * keeps its objects, so a hit never points at objects about to expire while
 * Score and RecordResult still read them.
 */
export const reuseExpiry = (recordedAt: Date, workExpirationDays: number): number => {
  const usableDays = Math.max(workExpirationDays - 1, 0);
  return Math.floor(recordedAt.getTime() / 1000) + usableDays * 86_400;
};

/** What RecordResult knows when it remembers an extraction: the entry's own fields, and when. */
export interface RememberInput
  extends Omit<ReuseEntry, 'reuseKey' | 'status' | 'recordedAt' | 'expiresAt'> {
  readonly recordedAt: Date;
  readonly workExpirationDays: number;
}

export const reuseEntryFor = (input: RememberInput): ReuseEntry => ({
  reuseKey: reuseKeyFor(input.contentSha256, input.promptVersion),
  contentSha256: input.contentSha256,
  promptVersion: input.promptVersion,
  documentId: input.documentId,
  outputUri: input.outputUri,
  modelId: input.modelId,
  servedBy: input.servedBy,
  usageEstimated: input.usageEstimated,
  status: 'SUCCEEDED',
  recordedAt: input.recordedAt.toISOString(),
  expiresAt: reuseExpiry(input.recordedAt, input.workExpirationDays),
});

export interface ReuseQuery {
  readonly documentId: string;
  readonly contentSha256: string;
  readonly promptVersion: string;
  readonly now: Date;
}

/**
 * The reuse an entry allows for `query`, or null. DynamoDB deletes expired
 * items only eventually, so expiry is checked here; an entry of the document
 * itself (a rerun of the same upload) is not a reuse.
 */
export const reuseFrom = (entry: ReuseEntry | undefined, query: ReuseQuery): Reuse | null => {
  if (entry === undefined) return null;
  if (entry.status !== 'SUCCEEDED') return null;
  if (entry.contentSha256 !== query.contentSha256) return null;
  if (entry.promptVersion !== query.promptVersion) return null;
  if (entry.documentId === query.documentId) return null;
  if (entry.expiresAt * 1000 <= query.now.getTime()) return null;
  return {
    reusedFrom: entry.documentId,
    outputUri: entry.outputUri,
    modelId: entry.modelId,
    servedBy: entry.servedBy,
    usageEstimated: entry.usageEstimated,
  };
};

/**
 * Whether a finished document may be remembered for reuse: it ended
 * SUCCEEDED on its own (NEEDS_REVIEW, even once approved, is a person's
 * decision about that upload and is never extended to another), it has a
 * content hash, and it was not itself a reuse (its source is remembered).
 */
export const mayRemember = (finished: {
  readonly status: 'SUCCEEDED' | 'NEEDS_REVIEW';
  readonly contentSha256: string | null;
  readonly reusedFrom: string | null;
}): finished is { status: 'SUCCEEDED'; contentSha256: string; reusedFrom: null } =>
  finished.status === 'SUCCEEDED' &&
  finished.contentSha256 !== null &&
  finished.reusedFrom === null;
