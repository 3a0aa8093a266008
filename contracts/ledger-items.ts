/**
 * The stored shape of a document-ledger item (one per uploaded object
 * version, table `LEDGER_TABLE`), parsed on every read so a malformed item is
 * an error rather than a wrong answer.
 */
import * as z from 'zod/mini';
import { LEDGER_STATUSES, type LedgerEntry } from '#core/ledger/lifecycle.ts';

const isoTime = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'ISO 8601 time'));

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const LedgerItemSchema = z.lazy(() =>
  z.object({
    documentId: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    versionId: z.nullable(z.string()),
    etag: z.nullable(z.string()),
    size: z.int().check(z.nonnegative()),
    sequencer: z.nullable(z.string()),
    status: z.enum(LEDGER_STATUSES),
    reason: z.nullable(z.string()),
    receivedAt: isoTime,
    statusAt: isoTime,
    processingAt: z.nullable(isoTime),
    completedAt: z.nullable(isoTime),
    attempt: z.int().check(z.nonnegative()),
    executionArn: z.nullable(z.string()),
    promptVersion: z.nullable(z.string()),
    supersededBy: z.nullable(z.string()),
    /** Added with review (ADR 0029): absent on items written before. */
    reviewFlags: z._default(z.nullable(z.int().check(z.nonnegative())), null),
    reviewedBy: z._default(z.nullable(z.string()), null),
    reviewedAt: z._default(z.nullable(isoTime), null),
    /** Added with extraction reuse (ADR 40): absent on items written before. */
    reusedFrom: z.optional(z.nullable(z.string())),
    revision: z.int().check(z.positive()),
  }),
) satisfies z.ZodMiniType<LedgerEntry>;

/** Primary key of a ledger item. */
export const ledgerKey = (documentId: string) => ({ documentId });
