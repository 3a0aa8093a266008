/**
 * The stored shape of an extraction-reuse item (table `REUSE_TABLE`), parsed
 * on every read: a malformed item is an error, never a reuse.
 */
import * as z from 'zod';
import type { ReuseEntry } from '#core/reuse/identical-documents.ts';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const ReuseItemSchema = z.lazy(() =>
  z.object({
    reuseKey: z.string().min(1),
    contentSha256: sha256Hex,
    promptVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
    documentId: sha256Hex,
    outputUri: z.string().regex(/^s3:\/\/[^/]+\/.+$/),
    modelId: z.string(),
    servedBy: z.string(),
    usageEstimated: z.boolean(),
    status: z.string(),
    recordedAt: z.string(),
    expiresAt: z.number().int(),
  }),
) satisfies z.ZodType<ReuseEntry>;

/** Environment variable naming whether a stage reuses identical documents ('true' or 'false'). */
export const REUSE_SETTING_ENV = 'REUSE_IDENTICAL_DOCUMENTS';
/** Environment variable with the days the work prefix keeps its objects. */
export const WORK_EXPIRATION_ENV = 'WORK_EXPIRATION_DAYS';
