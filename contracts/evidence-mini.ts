/**
 * The grounding JSON's schema (contracts/evidence.ts `GroundingSchema`) in
 * `zod/mini`, for the function bundles that parse it (Score, RecordResult):
 * evidence.ts is classic zod, shared with the API's OpenAPI schemas, and
 * importing it would put classic zod back into those bundles' cold init
 * (ADR 56). Typed against evidence.ts's own types, and
 * test/functions/evidence-mini.test.ts checks that both describe the same
 * JSON Schema, so the two cannot drift apart.
 */
import * as z from 'zod/mini';
import type { Grounding, MatchKind, ReviewReason } from './evidence.ts';

// Values are not imported from evidence.ts: that would evaluate its classic schemas.
const MATCH_KINDS = ['exact', 'fuzzy', 'ungrounded'] as const satisfies readonly MatchKind[];
const REVIEW_REASONS = [
  'MISSING_REQUIRED',
  'UNGROUNDED',
  'LOW_CONFIDENCE',
] as const satisfies readonly ReviewReason[];

const share = () => z.number().check(z.gte(0), z.lte(1));

const BoxSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().check(z.nonnegative()),
  height: z.number().check(z.nonnegative()),
});

const EvidenceSchema = z.object({
  page: z.nullable(z.int().check(z.positive())),
  quote: z.string(),
  bbox: z.nullable(BoxSchema),
  match: z.enum(MATCH_KINDS),
});

const ReviewFlagSchema = z.object({
  path: z.string(),
  reason: z.enum(REVIEW_REASONS),
  confidence: z.nullable(share()),
  threshold: z.nullable(share()),
});

/** Built on first parse (z.lazy), like the task schemas. */
export const GroundingMiniSchema: z.ZodMiniType<Grounding> = z.lazy(() =>
  z.object({
    evidence: z.record(z.string(), EvidenceSchema),
    confidence: z.record(z.string(), share()),
    review: z.object({ required: z.boolean(), flags: z.array(ReviewFlagSchema) }),
  }),
);
