/**
 * A value's confidence with every factor, including those that need the
 * whole document and the graded containment: after each value has been
 * located (ground.ts), its factors are worked out again from its evidence
 * and joined by whether the document states it again elsewhere
 * (corroborated), states a competing value for its field (ambiguous), and
 * whether a measurement is plausible or was converted from another unit.
 * The formula is `confidenceOf`'s (confidence.ts); the review verdict is
 * then drawn from these confidences.
 */

import { cleanOcrText } from '#core/extraction/ocr-repair.ts';
import { competingValues } from './ambiguity.ts';
import { type ConfidenceFactors, type Containment, confidenceOf } from './confidence.ts';
import { distractorCues } from './context.ts';
import type { PageText } from './geometry.ts';
import type { Claim, ValueEvidence } from './ground.ts';
import { locateQuote } from './locate.ts';
import { convertsTo, isImplausible, printsNumber } from './measurements.ts';
import { documentLines, otherMentions } from './mentions.ts';
import { ocrFold } from './ocr-fold.ts';
import { type LeafValue, leafValues, specKey } from './paths.ts';
import { quoteContainsValue } from './surface.ts';

/**
 * Fields whose value is a judgement the reader makes from the text rather
 * than a copy of it: a quote that does not print such a value is expected.
 */
export const JUDGED_FIELDS: ReadonlySet<string> = new Set([
  'encounter.documentType',
  'patient.sex',
  'riskFactors.factor',
  'riskFactors.severity',
  'riskFactors.evidence',
  'socialHistory.tobaccoUse',
  'socialHistory.packYears',
  'vitals.bmi',
]);

export interface RefineInput {
  readonly fields: unknown;
  readonly pages: readonly PageText[];
  readonly evidence: Readonly<Record<string, ValueEvidence>>;
  readonly claims: readonly Claim[];
  readonly normalisedPaths?: ReadonlySet<string>;
  readonly stopReason?: string | null;
}

/**
 * How the quote holds the value; on OCR text (`ocr`) after the contextual
 * OCR repairs (`(110)` is the code `(I10)`, `182 Ib` is `182 lb`), the same
 * the stand-in applies before reading (ADR 35).
 */
export const containmentOf = (
  quote: string,
  value: LeafValue,
  path: string,
  ocr = false,
): Containment => {
  const text = ocr ? cleanOcrText(quote) : quote;
  if (quoteContainsValue(text, value, path) || printsNumber(text, value)) return 'printed';
  if (convertsTo(text, value, path)) return 'converted';
  return JUDGED_FIELDS.has(specKey(path)) ? 'judged' : 'absent';
};

/** Every value's factors, keyed by path (for reading and for tests). */
export const refinedFactors = (input: RefineInput): Record<string, ConfidenceFactors> => {
  const lines = documentLines(input.pages);
  const quoted = new Set(
    input.claims.filter((claim) => claim.quote.trim().length > 0).map((claim) => claim.path),
  );
  const factors: Record<string, ConfidenceFactors> = {};
  for (const { path, value } of leafValues(input.fields)) {
    const evidence = input.evidence[path];
    const page = input.pages.find((candidate) => candidate.page === evidence?.page);
    const span =
      evidence && evidence.match !== 'ungrounded' && page
        ? locateQuote([page], evidence.quote, page.page)
        : null;
    const own = {
      // The grounding step's verdict stands, even where its span cannot be found again here.
      match: evidence?.match ?? ('ungrounded' as const),
      origin: quoted.has(path) ? ('quote' as const) : ('value' as const),
      normalised: input.normalisedPaths?.has(path) ?? false,
      stopReason: input.stopReason ?? null,
      implausible: isImplausible(value, path),
    };
    factors[path] =
      span === null || page === undefined
        ? {
            ...own,
            containsValue:
              evidence !== undefined && quoteContainsValue(evidence.quote, value, path),
            ...(evidence && evidence.match !== 'ungrounded'
              ? {
                  containment: containmentOf(evidence.quote, value, path, page?.source === 'ocr'),
                }
              : {}),
            cues: [],
          }
        : {
            ...own,
            containsValue:
              quoteContainsValue(span.text, value, path) ||
              (page.source === 'ocr' && quoteContainsValue(span.text, value, path, ocrFold)),
            containment: containmentOf(span.text, value, path, page.source === 'ocr'),
            cues: distractorCues(page.text, span.start, span.end, path),
            competing: competingValues(lines, input.fields, path, value, span),
            // A judged category (a risk factor's kind) recurs in any text about it: no corroboration.
            corroborated:
              !JUDGED_FIELDS.has(specKey(path)) && otherMentions(lines, span, value, path) > 0,
          };
  }
  return factors;
};

/** The confidence map with every factor applied. */
export const refinedConfidence = (input: RefineInput): Record<string, number> =>
  Object.fromEntries(
    Object.entries(refinedFactors(input)).map(([path, factors]) => [path, confidenceOf(factors)]),
  );
