/**
 * OCR word boxes for image pages: a scan of the synthetic record (no text
 * layer) gets page text whose words carry boxes in PDF points, and the box of
 * the patient's name lies where the name is printed; the pixel-to-point
 * conversion is checked on its own against hand-computed numbers.
 */
import { describe, expect, it, vi } from 'vitest';
import { spanBox } from '#core/evidence/geometry.ts';
import { locateQuote } from '#core/evidence/locate.ts';
import {
  isOcrMiss,
  ocrPageGeometry,
  withOcrGeometry,
  wordsToGeometry,
} from '#functions/load-document/page-ocr.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { pageTexts } from '#functions/score/grounding.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { recordPdf, SYNTHETIC_PATIENT } from '#test/helpers/pdf-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

describe('wordsToGeometry', () => {
  it('converts pixel boxes (top-left origin) to PDF points (bottom-left origin)', () => {
    const geometry = wordsToGeometry(
      [
        { text: 'Patient', x0: 100, y0: 50, x1: 300, y1: 90, lineEnd: false },
        { text: 'Name', x0: 320, y0: 50, x1: 450, y1: 90, lineEnd: true },
        { text: 'MRN', x0: 100, y0: 120, x1: 200, y1: 160, lineEnd: true },
      ],
      // A 612 x 792 pt page rendered at 2 px per point.
      { page: 1, widthPx: 1224, heightPx: 1584, view: [0, 0, 612, 792] },
    );
    expect(geometry.text).toBe('Patient Name\nMRN\n');
    expect(geometry.items[0]).toEqual({ start: 0, end: 7, x: 50, y: 747, width: 100, height: 20 });
    expect(geometry.items[1]).toMatchObject({ start: 8, end: 12, x: 160 });
    expect(geometry.items[2]).toMatchObject({ start: 13, end: 16, y: 712 });
  });
});

/**
 * One scan of the record, rendered and read once: OCR costs seconds per page,
 * and the merge (`withOcrGeometry`) carries the engine's page text and word
 * boxes into the sidecar unchanged, so the boxes checked below are the ones
 * `ocrPageGeometry` returned for the page.
 */
const scanOnce = async () => {
  const scan = await scanPdf(await recordPdf(), { ...DEFAULT_SCAN_OPTIONS, seed: 'ocr-boxes' });
  return { inspected: await inspectPdf(scan), rendered: await renderPages(scan, [1]) };
};
let scan: ReturnType<typeof scanOnce> | undefined;
const scanned = (): ReturnType<typeof scanOnce> => {
  scan ??= scanOnce();
  return scan;
};
let merged: ReturnType<typeof withOcrGeometry> | undefined;
const mergedOnce = async (): ReturnType<typeof withOcrGeometry> => {
  const { inspected, rendered } = await scanned();
  merged ??= withOcrGeometry(inspected.geometry, rendered);
  return merged;
};

describe('ocrPageGeometry on a scanned record', () => {
  it("boxes the patient's name inside the page, on the page's own OCR text", async () => {
    const { inspected } = await scanned();
    const page = inspected.geometry.pages[0];
    expect(page?.kind).toBe('image');
    expect(page?.items).toEqual([]);
    if (!page) throw new Error('no page');
    const ocr = (await mergedOnce()).geometry.pages[0];
    if (ocr?.source !== 'ocr') throw new Error(`page not read: ${JSON.stringify(ocr)}`);
    const at = ocr.text.indexOf(SYNTHETIC_PATIENT);
    expect(at, ocr.text).toBeGreaterThan(0);
    const covering = ocr.items.filter(
      (item) => item.end > at && item.start < at + SYNTHETIC_PATIENT.length,
    );
    expect(covering.map((item) => ocr.text.slice(item.start, item.end)).join(' ')).toBe(
      SYNTHETIC_PATIENT,
    );
    // pdfkit draws the second line at its 72 pt margin, 16 pt title above it, 11 pt text:
    // the name follows "Patient Name: " (about 73 pt of Helvetica 11) and sits about 100 pt
    // below the top edge, i.e. about 690 pt above the bottom.
    const [first] = covering;
    expect(first?.x).toBeGreaterThan(130);
    expect(first?.x).toBeLessThan(165);
    expect(first?.y).toBeGreaterThan(675);
    expect(first?.y).toBeLessThan(710);
    for (const item of covering) {
      expect(item.x + item.width).toBeLessThan(page.widthPt);
      expect(item.height).toBeGreaterThan(4);
      expect(item.height).toBeLessThan(20);
    }
  });

  it('merges into the sidecar as an OCR page that grounding searches and boxes', async () => {
    const { inspected } = await scanned();
    expect(pageTexts(inspected.geometry)).toEqual([]);
    const { geometry, ocrPageCount } = await mergedOnce();
    expect(ocrPageCount).toBe(1);
    expect(geometry.pages[0]).toMatchObject({ kind: 'image', source: 'ocr' });
    const pages = pageTexts(geometry);
    const found = locateQuote(pages, `Patient Name: ${SYNTHETIC_PATIENT}`, 1);
    expect(found).toMatchObject({ page: 1, match: 'exact' });
    const [page] = pages;
    if (!found || !page) throw new Error('not found');
    const box = spanBox(page, found.start, found.end);
    expect(box?.x).toBeGreaterThan(60);
    expect(box?.x).toBeLessThan(90);
    expect(box?.width).toBeGreaterThan(150);
    expect(box?.width).toBeLessThan(260);
  });

  it('gives pages past the time budget no geometry and a reason, instead of failing', async () => {
    const {
      rendered: [image],
    } = await scanned();
    if (!image) throw new Error('no render');
    // The same picture under other bytes (a JPEG comment after the start marker), so the
    // engine reads it instead of answering from the reading of the page remembered above.
    const comment = [0xff, 0xfe, 0x00, 0x04, 0x6f, 0x63];
    expect([...image.data.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const data = Uint8Array.from([0xff, 0xd8, ...comment, ...image.data.subarray(2)]);
    const page = { page: 1, data, widthPx: image.width, heightPx: image.height };
    const results = await ocrPageGeometry(
      [
        { ...page, view: [0, 0, 612, 792] },
        { ...page, page: 2, view: [0, 0, 612, 792] },
      ],
      { pageMs: 50, documentMs: 60 },
    );
    expect(results.map((result) => (isOcrMiss(result) ? result.reason : 'read'))).toEqual([
      expect.stringMatching(/^OCR_(PAGE_TIMEOUT|BUDGET_SPENT)$/),
      'OCR_BUDGET_SPENT',
    ]);
  });
});
