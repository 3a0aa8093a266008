/**
 * The vision limits module: Bedrock's image-block limits, Claude's image
 * token formula after its downscaling, render sizes, and the per-page
 * text-or-image classification threshold.
 */
import { describe, expect, it } from 'vitest';
import {
  BEDROCK_IMAGE_LIMITS,
  CLAUDE_IMAGE_SCALING,
  classifyPage,
  claudeImageTokens,
  claudeScaledSize,
  IMAGE_PAGE_MAX_CHARS_PER_SQUARE_INCH,
  imageBlockProblem,
  RENDER_LIMITS,
  renderSizeFor,
} from '#core/extraction/vision-limits.ts';

const LETTER = { widthPt: 612, heightPt: 792 };

describe('Bedrock and Claude limits', () => {
  it('holds the published numbers in one place', () => {
    expect(BEDROCK_IMAGE_LIMITS).toMatchObject({
      maxImagesPerRequest: 20,
      maxImageBytes: 3_750_000,
      maxImageEdgePx: 8000,
    });
    expect(CLAUDE_IMAGE_SCALING).toEqual({
      maxLongEdgePx: 1568,
      maxTokensPerImage: 1600,
      pixelsPerToken: 750,
    });
    expect(RENDER_LIMITS.maxImagePages).toBe(BEDROCK_IMAGE_LIMITS.maxImagesPerRequest);
    expect(RENDER_LIMITS.targetLongEdgePx).toBe(CLAUDE_IMAGE_SCALING.maxLongEdgePx);
  });

  it('counts width * height / 750 for an image Claude keeps as sent', () => {
    // 1000 x 1000 = 1.0 MP: under both caps, so not downscaled.
    expect(claudeScaledSize({ width: 1000, height: 1000 })).toEqual({ width: 1000, height: 1000 });
    expect(claudeImageTokens({ width: 1000, height: 1000 })).toBe(1334);
    expect(claudeImageTokens({ width: 200, height: 200 })).toBe(54);
  });

  it('counts tokens after Claude downscales to its long edge and token cap', () => {
    // A Letter page rendered at 1568 px long edge (1212 x 1568, 2534 tokens as sent)
    // is read at about 1.2 MP: scale sqrt(1.2e6 / 1,900,416) = 0.7946, so 963 x 1245.
    const page = renderSizeFor(LETTER.widthPt, LETTER.heightPt);
    expect(page).toMatchObject({ width: 1212, height: 1568 });
    expect(claudeScaledSize(page)).toEqual({ width: 963, height: 1245 });
    expect(claudeImageTokens(page)).toBe(1599);
    // A long, thin strip is capped by its long edge first.
    expect(claudeScaledSize({ width: 4000, height: 200 })).toEqual({ width: 1568, height: 78 });
    expect(claudeImageTokens({ width: 4000, height: 200 })).toBe(164);
    // Never more than the cap, whatever the size.
    expect(claudeImageTokens({ width: 8000, height: 8000 })).toBeLessThanOrEqual(1600);
  });

  it('names the limit an image block breaks, and passes one that fits', () => {
    expect(imageBlockProblem({ width: 1211, height: 1568, bytes: 400_000 })).toBeNull();
    expect(imageBlockProblem({ width: 1211, height: 1568, bytes: 3_750_001 })).toMatch(
      /over 3750000/,
    );
    expect(imageBlockProblem({ width: 8001, height: 300, bytes: 10 })).toMatch(/over 8000 px/);
    expect(imageBlockProblem({ width: 1568, height: 150, bytes: 10 })).toMatch(/under 200 px/);
  });

  it('renders the long edge at the target size whatever the page size', () => {
    expect(renderSizeFor(792, 612)).toMatchObject({ width: 1568, height: 1212 });
    expect(renderSizeFor(595.28, 841.89)).toMatchObject({ width: 1109, height: 1568 });
    expect(() => renderSizeFor(0, 100)).toThrow(RangeError);
  });
});

describe('classifyPage', () => {
  // A Letter page is 93.5 square inches: the threshold is 23.4 characters there.
  const threshold = (612 * 792 * IMAGE_PAGE_MAX_CHARS_PER_SQUARE_INCH) / (72 * 72);

  it('reads a page with enough text for its area as text, whatever it draws', () => {
    expect(threshold).toBeCloseTo(23.4, 1);
    expect(classifyPage({ ...LETTER, textChars: 24, drawsGraphics: true })).toBe('text');
    expect(classifyPage({ ...LETTER, textChars: 2400, drawsGraphics: false })).toBe('text');
  });

  it('sends a page under the threshold that draws something as an image', () => {
    expect(classifyPage({ ...LETTER, textChars: 0, drawsGraphics: true })).toBe('image');
    // A fax header in a text layer does not make a scan a text page.
    expect(classifyPage({ ...LETTER, textChars: 23, drawsGraphics: true })).toBe('image');
  });

  it('keeps sparse text without drawings as text and leaves an empty page out', () => {
    expect(classifyPage({ ...LETTER, textChars: 10, drawsGraphics: false })).toBe('text');
    expect(classifyPage({ ...LETTER, textChars: 0, drawsGraphics: false })).toBe('blank');
  });

  it('scales the threshold with the page area', () => {
    // A4 landscape at double size holds four times the area: 23 characters is an image page there too.
    expect(
      classifyPage({ widthPt: 1684, heightPt: 1190, textChars: 60, drawsGraphics: true }),
    ).toBe('image');
    expect(classifyPage({ widthPt: 306, heightPt: 396, textChars: 6, drawsGraphics: true })).toBe(
      'text',
    );
  });
});
