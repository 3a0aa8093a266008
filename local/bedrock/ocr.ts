/**
 * OCR for the local Bedrock stand-in: reads page images with tesseract.js and
 * the English model shipped in the @tesseract.js-data/eng npm package (read
 * from node_modules; never downloaded, never cached elsewhere). One worker per
 * CPU, each reused and reading one page at a time; a page over its time budget
 * ends its worker (the next page starts a new one) and counts as unreadable,
 * as does a page whose mean word confidence is under the threshold. A page
 * image with only two grey levels (a 1-bit fax page) is despeckled first
 * (despeckle.ts); others are read as they are. Known character confusions
 * are repaired (core/extraction/ocr-repair.ts) before the text is used.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { cleanOcrText } from '#core/extraction/ocr-repair.ts';
import { prepareForOcr } from './despeckle.ts';

/** tesseract.js and the model it reads, for labels in every answer. */
export const OCR_ENGINE = 'tesseract.js 7.0.0, eng 4.0.0_best_int (LSTM)';

/** Pages whose mean word confidence (0-100) is below this are unreadable. */
export const MIN_OCR_CONFIDENCE = 60;

/** Wall-clock budget for one page. */
export const OCR_PAGE_TIMEOUT_MS = 60_000;

export interface OcrPage {
  /** Recognised text; empty when the page is unreadable. */
  readonly text: string;
  /** Mean word confidence, 0-100. */
  readonly confidence: number;
  readonly readable: boolean;
  /** Why the page is unreadable, or null. */
  readonly problem: 'low_confidence' | 'timeout' | 'ocr_error' | null;
  /** Whether the image had two levels and was despeckled before recognition. */
  readonly despeckled: boolean;
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

/** Workers read pages in parallel, one page each; more than one per CPU only adds waiting. */
const POOL_SIZE = Math.max(1, availableParallelism());
const workers: Array<Promise<Worker> | undefined> = Array.from(
  { length: POOL_SIZE },
  () => undefined,
);
const free: number[] = workers.map((_, slot) => slot);
const waiting: Array<(slot: number) => void> = [];

const workerIn = (slot: number): Promise<Worker> => {
  const existing = workers[slot];
  if (existing) return existing;
  const started = createWorker('eng', OEM.LSTM_ONLY, {
    langPath: languageDataDir(),
    gzip: true,
    // No cache: the data is read from node_modules on every start, nothing is written.
    cacheMethod: 'none',
  });
  workers[slot] = started;
  return started;
};

const endWorker = async (slot: number): Promise<void> => {
  const running = workers[slot];
  workers[slot] = undefined;
  if (running) await (await running).terminate();
};

/** Ends every worker (tests, stack shutdown). */
export const stopOcr = async (): Promise<void> => {
  await Promise.all(workers.map((_, slot) => endWorker(slot).catch(() => undefined)));
};

const takeSlot = (): Promise<number> => {
  const slot = free.pop();
  if (slot !== undefined) return Promise.resolve(slot);
  return new Promise((resolve) => waiting.push(resolve));
};

const giveBack = (slot: number): void => {
  const next = waiting.shift();
  if (next) next(slot);
  else free.push(slot);
};

const unreadable = (problem: 'timeout' | 'ocr_error', despeckled: boolean) => ({
  text: '',
  confidence: 0,
  readable: false,
  problem,
  despeckled,
});

const recognise = async (slot: number, image: Uint8Array, timeoutMs: number): Promise<OcrPage> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let despeckled = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const ocr = await workerIn(slot);
    const prepared = await Promise.race([prepareForOcr(image), timeout]);
    if (prepared === 'timeout') {
      return { ...unreadable('timeout', false), ms: elapsed() };
    }
    despeckled = prepared.despeckled;
    const result = await Promise.race([ocr.recognize(Buffer.from(prepared.image)), timeout]);
    if (result === 'timeout') {
      await endWorker(slot);
      return { ...unreadable('timeout', despeckled), ms: elapsed() };
    }
    const confidence = result.data.confidence;
    const readable = confidence >= MIN_OCR_CONFIDENCE;
    return {
      text: readable ? cleanOcrText(result.data.text) : '',
      confidence,
      readable,
      problem: readable ? null : 'low_confidence',
      despeckled,
      ms: elapsed(),
    };
  } catch {
    await endWorker(slot).catch(() => undefined);
    return { ...unreadable('ocr_error', despeckled), ms: elapsed() };
  } finally {
    clearTimeout(timer);
  }
};

/** Reads one page image on the next free worker. */
export const ocrPage = async (
  image: Uint8Array,
  timeoutMs = OCR_PAGE_TIMEOUT_MS,
): Promise<OcrPage> => {
  const slot = await takeSlot();
  try {
    return await recognise(slot, image, timeoutMs);
  } finally {
    giveBack(slot);
  }
};
