/**
 * The grounding half of Score: from the validated fields, the extractor's
 * quotes and the page geometry, every value's evidence and confidence and
 * the document's review verdict (core/evidence), shaped as the shared
 * `GroundingSchema`, and the summary that enters workflow state (numbers
 * and a URI only).
 */
import type { Grounding } from '#contracts/evidence.ts';
import { GroundingMiniSchema } from '#contracts/evidence-mini.ts';
import type { DocumentGeometry } from '#contracts/geometry.ts';
import type { ModelEvidence } from '#contracts/model-evidence.ts';
import type { PageText } from '#core/evidence/geometry.ts';
import { groundExtraction } from '#core/evidence/ground.ts';
import { refinedConfidence } from '#core/evidence/refine.ts';
import { assessReview } from '#core/evidence/review.ts';
import type { PromptVersion } from '#core/prompts/types.ts';

export interface GroundingRequest {
  readonly version: PromptVersion;
  readonly fields: unknown;
  readonly evidence: ModelEvidence;
  readonly geometry: DocumentGeometry;
  readonly missingRequired: readonly string[];
}

export interface GroundingOutcome {
  readonly grounding: Grounding;
  readonly valueCount: number;
  readonly groundedCount: number;
  readonly valueSearchCount: number;
}

/**
 * Pages with text read independently of the model: the text layer, or OCR
 * of an image page's own pixels. An image page without OCR text has only the
 * model's transcription, which proves nothing, so it is left out.
 */
export const pageTexts = (geometry: DocumentGeometry): PageText[] =>
  geometry.pages
    .filter((page) => page.source === 'pdf-text' || page.source === 'ocr')
    .map((page) => ({
      page: page.page,
      // OCR pages are also matched across OCR's character confusions (core/evidence/ocr-fold.ts).
      source: page.source === 'ocr' ? ('ocr' as const) : ('pdf-text' as const),
      text: page.text,
      items: page.items.map((item) => ({
        start: item.start,
        end: item.end,
        box: { x: item.x, y: item.y, width: item.width, height: item.height },
      })),
    }));

export const groundDocument = (request: GroundingRequest): GroundingOutcome => {
  const pages = pageTexts(request.geometry);
  const normalisedPaths = new Set(request.evidence.normalisedPaths);
  const result = groundExtraction({
    fields: request.fields,
    pages,
    claims: request.evidence.claims,
    normalisedPaths,
    stopReason: request.evidence.stopReason,
    fieldSettings: request.version.metadata.fields,
    missingRequired: request.missingRequired,
  });
  // Every factor, with those that need the whole document (refine.ts), and the verdict from them.
  const confidence = refinedConfidence({
    fields: request.fields,
    pages,
    evidence: result.evidence,
    claims: request.evidence.claims,
    normalisedPaths,
    stopReason: request.evidence.stopReason,
  });
  const review = assessReview({
    fields: request.version.metadata.fields,
    missingRequired: request.missingRequired,
    values: Object.entries(confidence).map(([path, value]) => ({
      path,
      grounded: result.evidence[path]?.match !== 'ungrounded',
      confidence: value,
    })),
  });
  return {
    grounding: GroundingMiniSchema.parse({
      evidence: result.evidence,
      confidence,
      review,
    }),
    valueCount: result.valueCount,
    groundedCount: result.groundedCount,
    valueSearchCount: result.valueSearchCount,
  };
};

/** Share of values grounded; 1 when there are none (nothing unsupported was recorded). */
export const groundedShare = (outcome: GroundingOutcome): number =>
  outcome.valueCount === 0
    ? 1
    : Math.round((outcome.groundedCount / outcome.valueCount) * 10_000) / 10_000;
