/**
 * The stored shape of an extraction-reuse item (table `REUSE_TABLE`), parsed
 * on every read: a malformed item is an error, never a reuse.
 */
import * as z from 'zod/mini';
import type { ReuseEntry } from '#core/reuse/identical-documents.ts';

const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const ReuseItemSchema = z.lazy(() =>
  z.object({
    reuseKey: z.string().check(z.minLength(1)),
    contentSha256: sha256Hex,
    promptVersion: z.string().check(z.regex(/^\d+\.\d+\.\d+$/)),
    documentId: sha256Hex,
    outputUri: z.string().check(z.regex(/^s3:\/\/[^/]+\/.+$/)),
    modelId: z.string(),
    servedBy: z.string(),
    usageEstimated: z.boolean(),
    status: z.string(),
    recordedAt: z.string(),
    expiresAt: z.int(),
  }),
) satisfies z.ZodMiniType<ReuseEntry>;

/** Environment variable naming whether a stage reuses identical documents ('true' or 'false'). */
export const REUSE_SETTING_ENV = 'REUSE_IDENTICAL_DOCUMENTS';
/** Environment variable with the days the work prefix keeps its objects. */
export const WORK_EXPIRATION_ENV = 'WORK_EXPIRATION_DAYS';
