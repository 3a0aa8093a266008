/**
 * Evidence, confidence and review: the shapes every extracted value's
 * grounding takes in the result JSON, the API's document detail, the CLI's
 * `--json` output and the review queue. Field paths are dotted with array
 * indexes (`patient.name`, `medications[0].dose`, `allergies[1]`); each map
 * has one entry per non-null leaf value of `fields`.
 */
import * as z from 'zod';

/** A box on a page in PDF points, origin at the page's bottom-left corner (pdf.js user space). */
export const BoxSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
});
export type Box = z.infer<typeof BoxSchema>;

/**
 * How a value's quote was found in the document text: verbatim (`exact`),
 * after folding whitespace, case, hyphenation at line ends and ligatures
 * (`fuzzy`), or not at all (`ungrounded`).
 */
export const MATCH_KINDS = ['exact', 'fuzzy', 'ungrounded'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const EvidenceSchema = z.object({
  /** 1-based page the quote was found on; null when ungrounded. */
  page: z.number().int().positive().nullable(),
  /** The verbatim span of the document text (as found), or the quote the extractor claimed when ungrounded. */
  quote: z.string(),
  /** The quote's box on its page; null when ungrounded or the page has no geometry. */
  bbox: BoxSchema.nullable(),
  match: z.enum(MATCH_KINDS),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Field path -> evidence, one entry per non-null leaf value. */
export const EvidenceMapSchema = z.record(z.string(), EvidenceSchema);
export type EvidenceMap = z.infer<typeof EvidenceMapSchema>;

/** Field path -> confidence in [0, 1], one entry per non-null leaf value. */
export const ConfidenceMapSchema = z.record(z.string(), z.number().min(0).max(1));
export type ConfidenceMap = z.infer<typeof ConfidenceMapSchema>;

export const REVIEW_REASONS = ['MISSING_REQUIRED', 'UNGROUNDED', 'LOW_CONFIDENCE'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

/** Why a document needs a person: one entry per field path that tripped a rule. */
export const ReviewFlagSchema = z.object({
  path: z.string(),
  reason: z.enum(REVIEW_REASONS),
  confidence: z.number().min(0).max(1).nullable(),
  /** The prompt version's threshold for this field (LOW_CONFIDENCE), else null. */
  threshold: z.number().min(0).max(1).nullable(),
});
export type ReviewFlag = z.infer<typeof ReviewFlagSchema>;

/** The review verdict of the pipeline for one document. */
export const ReviewAssessmentSchema = z.object({
  required: z.boolean(),
  flags: z.array(ReviewFlagSchema),
});
export type ReviewAssessment = z.infer<typeof ReviewAssessmentSchema>;

/**
 * What the grounding step adds to a result (beside the unchanged `fields`):
 * the result JSON carries these three keys, the API detail and CLI `--json`
 * pass them through.
 */
export const GroundingSchema = z.object({
  evidence: EvidenceMapSchema,
  confidence: ConfidenceMapSchema,
  review: ReviewAssessmentSchema,
});
export type Grounding = z.infer<typeof GroundingSchema>;

/** One reviewer decision on one value. `corrected` carries the new value (null clears it). */
export const ReviewDecisionSchema = z.discriminatedUnion('action', [
  z.object({ path: z.string(), action: z.literal('accept') }),
  z.object({ path: z.string(), action: z.literal('correct'), value: z.unknown() }),
]);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;
