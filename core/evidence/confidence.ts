/**
 * Confidence of one extracted value in [0, 1], as a product of factors each
 * of which a reader can check (docs/grounding.md has the table and why):
 *
 *   base (how the evidence was found)  x  containment  x  normalisation
 *   x  context  x  plausibility  x  ambiguity  x  corroboration  x  model signal
 *
 * base: quote found verbatim 0.94, folded 0.8; the value's own text found
 * without a quote 0.7 verbatim, 0.6 folded; nothing found 0.1.
 * Containment: the quote prints the value 1; it prints the measurement in
 * another unit that converts to it 0.9; it does not print the value and the
 * field is a judgement the reader makes (document type, a risk factor's
 * category or severity, tobacco use, sex) 0.8; it does not print the value
 * of a field that is copied from the document (a lab flag, a code, a name)
 * 0.6, since such a value was inferred, not read. Normalisation changed the
 * model's value (a date reformatted, a unit converted) 0.9. A distractor cue
 * on the quote's line, its heading or its section's heading (family history,
 * a relative, denied, ruled out, discontinued, a prior physician) 0.5. A
 * measurement outside what a person can have (a weight of 900 kg, a pulse of
 * 400) 0.5. The document states another value for the same field (a second
 * encounter date, pulse, weight or record number; the same lab test or drug
 * again with another result or dose) 0.85. The document states the value
 * again in a line of its own, not a running header or footer, 1.06, never
 * above 0.98. The model stopped at its token limit 0.7 (Converse has no
 * per-field signal; the stop reason is the only one, and it applies to
 * every value alike).
 */

export type EvidenceOrigin = 'quote' | 'value';

/** How the located text relates to the value (see the header). */
export type Containment = 'printed' | 'converted' | 'judged' | 'absent';

export interface ConfidenceFactors {
  readonly match: 'exact' | 'fuzzy' | 'ungrounded';
  /** Whether the located text was the extractor's quote or the value's own text. */
  readonly origin: EvidenceOrigin;
  readonly containsValue: boolean;
  /**
   * The graded form of `containsValue`, when the document-wide pass has
   * worked it out; without it, a quote that does not hold the value counts
   * as `judged`.
   */
  readonly containment?: Containment;
  readonly normalised: boolean;
  readonly cues: readonly string[];
  /** Converse stop reason, when known. */
  readonly stopReason: string | null;
  /** The value is a measurement outside the range a person can have. */
  readonly implausible?: boolean;
  /** Other values the document states for the same field. */
  readonly competing?: readonly string[];
  /** The document states the value again in a line of its own. */
  readonly corroborated?: boolean;
}

export const CONFIDENCE_WEIGHTS = {
  base: {
    quote: { exact: 0.94, fuzzy: 0.8, ungrounded: 0.1 },
    value: { exact: 0.7, fuzzy: 0.6, ungrounded: 0.1 },
  },
  containment: { printed: 1, converted: 0.95, judged: 0.9, absent: 0.6 },
  normalised: 0.9,
  distractor: 0.5,
  implausible: 0.5,
  competing: 0.85,
  corroborated: 1.06,
  /** Corroboration never makes a value certain. */
  corroboratedCeiling: 0.98,
  truncated: 0.7,
} as const;

/** Stop reasons that mean the answer may have been cut short. */
const TRUNCATING = new Set(['max_tokens', 'model_context_window_exceeded']);

export const confidenceOf = (factors: ConfidenceFactors): number => {
  const w = CONFIDENCE_WEIGHTS;
  let value: number = w.base[factors.origin][factors.match];
  if (factors.match !== 'ungrounded') {
    const containment = factors.containment ?? (factors.containsValue ? 'printed' : 'judged');
    value *= w.containment[containment];
  }
  if (factors.normalised) value *= w.normalised;
  if (factors.cues.length > 0) value *= w.distractor;
  if (factors.implausible) value *= w.implausible;
  if ((factors.competing?.length ?? 0) > 0) value *= w.competing;
  if (factors.corroborated && factors.match !== 'ungrounded') {
    value = Math.max(value, Math.min(w.corroboratedCeiling, value * w.corroborated));
  }
  if (factors.stopReason !== null && TRUNCATING.has(factors.stopReason)) value *= w.truncated;
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
};
