/**
 * The opaque page cursor of ledger listings: the index a listing reads, a
 * fingerprint of its filters and DynamoDB's LastEvaluatedKey, as base64url
 * JSON. Decoding checks every part, so a tampered or foreign cursor is
 * refused instead of starting a query somewhere unintended.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';

/** The ledger indexes a listing pages through, with the attributes of each one's keys. */
export const CURSOR_INDEXES = {
  byStatus: ['documentId', 'status', 'statusAt'],
  byKey: ['documentId', 'bucket', 'key'],
  byReceivedAt: ['documentId', 'bucket', 'receivedAt'],
} as const;
export type CursorIndex = keyof typeof CURSOR_INDEXES;

/** Where the next page starts. */
export interface PageCursor {
  readonly index: CursorIndex;
  /** The listing's filters, hashed: a cursor only continues the listing that made it. */
  readonly filters: string;
  /** DynamoDB's LastEvaluatedKey: string attributes only for these indexes. */
  readonly startKey: Readonly<Record<string, string>>;
}

/** The cursor could not be read, or belongs to another listing; `why` names which. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(readonly why: 'MALFORMED' | 'OTHER_LISTING') {
    super(
      why === 'MALFORMED'
        ? 'the cursor is not one this API issued'
        : 'the cursor belongs to a listing with other filters',
    );
  }
}

const MAX_CURSOR_CHARS = 2_048;

const WireSchema = z
  .object({
    v: z.literal(1),
    i: z.enum(Object.keys(CURSOR_INDEXES) as [CursorIndex, ...CursorIndex[]]),
    f: z.string().regex(/^[0-9a-f]{16}$/),
    k: z.record(z.string(), z.string().min(1).max(1_024)),
  })
  .strict();

/** A short, stable fingerprint of a listing's filters (order of keys does not matter). */
export const filterFingerprint = (
  filters: Readonly<Record<string, string | undefined>>,
): string => {
  const canonical = Object.keys(filters)
    .filter((name) => filters[name] !== undefined)
    .sort()
    .map((name) => [name, filters[name]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
};

export const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(
    JSON.stringify({ v: 1, i: cursor.index, f: cursor.filters, k: cursor.startKey }),
    'utf-8',
  ).toString('base64url');

/**
 * Reads a cursor that `encodeCursor` wrote for a listing with these filters.
 * Throws `InvalidCursorError` on anything else: not base64url, not the JSON
 * shape, key attributes other than the index's, or other filters.
 */
export const decodeCursor = (text: string, expectedFilters: string): PageCursor => {
  if (text.length === 0 || text.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new InvalidCursorError('MALFORMED');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf-8'));
  } catch {
    throw new InvalidCursorError('MALFORMED');
  }
  const parsed = WireSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError('MALFORMED');
  const { i: index, f: filters, k: startKey } = parsed.data;
  const expectedKeys = [...CURSOR_INDEXES[index]].sort();
  const keys = Object.keys(startKey).sort();
  if (keys.length !== expectedKeys.length || keys.some((key, n) => key !== expectedKeys[n])) {
    throw new InvalidCursorError('MALFORMED');
  }
  if (filters !== expectedFilters) throw new InvalidCursorError('OTHER_LISTING');
  return { index, filters, startKey };
};
