/**
 * The stored shape of a document-ledger item (one per uploaded object
 * version, table `LEDGER_TABLE`), parsed on every read so a malformed item is
 * an error rather than a wrong answer.
 */
import * as z from 'zod';
import { LEDGER_STATUSES, type LedgerEntry } from '#core/ledger/lifecycle.ts';

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'ISO 8601 time');

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const LedgerItemSchema = z.lazy(() =>
  z.object({
    documentId: z.string().regex(/^[0-9a-f]{64}$/),
    bucket: z.string().min(1),
    key: z.string().min(1),
    versionId: z.string().nullable(),
    etag: z.string().nullable(),
    size: z.number().int().nonnegative(),
    sequencer: z.string().nullable(),
    status: z.enum(LEDGER_STATUSES),
    reason: z.string().nullable(),
    receivedAt: isoTime,
    statusAt: isoTime,
    processingAt: isoTime.nullable(),
    completedAt: isoTime.nullable(),
    attempt: z.number().int().nonnegative(),
    executionArn: z.string().nullable(),
    promptVersion: z.string().nullable(),
    supersededBy: z.string().nullable(),
    /** Added with review (ADR 0029): absent on items written before. */
    reviewFlags: z.number().int().nonnegative().nullable().default(null),
    reviewedBy: z.string().nullable().default(null),
    reviewedAt: isoTime.nullable().default(null),
    /** Added with extraction reuse (ADR 40): absent on items written before. */
    reusedFrom: z.string().nullable().optional(),
    revision: z.number().int().positive(),
  }),
) satisfies z.ZodType<LedgerEntry>;

/** Primary key of a ledger item. */
export const ledgerKey = (documentId: string) => ({ documentId });
