/**
 * Confidence of one extracted value in [0, 1], as a product of factors each
 * of which a reader can check (docs/grounding.md has the table and why):
 *
 *   base (how the evidence was found)  x  containment  x  normalisation
 *   x  context  x  model signal
 *
 * base: quote found verbatim 0.92, folded 0.8; the value's own text found
 * without a quote 0.7 verbatim, 0.6 folded; nothing found 0.1. Containment:
 * the quote holds a printed form of the value 1, else 0.8 (a derived value
 * such as a document type, or a quote that does not say the value).
 * Normalisation changed the model's value (a date reformatted, a unit
 * converted) 0.9. A distractor cue in the quote's context 0.5. The model
 * stopped at its token limit 0.7 (Converse has no per-field signal; the stop
 * reason is the only one, and it applies to every value alike).
 */

export type EvidenceOrigin = 'quote' | 'value';

export interface ConfidenceFactors {
  readonly match: 'exact' | 'fuzzy' | 'ungrounded';
  /** Whether the located text was the extractor's quote or the value's own text. */
  readonly origin: EvidenceOrigin;
  readonly containsValue: boolean;
  readonly normalised: boolean;
  readonly cues: readonly string[];
  /** Converse stop reason, when known. */
  readonly stopReason: string | null;
}

export const CONFIDENCE_WEIGHTS = {
  base: {
    quote: { exact: 0.92, fuzzy: 0.8, ungrounded: 0.1 },
    value: { exact: 0.7, fuzzy: 0.6, ungrounded: 0.1 },
  },
  notContained: 0.8,
  normalised: 0.9,
  distractor: 0.5,
  truncated: 0.7,
} as const;

/** Stop reasons that mean the answer may have been cut short. */
const TRUNCATING = new Set(['max_tokens', 'model_context_window_exceeded']);

export const confidenceOf = (factors: ConfidenceFactors): number => {
  const w = CONFIDENCE_WEIGHTS;
  let value = w.base[factors.origin][factors.match];
  if (factors.match !== 'ungrounded' && !factors.containsValue) value *= w.notContained;
  if (factors.normalised) value *= w.normalised;
  if (factors.cues.length > 0) value *= w.distractor;
  if (factors.stopReason !== null && TRUNCATING.has(factors.stopReason)) value *= w.truncated;
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
};
