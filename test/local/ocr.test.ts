/**
 * The stand-in's OCR: English data comes from node_modules (a path, never a
 * URL, so nothing is downloaded), a rendered synthetic page is read with high
 * confidence, and a page of noise is unreadable; the page's reading serves
 * LoadDocument's OCR of the same bytes, on the engines both share, without
 * a second recognition.
 */
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { isOcrMiss, ocrPageGeometry } from '#functions/load-document/page-ocr.ts';
import { warmOcrEngines } from '#functions/load-document/page-ocr-engines.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { languageDataDir, MIN_OCR_CONFIDENCE, ocrPage, stopOcr } from '#local/bedrock/ocr.ts';
import { Random } from '#local/corpus/random.ts';
import { recordPdf, SYNTHETIC_PATIENT } from '#test/helpers/pdf-fixtures.ts';

afterAll(() => stopOcr());

const noise = (): Uint8Array => {
  const canvas = createCanvas(300, 300);
  const context = canvas.getContext('2d');
  const image = context.createImageData(300, 300);
  const random = new Random('noise');
  for (let i = 0; i < image.data.length; i += 4) {
    const value = random.next() < 0.5 ? 0 : 255;
    image.data.set([value, value, value, 255], i);
  }
  context.putImageData(image, 0, 0);
  return new Uint8Array(canvas.toBuffer('image/png'));
};

describe('ocrPage', () => {
  it('reads language data from the npm package folder, not a URL', () => {
    const dir = languageDataDir();
    expect(dir).toMatch(/node_modules\/@tesseract\.js-data\/eng\/4\.0\.0_best_int$/);
    expect(dir).not.toMatch(/^[a-z]+:\/\//);
  });

  let page: Awaited<ReturnType<typeof renderPages>>[number] | undefined;

  it('reads a rendered page of a synthetic record', async () => {
    // Prepare
    [page] = await renderPages(await recordPdf(), [1]);

    // Act
    const result = await ocrPage(page?.data ?? new Uint8Array());

    // Assess
    expect(result.readable).toBe(true);
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_OCR_CONFIDENCE);
    expect(result.text).toContain(SYNTHETIC_PATIENT);
    expect(result.text).toMatch(/Essential hypertension/);
  }, 60_000);

  it("answers LoadDocument's OCR of the same page bytes from the stand-in's reading", async () => {
    // Prepare
    if (!page) throw new Error('the record page was not rendered');
    const before = warmOcrEngines.stats();

    // Act
    const [geometry] = await ocrPageGeometry([
      {
        page: 1,
        data: page.data,
        widthPx: page.width,
        heightPx: page.height,
        view: [0, 0, 612, 792],
      },
    ]);

    // Assess: the same words, with boxes, and no engine started or taken for them.
    if (!geometry || isOcrMiss(geometry)) throw new Error(`not read: ${JSON.stringify(geometry)}`);
    expect(geometry.text).toContain(SYNTHETIC_PATIENT);
    expect(geometry.items.length).toBeGreaterThan(20);
    expect(warmOcrEngines.stats()).toMatchObject({
      recalled: before.recalled + 1,
      starts: before.starts,
      warmTakes: before.warmTakes,
    });
  });

  it('finds a page of noise unreadable and returns no text for it', async () => {
    const result = await ocrPage(noise());
    expect(result).toMatchObject({ readable: false, problem: 'low_confidence', text: '' });
    expect(result.confidence).toBeLessThan(MIN_OCR_CONFIDENCE);
  }, 60_000);
});
