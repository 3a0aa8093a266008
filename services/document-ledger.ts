/**
 * "What happened to my file": one entry per upload from the document ledger,
 * listed by key prefix and status, or looked up by key or document id. The
 * ledger is the single source; entries carry the key because the person
 * asking owns the bucket, but they go to the terminal, never to logs.
 */
import { type LedgerRepository, ledgerRepository } from '#adapters/ledger.ts';
import { indexFor, ledgerPage } from '#adapters/ledger-pages.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import {
  decodeCursor,
  encodeCursor,
  filterFingerprint,
  InvalidCursorError,
} from '#core/ledger/cursor.ts';
import { LEDGER_STATUSES, type LedgerEntry, type LedgerStatus } from '#core/ledger/lifecycle.ts';
import type { ServiceContext } from './context.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

/** One upload as a person looks it up. */
export interface UploadEntry {
  readonly key: string;
  readonly documentId: string;
  readonly status: LedgerStatus;
  readonly reason: string | null;
  readonly promptVersion: string | null;
  readonly receivedAt: string;
  readonly processingAt: string | null;
  readonly completedAt: string | null;
  readonly attempt: number;
  readonly executionArn: string | null;
  readonly supersededBy: string | null;
  /** Finished without a model call: the document id whose identical extraction was reused (ADR 40). */
  readonly reusedFrom: string | null;
  /** Review state: set for a NEEDS_REVIEW upload and for one a reviewer approved, else null. */
  readonly review: ReviewState | null;
}

export interface ReviewState {
  readonly flagCount: number | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
}

const reviewStateOf = (entry: LedgerEntry): ReviewState | null =>
  entry.status === 'NEEDS_REVIEW' || entry.reviewedBy
    ? {
        flagCount: entry.reviewFlags ?? null,
        reviewedBy: entry.reviewedBy ?? null,
        reviewedAt: entry.reviewedAt ?? null,
      }
    : null;

export const toUpload = (entry: LedgerEntry): UploadEntry => ({
  key: entry.key,
  documentId: entry.documentId,
  status: entry.status,
  reason: entry.reason,
  promptVersion: entry.promptVersion,
  receivedAt: entry.receivedAt,
  processingAt: entry.processingAt,
  completedAt: entry.completedAt,
  attempt: entry.attempt,
  executionArn: entry.executionArn,
  supersededBy: entry.supersededBy,
  reusedFrom: entry.reusedFrom ?? null,
  review: reviewStateOf(entry),
});

const ledgerOf = (ctx: ServiceContext): LedgerRepository =>
  ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger);

export const isLedgerStatus = (text: string): text is LedgerStatus =>
  (LEDGER_STATUSES as readonly string[]).includes(text);

export interface ListUploadsQuery {
  /** Key prefix; default everything under `incoming/`. */
  readonly prefix?: string;
  readonly status?: LedgerStatus;
  /** Uploaded at or after / before these ISO 8601 times. */
  readonly receivedFrom?: string;
  readonly receivedTo?: string;
  /** Bare prompt version (`2.0.0`). */
  readonly promptVersion?: string;
  /** At most this many (default 1,000). */
  readonly limit?: number;
}

const byKeyThenUpload = (a: UploadEntry, b: UploadEntry): number =>
  (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.receivedAt.localeCompare(b.receivedAt);

/**
 * Uploads by key (then upload time), the pages of `pageUploads` gathered up
 * to `limit`; with a status and no prefix, newest status change first.
 */
export const listUploads = async (
  ctx: ServiceContext,
  query: ListUploadsQuery = {},
): Promise<UploadEntry[]> => {
  const limit = query.limit ?? 1_000;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new InvalidInputError('INVALID_LIMIT', 'the limit is a positive whole number', 'limit');
  }
  const { limit: _limit, ...filters } = query;
  // Without a prefix or a status, list by key: everything under incoming/.
  const pageQuery =
    filters.prefix === undefined && filters.status === undefined
      ? { ...filters, prefix: BUCKET_PREFIXES.incoming }
      : filters;
  const uploads: UploadEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await pageUploads(ctx, {
      ...pageQuery,
      limit: Math.min(1_000, limit - uploads.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    uploads.push(...page.uploads);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && uploads.length < limit);
  // Versions of one key share the byKey sort key; order them by upload time.
  return pageQuery.prefix === undefined ? uploads : uploads.sort(byKeyThenUpload);
};

/**
 * The uploads a key or document id names: one for an id, every version
 * (oldest first) for a key; a bare file name is looked up under `incoming/`.
 */
export const getUploads = async (ctx: ServiceContext, keyOrId: string): Promise<UploadEntry[]> => {
  if (keyOrId === '') throw new InvalidInputError('EMPTY_KEY', 'give a key or a document id');
  const ledger = ledgerOf(ctx);
  if (/^[0-9a-f]{64}$/.test(keyOrId)) {
    const entry = await ledger.get(keyOrId);
    if (entry) return [toUpload(entry)];
  }
  const versionsOf = async (key: string) =>
    (await ledger.listByKeyPrefix(ctx.bucket, key)).filter((entry) => entry.key === key);
  let versions = await versionsOf(keyOrId);
  if (versions.length === 0 && !keyOrId.startsWith(BUCKET_PREFIXES.incoming)) {
    versions = await versionsOf(`${BUCKET_PREFIXES.incoming}${keyOrId}`);
  }
  if (versions.length === 0) {
    throw new NotFoundError('UNKNOWN_UPLOAD', 'no upload with this key or document id');
  }
  return versions.map(toUpload);
};

export interface UploadPageQuery {
  readonly status?: LedgerStatus;
  /** Key prefix; `incoming/` is put in front when it is left out. */
  readonly prefix?: string;
  /** Uploaded at or after this ISO 8601 time. */
  readonly receivedFrom?: string;
  /** Uploaded before this ISO 8601 time. */
  readonly receivedTo?: string;
  /** Bare prompt version (`2.0.0`). */
  readonly promptVersion?: string;
  /** At most this many on the page (1-1000, default 50). */
  readonly limit?: number;
  /** `nextCursor` of the previous page of the same listing. */
  readonly cursor?: string;
}

export interface UploadPage {
  readonly uploads: UploadEntry[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

const isoTime = (text: string | undefined, field: string): string | undefined => {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new InvalidInputError('INVALID_TIME', `${field} is an ISO 8601 time`, field);
  }
  return new Date(ms).toISOString();
};

/**
 * One page of uploads, every ledger entry and not only processed ones:
 * through the byKey index with a prefix, else byStatus with a status, else
 * byReceivedAt (newest first); the other filters narrow the page. A page may
 * hold fewer than `limit` entries and still have a next cursor.
 */
export const pageUploads = async (
  ctx: ServiceContext,
  query: UploadPageQuery = {},
): Promise<UploadPage> => {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
    throw new InvalidInputError('INVALID_LIMIT', 'the limit is from 1 to 1000', 'limit');
  }
  const prefix =
    query.prefix === undefined || query.prefix.startsWith(BUCKET_PREFIXES.incoming)
      ? query.prefix
      : `${BUCKET_PREFIXES.incoming}${query.prefix}`;
  const receivedFrom = isoTime(query.receivedFrom, 'received_from');
  const receivedTo = isoTime(query.receivedTo, 'received_to');
  if (receivedFrom !== undefined && receivedTo !== undefined && receivedFrom >= receivedTo) {
    throw new InvalidInputError('INVALID_TIME_RANGE', 'received_from is before received_to');
  }
  const filters = {
    status: query.status,
    prefix,
    receivedFrom,
    receivedTo,
    promptVersion: query.promptVersion,
  };
  const fingerprint = filterFingerprint({ bucket: ctx.bucket, ...filters });
  let startKey: Readonly<Record<string, string>> | undefined;
  if (query.cursor !== undefined) {
    try {
      const cursor = decodeCursor(query.cursor, fingerprint);
      if (cursor.index !== indexFor(filters)) throw new InvalidCursorError('OTHER_LISTING');
      startKey = cursor.startKey;
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw new InvalidInputError(
        error.why === 'MALFORMED' ? 'INVALID_CURSOR' : 'CURSOR_MISMATCH',
        error.message,
        'cursor',
      );
    }
  }
  const page = await ledgerPage(ctx.clients.dynamodb, ctx.tables.ledger, {
    bucket: ctx.bucket,
    limit,
    ...(filters.status !== undefined ? { status: filters.status } : {}),
    ...(prefix !== undefined ? { prefix } : {}),
    ...(receivedFrom !== undefined ? { receivedFrom } : {}),
    ...(receivedTo !== undefined ? { receivedTo } : {}),
    ...(query.promptVersion !== undefined ? { promptVersion: query.promptVersion } : {}),
    ...(startKey ? { startKey } : {}),
  });
  return {
    uploads: page.entries.map(toUpload),
    nextCursor:
      page.lastEvaluatedKey === undefined
        ? null
        : encodeCursor({
            index: indexFor(filters),
            filters: fingerprint,
            startKey: page.lastEvaluatedKey,
          }),
  };
};
