/**
 * Word boxes for image pages: reads each rendered page image with tesseract.js
 * and turns its words into the geometry sidecar's shape — the page text and
 * each word's character range and box in PDF points, converted from image
 * pixels with the page's view box and the image's pixel size. A 1-bit fax
 * page is despeckled first, as the local stand-in's OCR does. A document's
 * pages are read one after another on one engine, taken warm from the
 * process's engines when one is idle (page-ocr-engines.ts) and given back
 * afterwards, while the document holds one of the process's CPU slots, which
 * rendering shares (cpu-slots.ts). A new engine's start has its own bound and
 * is not charged to the first page; the document's pages share a deadline
 * the caller sizes from the invocation's remaining time (ADR 41). A page over
 * its budget or one the engine cannot read gets no geometry and a reason
 * code, never a document failure; the engine that timed out or threw is
 * ended, never given back. A page whose exact bytes were read before in
 * this process takes that reading (page-ocr-engines.ts).
 */
import type { DocumentGeometry, GeometryItem } from '#contracts/geometry.ts';
import { type PositionedText, pageTextFromItems } from '#core/evidence/geometry.ts';
import { despeckleBilevelPng } from './bilevel-png.ts';
import { acquireCpuSlot, releaseCpuSlot } from './cpu-slots.ts';
import {
  createOcrEnginePool,
  type OcrEngine,
  type OcrEngineFactory,
  type OcrEnginePool,
  type OcrReading,
  type PixelWord,
  warmOcrEngines,
} from './page-ocr-engines.ts';

export type { OcrEngine, OcrEngineFactory, PixelWord } from './page-ocr-engines.ts';
export { tesseractEngine } from './page-ocr-engines.ts';

/**
 * Wall-clock budgets. `pageMs`: one page's recognition, from the moment the
 * engine starts reading it (a dense letter page takes about 5 s on one free
 * core, 20 s on a 2-core machine at load 8). `startMs`: the engine's start
 * (the wasm module and the model loaded). `documentMs`: every page of a
 * document together, including the wait for an engine and its start; the
 * handler lowers it to the invocation's remaining time less `reserveMs`, kept
 * for writing the sidecar and returning. Pages past it get no geometry.
 */
export const OCR_GEOMETRY_BUDGET = {
  pageMs: 45_000,
  startMs: 20_000,
  documentMs: 150_000,
  reserveMs: 10_000,
} as const;

export interface OcrBudget {
  readonly pageMs: number;
  readonly documentMs: number;
  /** Default OCR_GEOMETRY_BUDGET.startMs. */
  readonly startMs?: number;
}

/** Why an image page got no OCR geometry: logged as counts, never with the page's text. */
export const OCR_MISS_REASONS = [
  /** The document's deadline passed before the page's turn. */
  'OCR_BUDGET_SPENT',
  /** The page's recognition ran past `pageMs`; the engine was ended. */
  'OCR_PAGE_TIMEOUT',
  /** The engine did not start within `startMs`. */
  'OCR_START_TIMEOUT',
  /** The engine failed to start or threw on the page. */
  'OCR_ENGINE_ERROR',
  /** The engine read the page and found no words. */
  'OCR_NO_WORDS',
] as const;
export type OcrMissReason = (typeof OCR_MISS_REASONS)[number];

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

/** An image page the engine gave no words for, and why. */
export interface OcrPageMiss {
  readonly page: number;
  readonly reason: OcrMissReason;
  /** The error's name when the engine threw (never its message). */
  readonly errorName?: string;
  readonly ms: number;
}

export type OcrPageResult = OcrPageGeometry | OcrPageMiss;

export const isOcrMiss = (result: OcrPageResult): result is OcrPageMiss => 'reason' in result;

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

const TIMEOUT = Symbol('timeout');

/** `work` or TIMEOUT after `ms`, whichever settles first; the timer never outlives the race. */
const within = async <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

const pageResult = (image: OcrPageImage, read: OcrReading, ms: number): OcrPageResult => {
  const geometry = wordsToGeometry(read.words, image);
  return geometry.items.length === 0
    ? { page: image.page, reason: 'OCR_NO_WORDS', ms }
    : { page: image.page, ...geometry, confidence: read.confidence, ms };
};

/** A bare factory gets a pool of its own that keeps nothing: every document starts its engine. */
const poolOf = (engines: OcrEnginePool | OcrEngineFactory): OcrEnginePool =>
  typeof engines === 'function' ? createOcrEnginePool(engines, { idleMs: 0, maxIdle: 0 }) : engines;

/**
 * Recognises `images` one after another on one engine, taken from `engines`
 * (the process's warm tesseract.js engines unless told otherwise) and given
 * back when every page was read without fault. The result has one entry per
 * image, in order: its geometry, or why it has none.
 */
export const ocrPageGeometry = async (
  images: readonly OcrPageImage[],
  budget: OcrBudget = OCR_GEOMETRY_BUDGET,
  engines: OcrEnginePool | OcrEngineFactory = warmOcrEngines,
): Promise<OcrPageResult[]> => {
  if (images.length === 0) return [];
  const pool = poolOf(engines);
  const began = performance.now();
  const deadline = began + budget.documentMs;
  const missAll = (reason: OcrMissReason, from = 0, extra: { errorName?: string } = {}) =>
    images.slice(from).map((image) => ({ page: image.page, reason, ms: 0, ...extra }));
  if (!(await acquireCpuSlot(deadline))) return missAll('OCR_BUDGET_SPENT');
  const results: OcrPageResult[] = [];
  let engine: OcrEngine | null = null;
  let starting: Promise<OcrEngine> | null = null;
  /** Ends the engine after a fault or a timeout: it is never given back. */
  const end = async (): Promise<void> => {
    const running = engine;
    const pending = starting;
    engine = null;
    starting = null;
    // An engine still starting is ended once it has started, without waiting for it.
    if (pending) void pending.then((late) => pool.discard(late)).catch(() => undefined);
    if (running) await pool.discard(running);
  };
  try {
    for (const [index, image] of images.entries()) {
      if (deadline - performance.now() <= 0) {
        results.push(...missAll('OCR_BUDGET_SPENT', index));
        break;
      }
      // These very bytes were read before in this process: the engine would read them the same.
      const known = pool.recall(image.data);
      if (known) {
        results.push(pageResult(image, known, 0));
        continue;
      }
      if (engine === null) {
        starting = pool.take().engine;
        const startMs = budget.startMs ?? OCR_GEOMETRY_BUDGET.startMs;
        const left = deadline - performance.now();
        const startBudget = Math.min(startMs, left);
        let started: OcrEngine | typeof TIMEOUT;
        try {
          started = await within(starting, startBudget);
        } catch (error) {
          starting = null;
          results.push(...missAll('OCR_ENGINE_ERROR', index, { errorName: errorName(error) }));
          break;
        }
        if (started === TIMEOUT) {
          await end();
          // Cut short by the document's deadline rather than over its own bound.
          results.push(
            ...missAll(left < startMs ? 'OCR_BUDGET_SPENT' : 'OCR_START_TIMEOUT', index),
          );
          break;
        }
        engine = started;
        starting = null;
      }
      const pageStarted = performance.now();
      const timeoutMs = Math.min(budget.pageMs, deadline - pageStarted);
      if (timeoutMs <= 0) {
        results.push(...missAll('OCR_BUDGET_SPENT', index));
        break;
      }
      const ms = () => Math.round(performance.now() - pageStarted);
      try {
        const read = await within(engine.recognize(image.data), timeoutMs);
        if (read === TIMEOUT) {
          // The engine cannot be interrupted: end it; the next page takes another.
          await end();
          results.push({ page: image.page, reason: 'OCR_PAGE_TIMEOUT', ms: ms() });
          continue;
        }
        pool.remember(image.data, read);
        results.push(pageResult(image, read, ms()));
      } catch (error) {
        await end();
        results.push({
          page: image.page,
          reason: 'OCR_ENGINE_ERROR',
          errorName: errorName(error),
          ms: ms(),
        });
      }
    }
  } finally {
    if (engine) pool.keep(engine);
    engine = null;
    releaseCpuSlot();
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
  /** Image pages without OCR text, counted by reason (for the log line). */
  readonly misses: Partial<Record<OcrMissReason, number>>;
  /** Error names behind OCR_ENGINE_ERROR, if any. */
  readonly errorNames: readonly string[];
  /** Recognition time of each page that was read. */
  readonly pageMs: readonly number[];
}

/** The sidecar with OCR text and word boxes on the image pages that were rendered and read. */
export const withOcrGeometry = async (
  geometry: DocumentGeometry,
  rendered: readonly RenderedImage[],
  budget: OcrBudget = OCR_GEOMETRY_BUDGET,
  engines: OcrEnginePool | OcrEngineFactory = warmOcrEngines,
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
  const results = await ocrPageGeometry(images, budget, engines);
  const read = new Map(
    results
      .filter((page): page is OcrPageGeometry => !isOcrMiss(page))
      .map((page) => [page.page, page]),
  );
  const misses: Partial<Record<OcrMissReason, number>> = {};
  const errorNames = new Set<string>();
  for (const result of results) {
    if (!isOcrMiss(result)) continue;
    misses[result.reason] = (misses[result.reason] ?? 0) + 1;
    if (result.errorName) errorNames.add(result.errorName);
  }
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
    misses,
    errorNames: [...errorNames],
    pageMs: [...read.values()].map((page) => page.ms),
  };
};

/**
 * The OCR budget of an invocation with `remainingMs` left: the default,
 * lowered so the pages end `reserveMs` before the function's deadline.
 */
export const ocrBudgetFor = (remainingMs: number): OcrBudget => ({
  pageMs: OCR_GEOMETRY_BUDGET.pageMs,
  startMs: OCR_GEOMETRY_BUDGET.startMs,
  documentMs: Math.max(
    0,
    Math.min(OCR_GEOMETRY_BUDGET.documentMs, remainingMs - OCR_GEOMETRY_BUDGET.reserveMs),
  ),
});
