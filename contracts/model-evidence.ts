/**
 * What InvokeModel keeps beside the validated fields for the grounding step,
 * at `work/<documentId>/extraction-<version>.evidence.json`, for versions
 * that ask for evidence (grounding, its one reader, runs only for them): the
 * quotes the extractor gave, the paths whose value the normaliser changed,
 * and the Converse stop reason (the only model signal Bedrock gives; it has
 * no per-field probabilities). S3 only, never state.
 */
import * as z from 'zod/mini';

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const ClaimSchema = z.lazy(() =>
  z.object({
    path: z.string().check(z.minLength(1)),
    quote: z.string(),
    page: z._default(z.nullable(z.int().check(z.positive())), null),
  }),
);
export type ClaimRecord = z.infer<typeof ClaimSchema>;

export const ModelEvidenceSchema = z.lazy(() =>
  z.object({
    version: z.literal(1),
    /** Whether the prompt version asked for quotes. */
    asked: z.boolean(),
    claims: z.array(ClaimSchema),
    /** Entries of the extractor's `evidence` that were not `{ path, quote, page }`. */
    malformedClaims: z.int().check(z.nonnegative()),
    normalisedPaths: z.array(z.string()),
    stopReason: z.nullable(z.string()),
  }),
);
export type ModelEvidence = z.infer<typeof ModelEvidenceSchema>;

/** Where the evidence of the extraction at `outputKey` lives (`….json` -> `….evidence.json`). */
export const evidenceKeyFor = (outputKey: string): string =>
  outputKey.replace(/\.json$/, '.evidence.json');
