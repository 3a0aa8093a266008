/**
 * OCR for the local Bedrock stand-in: reads page images with tesseract.js and
 * the English model shipped in the @tesseract.js-data/eng npm package (read
 * from node_modules; never downloaded, never written elsewhere). A page is
 * read holding one of the process's CPU slots, which LoadDocument's
 * rendering and OCR take too (cpu-slots.ts), so the process never reads or
 * renders on more threads than it has CPUs; it is read on an engine taken
 * from the process's warm engines, which LoadDocument's OCR shares
 * (page-ocr-engines.ts), and given back after. A page image LoadDocument has already read in this process
 * (the same bytes: a scan's JPEG) is answered with that reading, which the
 * engine would repeat exactly. A page over its time budget ends its engine
 * and counts as unreadable, as does a page whose mean word confidence is
 * under the threshold. A page image with only two grey levels (a 1-bit fax
 * page) is despeckled first (despeckle.ts); others are read as they are.
 * Known character confusions are repaired (core/extraction/ocr-repair.ts)
 * before the text is used.
 */
import { cleanOcrText } from '#core/extraction/ocr-repair.ts';
import { acquireCpuSlot, releaseCpuSlot } from '#functions/load-document/cpu-slots.ts';
import { type OcrEngine, warmOcrEngines } from '#functions/load-document/page-ocr-engines.ts';
import { prepareForOcr } from './despeckle.ts';

export { languageDataDir } from '#functions/load-document/page-ocr-engines.ts';

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

/** Ends every idle engine of the process (tests, stack shutdown); engines in use end when done. */
export const stopOcr = (): Promise<void> => warmOcrEngines.stop();

const unreadable = (problem: 'timeout' | 'ocr_error', despeckled: boolean) => ({
  text: '',
  confidence: 0,
  readable: false,
  problem,
  despeckled,
});

const recognise = async (image: Uint8Array, timeoutMs: number): Promise<OcrPage> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let despeckled = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let engine: OcrEngine | undefined;
  try {
    const prepared = await Promise.race([prepareForOcr(image), timeout]);
    if (prepared === 'timeout') {
      return { ...unreadable('timeout', false), ms: elapsed() };
    }
    despeckled = prepared.despeckled;
    // LoadDocument read these very bytes (the page's JPEG) moments ago: the same reading.
    let result = warmOcrEngines.recall(prepared.image) ?? null;
    if (result === null) {
      engine = await warmOcrEngines.take().engine;
      const read = await Promise.race([engine.recognize(prepared.image), timeout]);
      if (read === 'timeout') {
        const late = engine;
        engine = undefined;
        await warmOcrEngines.discard(late);
        return { ...unreadable('timeout', despeckled), ms: elapsed() };
      }
      warmOcrEngines.remember(prepared.image, read);
      result = read;
    }
    const confidence = result.confidence;
    const readable = confidence >= MIN_OCR_CONFIDENCE;
    return {
      text: readable ? cleanOcrText(result.text ?? '') : '',
      confidence,
      readable,
      problem: readable ? null : 'low_confidence',
      despeckled,
      ms: elapsed(),
    };
  } catch {
    const faulty = engine;
    engine = undefined;
    if (faulty) await warmOcrEngines.discard(faulty);
    return { ...unreadable('ocr_error', despeckled), ms: elapsed() };
  } finally {
    clearTimeout(timer);
    if (engine) warmOcrEngines.keep(engine);
  }
};

/** Reads one page image on an engine of its own while it reads, holding one of the process's CPU slots. */
export const ocrPage = async (
  image: Uint8Array,
  timeoutMs = OCR_PAGE_TIMEOUT_MS,
): Promise<OcrPage> => {
  await acquireCpuSlot();
  try {
    return await recognise(image, timeoutMs);
  } finally {
    releaseCpuSlot();
  }
};
