/**
 * Grounds one extraction in its document: for every non-null leaf value,
 * the evidence (page, verbatim quote, box, match kind), a confidence and,
 * over the whole document, the review verdict. Quotes come from the
 * extractor (`claims`); a value without one is searched for by its own
 * printed forms, which is weaker evidence and scores lower. Image pages are
 * searched in LoadDocument's own OCR of their pixels, across OCR's character
 * confusions (a `fuzzy` match); an image page without that text has none
 * here, and a value only it shows is ungrounded, because a quote checked
 * against the model's own transcription proves nothing.
 */
import { confidenceOf, type EvidenceOrigin } from './confidence.ts';
import { distractorCues } from './context.ts';
import { type Box, type PageText, spanBox } from './geometry.ts';
import { locateQuote, type QuoteMatch } from './locate.ts';
import { ocrFold } from './ocr-fold.ts';
import { type LeafValue, leafValues } from './paths.ts';
import { assessReview, type FieldThresholds, type ReviewAssessment } from './review.ts';
import { quoteContainsValue, surfaceForms } from './surface.ts';

/** What an extractor said it read a value from. */
export interface Claim {
  readonly path: string;
  readonly quote: string;
  /** 1-based page the extractor named, or null. */
  readonly page: number | null;
}

export interface ValueEvidence {
  readonly page: number | null;
  readonly quote: string;
  readonly bbox: Box | null;
  readonly match: 'exact' | 'fuzzy' | 'ungrounded';
}

export interface GroundingInput {
  readonly fields: unknown;
  /** Text pages, with their items where the page has geometry. */
  readonly pages: readonly PageText[];
  readonly claims: readonly Claim[];
  /** Paths whose value the normaliser changed from what the extractor answered. */
  readonly normalisedPaths?: ReadonlySet<string>;
  readonly stopReason?: string | null;
  /** The prompt version's field settings (thresholds). */
  readonly fieldSettings: FieldThresholds;
  /** Required metadata keys absent from the extraction. */
  readonly missingRequired: readonly string[];
}

export interface GroundingResult {
  readonly evidence: Record<string, ValueEvidence>;
  readonly confidence: Record<string, number>;
  readonly review: ReviewAssessment;
  readonly valueCount: number;
  readonly groundedCount: number;
  /** Values grounded through their own text because no quote was given. */
  readonly valueSearchCount: number;
}

interface Located {
  readonly found: QuoteMatch | null;
  readonly origin: EvidenceOrigin;
  readonly claimed: string;
}

const locateValue = (
  pages: readonly PageText[],
  path: string,
  value: LeafValue,
  claim: Claim | undefined,
): Located => {
  if (claim !== undefined && claim.quote.trim().length > 0) {
    return {
      found: locateQuote(pages, claim.quote, claim.page),
      origin: 'quote',
      claimed: claim.quote,
    };
  }
  for (const form of surfaceForms(value, path)) {
    // A one- or two-character form (`F`, `12`) is found nearly anywhere: not evidence.
    if (form.replace(/\W/g, '').length < 3 && !/^\d{2}$/.test(form)) continue;
    const found = locateQuote(pages, form);
    if (found) return { found, origin: 'value', claimed: String(value) };
  }
  return { found: null, origin: 'value', claimed: String(value) };
};

export const groundExtraction = (input: GroundingInput): GroundingResult => {
  const claims = new Map(input.claims.map((claim) => [claim.path, claim]));
  const byPage = new Map(input.pages.map((page) => [page.page, page]));
  const evidence: Record<string, ValueEvidence> = {};
  const confidence: Record<string, number> = {};
  const assessed: { path: string; grounded: boolean; confidence: number }[] = [];
  let groundedCount = 0;
  let valueSearchCount = 0;
  const leaves = leafValues(input.fields);
  for (const { path, value } of leaves) {
    const { found, origin, claimed } = locateValue(input.pages, path, value, claims.get(path));
    const page = found ? byPage.get(found.page) : undefined;
    evidence[path] = found
      ? {
          page: found.page,
          quote: found.text,
          bbox: page ? spanBox(page, found.start, found.end) : null,
          match: found.match,
        }
      : { page: null, quote: claimed, bbox: null, match: 'ungrounded' };
    if (found) groundedCount += 1;
    if (found && origin === 'value') valueSearchCount += 1;
    confidence[path] = confidenceOf({
      match: found?.match ?? 'ungrounded',
      origin,
      containsValue: found
        ? quoteContainsValue(found.text, value, path) ||
          (page?.source === 'ocr' && quoteContainsValue(found.text, value, path, ocrFold))
        : false,
      normalised: input.normalisedPaths?.has(path) ?? false,
      cues: found && page ? distractorCues(page.text, found.start, found.end, path) : [],
      stopReason: input.stopReason ?? null,
    });
    assessed.push({ path, grounded: found !== null, confidence: confidence[path] ?? 0 });
  }
  return {
    evidence,
    confidence,
    review: assessReview({
      fields: input.fieldSettings,
      missingRequired: input.missingRequired,
      values: assessed,
    }),
    valueCount: leaves.length,
    groundedCount,
    valueSearchCount,
  };
};
