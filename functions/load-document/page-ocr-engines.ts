/**
 * OCR engines that outlive a document: tesseract.js workers (English model
 * from the @tesseract.js-data/eng npm package, read from node_modules, never
 * downloaded) kept warm between documents in a warm Lambda container or the
 * local process, and handed out one document at a time. An engine's start
 * (the wasm core compiled, the model parsed) and its first page (slower than
 * later ones) cost about as much CPU as two warm pages, so a document read on
 * a warm engine skips both. An idle engine does not keep the process alive
 * and is ended after `idleMs`; an engine that faulted, timed out or whose
 * thread exited is ended and never handed out again. The engine reads the
 * same bytes the same way whatever it read before, so the pool also
 * remembers its last readings by the image's hash: a page image read once is
 * not read again in this process (the local stand-in's OCR asks for the very
 * JPEG LoadDocument read).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker } from 'tesseract.js';
import { CPU_SLOTS } from './cpu-slots.ts';

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

export interface OcrReading {
  readonly words: PixelWord[];
  /** Mean word confidence, 0-100. */
  readonly confidence: number;
  /** The page text as the engine lays it out (lines and paragraphs). */
  readonly text?: string;
}

/** An OCR engine: tesseract.js in production, a scripted fake in tests. */
export interface OcrEngine {
  recognize(image: Uint8Array): Promise<OcrReading>;
  terminate(): Promise<void>;
  /** Whether the process waits for the engine's thread: held while it reads, not while idle. */
  hold?(held: boolean): void;
  /** False once the engine's thread has exited on its own (a crash). */
  alive?(): boolean;
}
export type OcrEngineFactory = () => Promise<OcrEngine>;

const resolver = createRequire(import.meta.url);

/** The folder holding `eng.traineddata.gz` inside node_modules: a path, never a URL. */
export const languageDataDir = (): string => {
  const dir = join(
    dirname(resolver.resolve('@tesseract.js-data/eng/package.json')),
    '4.0.0_best_int',
  );
  if (!existsSync(join(dir, 'eng.traineddata.gz'))) {
    throw new Error('OCR language data missing from node_modules; run npm ci');
  }
  return dir;
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

/** The worker thread behind a tesseract.js worker (untyped in its declarations). */
interface WorkerThread {
  ref(): void;
  unref(): void;
  once(event: 'exit', listener: () => void): void;
}
const threadOf = (worker: Worker): WorkerThread | undefined => {
  const thread = (worker as unknown as { worker?: Partial<WorkerThread> }).worker;
  return typeof thread?.ref === 'function' &&
    typeof thread.unref === 'function' &&
    typeof thread.once === 'function'
    ? (thread as WorkerThread)
    : undefined;
};

/** tesseract.js, loaded with the first page that needs OCR: most documents have a text layer. */
export const tesseractEngine: OcrEngineFactory = async () => {
  const { createWorker, OEM } = await import('tesseract.js');
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: languageDataDir(),
    gzip: true,
    // Read from node_modules once per engine; nothing is cached or written.
    cacheMethod: 'none',
  });
  const thread = threadOf(worker);
  let exited = false;
  thread?.once('exit', () => {
    exited = true;
  });
  return {
    recognize: async (image) => {
      const result = await worker.recognize(Buffer.from(image), {}, { blocks: true, text: true });
      return {
        words: pixelWords(result),
        confidence: result.data.confidence,
        text: result.data.text,
      };
    },
    terminate: async () => {
      await worker.terminate();
    },
    hold: (held) => (held ? thread?.ref() : thread?.unref()),
    alive: () => !exited,
  };
};

export interface OcrEnginePoolOptions {
  /** An idle engine is ended after this long. 0: engines are ended as soon as they are given back. */
  readonly idleMs: number;
  /** Idle engines kept at most; one more given back is ended. */
  readonly maxIdle: number;
  /** Readings remembered by image hash, the oldest forgotten first. Default 0: none. */
  readonly readings?: number;
}

export interface OcrEnginePoolStats {
  /** Engines started. */
  readonly starts: number;
  /** Documents (or pages) handed a warm engine. */
  readonly warmTakes: number;
  /** Engines ended because they faulted or timed out. */
  readonly discarded: number;
  readonly idle: number;
  /** Pages answered from a remembered reading of the same bytes. */
  readonly recalled: number;
}

export interface OcrEnginePool {
  /** A warm engine when one is idle, else a new one, starting. */
  take(): { readonly engine: Promise<OcrEngine>; readonly warm: boolean };
  /** The engine read without fault: kept warm for the next taker (or ended, see the options). */
  keep(engine: OcrEngine): void;
  /** The engine faulted or timed out: ended, never handed out again. */
  discard(engine: OcrEngine): Promise<void>;
  /** Ends every idle engine now; engines in use are ended when given back. */
  stop(): Promise<void>;
  /** What an engine read on these exact bytes, when it is remembered. */
  recall(image: Uint8Array): OcrReading | undefined;
  /** Remembers what an engine read on `image`. */
  remember(image: Uint8Array, reading: OcrReading): void;
  stats(): OcrEnginePoolStats;
}

interface Idle {
  readonly engine: OcrEngine;
  readonly timer: NodeJS.Timeout | undefined;
}

export const createOcrEnginePool = (
  start: OcrEngineFactory,
  options: OcrEnginePoolOptions,
): OcrEnginePool => {
  const idle: Idle[] = [];
  /** Which stop() an engine was handed out after: engines from before a stop are not kept. */
  const era = new WeakMap<OcrEngine, number>();
  let current = 0;
  let starts = 0;
  let warmTakes = 0;
  let discarded = 0;
  let recalled = 0;
  const remembered = new Map<string, OcrReading>();
  const hashOf = (image: Uint8Array): string =>
    createHash('sha256').update(image).digest('base64url');
  const end = (engine: OcrEngine): Promise<void> => engine.terminate().catch(() => undefined);
  const leave = (entry: Idle): void => {
    clearTimeout(entry.timer);
    idle.splice(idle.indexOf(entry), 1);
  };
  return {
    take: () => {
      while (idle.length > 0) {
        const entry = idle[idle.length - 1] as Idle;
        leave(entry);
        if (entry.engine.alive?.() === false) {
          discarded += 1;
          void end(entry.engine);
          continue;
        }
        entry.engine.hold?.(true);
        warmTakes += 1;
        return { engine: Promise.resolve(entry.engine), warm: true };
      }
      starts += 1;
      const takenIn = current;
      const engine = start().then((started) => {
        era.set(started, takenIn);
        return started;
      });
      return { engine, warm: false };
    },
    keep: (engine) => {
      if (
        era.get(engine) !== current ||
        engine.alive?.() === false ||
        options.idleMs <= 0 ||
        idle.length >= options.maxIdle
      ) {
        void end(engine);
        return;
      }
      engine.hold?.(false);
      const entry: Idle = {
        engine,
        timer: setTimeout(() => {
          if (!idle.includes(entry)) return;
          leave(entry);
          void end(engine);
        }, options.idleMs),
      };
      entry.timer?.unref();
      idle.push(entry);
    },
    discard: async (engine) => {
      discarded += 1;
      await end(engine);
    },
    stop: async () => {
      current += 1;
      const ending = [...idle];
      for (const entry of ending) leave(entry);
      await Promise.all(ending.map((entry) => end(entry.engine)));
    },
    recall: (image) => {
      if (!options.readings) return undefined;
      const key = hashOf(image);
      const reading = remembered.get(key);
      if (reading === undefined) return undefined;
      // The most recent last: forgotten last.
      remembered.delete(key);
      remembered.set(key, reading);
      recalled += 1;
      return reading;
    },
    remember: (image, reading) => {
      if (!options.readings) return;
      remembered.set(hashOf(image), reading);
      for (const key of remembered.keys()) {
        if (remembered.size <= options.readings) break;
        remembered.delete(key);
      }
    },
    stats: () => ({ starts, warmTakes, discarded, idle: idle.length, recalled }),
  };
};

/**
 * How long an idle engine is kept: long enough to carry a burst of uploads
 * (or the next invocation of a warm Lambda container) over, short enough that
 * a quiet local process gives its memory back.
 */
export const OCR_ENGINE_IDLE_MS = 120_000;

/** Readings remembered: a few documents' pages (a dense page's words take tens of kB). */
export const OCR_READINGS_REMEMBERED = 32;

/** The process's tesseract.js engines, shared by every document it reads: at most one idle per CPU. */
export const warmOcrEngines: OcrEnginePool = createOcrEnginePool(tesseractEngine, {
  idleMs: OCR_ENGINE_IDLE_MS,
  maxIdle: CPU_SLOTS,
  readings: OCR_READINGS_REMEMBERED,
});
