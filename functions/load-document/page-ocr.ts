/**
 * Word boxes for image pages: reads each rendered page image with tesseract.js
 * (English model from the @tesseract.js-data/eng npm package, read from
 * node_modules, never downloaded) and turns its words into the geometry
 * sidecar's shape — the page text and each word's character range and box in
 * PDF points, converted from image pixels with the page's view box and the
 * image's pixel size. A 1-bit fax page is despeckled first, as the local
 * stand-in's OCR does. One worker per call, reused across its pages; a page
 * over its time budget or one the engine cannot read simply gets no
 * geometry (null), never a document failure.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker } from 'tesseract.js';
import type { DocumentGeometry, GeometryItem } from '#contracts/geometry.ts';
import { type PositionedText, pageTextFromItems } from '#core/evidence/geometry.ts';
import { despeckleBilevelPng } from './bilevel-png.ts';

/**
 * Wall-clock budgets: one page's recognition, and all of a document's pages
 * together (after rendering's own 60 s, inside LoadDocument's 90 s timeout).
 * Pages past the document budget get no geometry.
 */
export const OCR_GEOMETRY_BUDGET = { pageMs: 15_000, documentMs: 20_000 } as const;

export interface OcrPageImage {
  /** 1-based. */
  readonly page: number;
  /** PNG or JPEG bytes. */
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  /** The page's view box `[x0, y0, x1, y1]` in PDF points, which the image covers. */
  readonly view: readonly [number, number, number, number];
}

export interface OcrPageGeometry {
  readonly page: number;
  readonly text: string;
  readonly items: GeometryItem[];
  /** Mean word confidence, 0-100, as the engine reports it. */
  readonly confidence: number;
  readonly ms: number;
}

/** A word's box in image pixels (origin top-left), as tesseract reports it. */
export interface PixelWord {
  readonly text: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** The last word of its line. */
  readonly lineEnd: boolean;
}

const resolver = createRequire(import.meta.url);

/** The folder holding `eng.traineddata.gz` inside node_modules: a path, never a URL. */
const languageDataDir = (): string => {
  const dir = join(
    dirname(resolver.resolve('@tesseract.js-data/eng/package.json')),
    '4.0.0_best_int',
  );
  if (!existsSync(join(dir, 'eng.traineddata.gz'))) {
    throw new Error('OCR language data missing from node_modules');
  }
  return dir;
};

/** Words in image pixels to the page text and items in PDF points (origin bottom-left). */
export const wordsToGeometry = (
  words: readonly PixelWord[],
  image: Pick<OcrPageImage, 'page' | 'widthPx' | 'heightPx' | 'view'>,
): { text: string; items: GeometryItem[] } => {
  const [vx0, vy0, vx1, vy1] = image.view;
  const sx = (vx1 - vx0) / image.widthPx;
  const sy = (vy1 - vy0) / image.heightPx;
  const positioned: PositionedText[] = words.map((word) => ({
    str: word.text,
    x: vx0 + word.x0 * sx,
    y: vy0 + (image.heightPx - word.y1) * sy,
    width: (word.x1 - word.x0) * sx,
    height: (word.y1 - word.y0) * sy,
    hasEOL: word.lineEnd,
  }));
  const page = pageTextFromItems(image.page, positioned);
  return {
    text: page.text,
    items: page.items.map((item) => ({ start: item.start, end: item.end, ...item.box })),
  };
};

type Recognised = Awaited<ReturnType<Worker['recognize']>>;

const pixelWords = (result: Recognised): PixelWord[] => {
  const words: PixelWord[] = [];
  for (const block of result.data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const kept = line.words.filter((word) => word.text.trim().length > 0);
        kept.forEach((word, index) => {
          words.push({ text: word.text.trim(), ...word.bbox, lineEnd: index === kept.length - 1 });
        });
      }
    }
  }
  return words;
};

const startWorker = async (): Promise<Worker> => {
  // Loaded with the first page that needs OCR: most documents have a text layer.
  const { createWorker, OEM } = await import('tesseract.js');
  return createWorker('eng', OEM.LSTM_ONLY, {
    langPath: languageDataDir(),
    gzip: true,
    // Read from node_modules on every start; nothing is cached or written.
    cacheMethod: 'none',
  });
};

/**
 * Recognises `images` one after another. The result has one entry per
 * image: its geometry, or null when the page timed out or could not be read.
 */
export const ocrPageGeometry = async (
  images: readonly OcrPageImage[],
  budget: { readonly pageMs: number; readonly documentMs: number } = OCR_GEOMETRY_BUDGET,
): Promise<Array<OcrPageGeometry | null>> => {
  const results: Array<OcrPageGeometry | null> = [];
  const deadline = performance.now() + budget.documentMs;
  let worker: Promise<Worker> | null = null;
  const end = async (): Promise<void> => {
    const running = worker;
    worker = null;
    if (running) await (await running).terminate().catch(() => undefined);
  };
  try {
    for (const image of images) {
      const started = performance.now();
      const timeoutMs = Math.min(budget.pageMs, deadline - started);
      if (timeoutMs <= 0) {
        results.push(null);
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        worker ??= startWorker();
        const ocr = await Promise.race([worker, timeout]);
        const result =
          ocr === 'timeout'
            ? 'timeout'
            : await Promise.race([
                ocr.recognize(Buffer.from(image.data), {}, { blocks: true, text: true }),
                timeout,
              ]);
        if (result === 'timeout') {
          await end();
          results.push(null);
          continue;
        }
        results.push({
          page: image.page,
          ...wordsToGeometry(pixelWords(result), image),
          confidence: result.data.confidence,
          ms: Math.round(performance.now() - started),
        });
      } catch {
        await end();
        results.push(null);
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await end();
  }
  return results;
};

/** A rendered page image: its page, bytes and pixel size (page-render's RenderedPage). */
export interface RenderedImage {
  readonly page: number;
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** A 1-bit page's two-level PNG: despeckled before OCR (bilevel-png.ts). */
  readonly bilevel?: boolean;
}

export interface OcrGeometryOutcome {
  readonly geometry: DocumentGeometry;
  /** Image pages that got OCR text. */
  readonly ocrPageCount: number;
  readonly ocrMs: number;
}

/** The sidecar with OCR text and word boxes on the image pages that were rendered and read. */
export const withOcrGeometry = async (
  geometry: DocumentGeometry,
  rendered: readonly RenderedImage[],
  budget: { readonly pageMs: number; readonly documentMs: number } = OCR_GEOMETRY_BUDGET,
): Promise<OcrGeometryOutcome> => {
  const started = performance.now();
  const views = new Map(geometry.pages.map((page) => [page.page, page]));
  const images: OcrPageImage[] = rendered.flatMap((image) => {
    const page = views.get(image.page);
    if (page?.kind !== 'image') return [];
    return [
      {
        page: image.page,
        data: image.bilevel ? (despeckleBilevelPng(image.data)?.png ?? image.data) : image.data,
        widthPx: image.width,
        heightPx: image.height,
        view: page.view,
      },
    ];
  });
  const read = new Map(
    (await ocrPageGeometry(images, budget))
      .filter((page): page is OcrPageGeometry => page !== null && page.items.length > 0)
      .map((page) => [page.page, page]),
  );
  return {
    geometry: {
      ...geometry,
      pages: geometry.pages.map((page) => {
        const ocr = read.get(page.page);
        return ocr ? { ...page, source: 'ocr', text: ocr.text, items: ocr.items } : page;
      }),
    },
    ocrPageCount: read.size,
    ocrMs: Math.round(performance.now() - started),
  };
};
