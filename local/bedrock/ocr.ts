/**
 * OCR for the local Bedrock stand-in: reads page images with tesseract.js and
 * the English model shipped in the @tesseract.js-data/eng npm package (read
 * from node_modules; never downloaded, never cached elsewhere). One worker per
 * process, reused and used one page at a time; a page over its time budget
 * ends the worker (the next page starts a new one) and counts as unreadable,
 * as does a page whose mean word confidence is under the threshold.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';

/** tesseract.js and the model it reads, for labels in every answer. */
export const OCR_ENGINE = 'tesseract.js 7.0.0, eng 4.0.0_best_int (LSTM)';

/** Pages whose mean word confidence (0-100) is below this are unreadable. */
export const MIN_OCR_CONFIDENCE = 60;

/** Wall-clock budget for one page. */
export const OCR_PAGE_TIMEOUT_MS = 30_000;

export interface OcrPage {
  /** Recognised text; empty when the page is unreadable. */
  readonly text: string;
  /** Mean word confidence, 0-100. */
  readonly confidence: number;
  readonly readable: boolean;
  /** Why the page is unreadable, or null. */
  readonly problem: 'low_confidence' | 'timeout' | 'ocr_error' | null;
  readonly ms: number;
}

const require = createRequire(import.meta.url);

/** The folder holding `eng.traineddata.gz` inside node_modules: a path, never a URL. */
export const languageDataDir = (): string => {
  const dir = join(
    dirname(require.resolve('@tesseract.js-data/eng/package.json')),
    '4.0.0_best_int',
  );
  if (!existsSync(join(dir, 'eng.traineddata.gz'))) {
    throw new Error(`OCR language data missing at ${dir}; run npm ci`);
  }
  return dir;
};

let current: Promise<Worker> | undefined;
let queue: Promise<unknown> = Promise.resolve();

const worker = (): Promise<Worker> => {
  current ??= createWorker('eng', OEM.LSTM_ONLY, {
    langPath: languageDataDir(),
    gzip: true,
    // No cache: the data is read from node_modules on every start, nothing is written.
    cacheMethod: 'none',
  });
  return current;
};

/** Ends the shared worker (tests, stack shutdown). */
export const stopOcr = async (): Promise<void> => {
  const running = current;
  current = undefined;
  if (running) await (await running).terminate();
};

const recognise = async (image: Uint8Array, timeoutMs: number): Promise<OcrPage> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const ocr = await worker();
    const result = await Promise.race([ocr.recognize(Buffer.from(image)), timeout]);
    if (result === 'timeout') {
      await stopOcr();
      return { text: '', confidence: 0, readable: false, problem: 'timeout', ms: elapsed() };
    }
    const confidence = result.data.confidence;
    const readable = confidence >= MIN_OCR_CONFIDENCE;
    return {
      text: readable ? result.data.text : '',
      confidence,
      readable,
      problem: readable ? null : 'low_confidence',
      ms: elapsed(),
    };
  } catch {
    await stopOcr().catch(() => undefined);
    return { text: '', confidence: 0, readable: false, problem: 'ocr_error', ms: elapsed() };
  } finally {
    clearTimeout(timer);
  }
};

/** Reads one page image; calls are served one at a time. */
export const ocrPage = (image: Uint8Array, timeoutMs = OCR_PAGE_TIMEOUT_MS): Promise<OcrPage> => {
  const next = queue.then(() => recognise(image, timeoutMs));
  queue = next.catch(() => undefined);
  return next;
};
