/**
 * Runs pdf.js text extraction in a worker thread with a heap cap, a watch on
 * the process's resident memory and a deadline, so a file the decompression
 * budget misses still ends quickly with bounded memory: over the memory caps
 * it is DECOMPRESSION_LIMIT (the content expands past what we allow), past
 * the deadline TOO_LARGE (more work than one document may take).
 *
 * This is the parent side; pdf-text-job.ts is the worker's entry, the only
 * module that loads pdf.js, so the function's own bundle never parses it at
 * init. Workers are kept for the next document (starting one costs far more
 * than the text extraction of a typical record); a worker that breaks a cap
 * is terminated and never reused. From source (tests, the local runtime) the
 * worker loads pdf-text-job.ts through tsx; in a function bundle it loads
 * its own bundle beside `index.mjs` (contracts/worker-bundles.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BadDocumentError } from '#contracts/errors.ts';
import type { GeometryItem } from '#contracts/geometry.ts';
import { PDF_TEXT_JOB } from '#contracts/worker-bundles.ts';
import type { PageLayout } from './page-layout.ts';

export interface WorkerLimits {
  /** Most pages accepted; checked in the worker before any text is extracted. */
  readonly maxPages: number;
  /** V8 old-generation heap cap of the worker, in MiB. */
  readonly heapMb: number;
  /** Most growth of the process's resident memory while the worker runs, in MiB. */
  readonly rssGrowthMb: number;
  /** Wall-clock limit for one document, in milliseconds, counted from its worker being ready. */
  readonly deadlineMs: number;
}

/**
 * How long a new worker may take to load pdf.js and report ready. Its start
 * is not the document's work: on a busy machine (the local runtime runs
 * every task in one process) loading pdf.js can take longer than a whole
 * typical extraction, and a document must not fail TOO_LARGE for it.
 */
export const WORKER_START_TIMEOUT_MS = 120_000;

/** Raised when a new worker does not report ready in time: the machine, not the document. */
export class PdfWorkerStartError extends Error {
  constructor() {
    super('pdf.js worker did not start in time');
    this.name = 'PdfWorkerStartError';
  }
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = {
  maxPages: 100,
  heapMb: 384,
  rssGrowthMb: 640,
  deadlineMs: 30_000,
};

/** What the worker sends back. pdf.js errors travel by name only: messages may quote the file. */
/** A page's text items as boxes over its laid-out text; empty when cleaning changed the text. */
export interface PageItems {
  readonly page: number;
  readonly view: readonly [number, number, number, number];
  readonly items: readonly GeometryItem[];
}

export type WorkerReply =
  | {
      readonly kind: 'pages';
      readonly pages: readonly PageLayout[];
      readonly pageCount: number;
      readonly geometry: readonly PageItems[];
    }
  | { readonly kind: 'too-many-pages'; readonly pageCount: number }
  | { readonly kind: 'error'; readonly name: string };

/** A pdf.js failure inside the worker, by exception name. */
export class PdfJsError extends Error {
  constructor(name: string) {
    super(`pdf.js failed: ${name}`);
    this.name = name;
  }
}

const POOL = 'medextract:pdf-text';
const WATCH_INTERVAL_MS = 20;

export interface Job {
  readonly id: number;
  readonly data: Uint8Array;
  readonly maxPages: number;
}

export interface JobReply {
  readonly id: number;
  readonly reply: WorkerReply;
  /** When the worker sent the reply (epochMs). */
  readonly at: number;
}

/** Sent once by a new worker when pdf.js is loaded and it takes jobs. */
export interface WorkerReady {
  readonly type: 'ready';
  /** When the worker sent it (epochMs). */
  readonly at: number;
}

/**
 * Milliseconds since the epoch at sub-millisecond precision, on one clock
 * for the parent and its workers. A document's deadline is judged on the
 * worker's own send times: a parent thread descheduled on a loaded machine
 * can wake with both its deadline timer due and the reply waiting, and read
 * the reply first; the send time still shows the reply was late.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** What a pool worker is started with. */
export interface PoolWorkerData {
  readonly pool: typeof POOL;
  /** Milliseconds to wait after pdf.js is loaded before reporting ready (see holdNewWorkersReady). */
  readonly readyHoldMs: number;
}

const isReady = (message: unknown): message is WorkerReady =>
  typeof message === 'object' && message !== null && Reflect.get(message, 'type') === 'ready';

export const isPoolWorker = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'pool' in value && value.pool === POOL;

/**
 * A prebuilt ES module bundle of `pdf-text-job.ts`, by absolute path, for a
 * process running this module from its TypeScript sources: its workers load
 * plain JavaScript instead of registering tsx and transforming the job's
 * modules in each new worker. The test run builds one from the sources as they
 * are when it starts (test/helpers/cli-bundle-setup.ts); unset, or gone, the
 * job loads from its sources. A function bundle never reads it: it starts the
 * job bundle beside itself.
 */
export const PDF_TEXT_JOB_BUNDLE_VARIABLE = 'MEDEXTRACT_PDF_TEXT_JOB_BUNDLE';

/**
 * How to start the worker: a bundle starts the job bundle beside it; from
 * source the worker starts the job bundle the variable above names, or
 * first registers tsx (resolved from this package) so it can load TypeScript.
 */
const workerEntry = (): { readonly entry: string | URL; readonly eval: boolean } => {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) {
    return { entry: new URL(`./${PDF_TEXT_JOB.file}`, self), eval: false };
  }
  const prebuilt = process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE];
  if (prebuilt && existsSync(prebuilt)) return { entry: pathToFileURL(prebuilt), eval: false };
  const job = new URL('./pdf-text-job.ts', self);
  // The ESM build of tsx's API (`tsx/esm/api` under the import condition).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(job.href)}); });`;
  return { entry: bootstrap, eval: true };
};

/**
 * Workers running in this process now. Resident memory is process-wide, so
 * with several documents in flight (the local runtime runs every task in one
 * process; Lambda runs one at a time) each gets its own share of the cap.
 */
let activeWorkers = 0;

export interface WorkerRun {
  readonly reply: WorkerReply;
  /** Highest process RSS seen while the worker ran, in bytes. */
  readonly peakRssBytes: number;
}

/**
 * Extracts the text of `bytes` in a pooled worker under `limits`. Resolves
 * with the worker's reply; rejects with BadDocumentError DECOMPRESSION_LIMIT
 * (heap or RSS cap) or TOO_LARGE (deadline), or with the worker's own crash.
 */
/** Idle workers by heap cap (a worker's cap is fixed when it starts). */
const idle = new Map<number, Worker[]>();
let nextJobId = 1;

/**
 * Workers at once in this process: documents beyond it wait their turn, and
 * a document's deadline starts when its worker takes it, not while it waits.
 */
const MAX_WORKERS = Math.max(2, availableParallelism());
let busyWorkers = 0;
const waiting: (() => void)[] = [];

const acquireSlot = (): Promise<void> => {
  if (busyWorkers < MAX_WORKERS) {
    busyWorkers += 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
};

/** Hands the slot to the next waiting document, or frees it. */
const releaseSlot = (): void => {
  const next = waiting.shift();
  if (next) next();
  else busyWorkers -= 1;
};

/**
 * Extra time each new worker waits after loading pdf.js before it reports
 * ready, in milliseconds; 0 in use. A test seam: it makes a new worker's
 * start reliably longer than a document's deadline, as a start on a busy
 * machine can be, without depending on how busy the machine is.
 */
let readyHoldMs = 0;

/** Makes each worker started from now on report ready `ms` later (tests only). */
export const holdNewWorkersReady = (ms: number): void => {
  readyHoldMs = ms;
};

const startWorker = (heapMb: number): Worker => {
  const { entry, eval: evaluate } = workerEntry();
  return new Worker(entry, {
    eval: evaluate,
    workerData: { pool: POOL, readyHoldMs } satisfies PoolWorkerData,
    resourceLimits: {
      maxOldGenerationSizeMb: heapMb,
      maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(heapMb / 8))),
    },
  });
};

/** A pooled worker (ready) or a new one (`fresh`: it reports ready once pdf.js is loaded). */
const takeWorker = (heapMb: number): { worker: Worker; fresh: boolean } => {
  const pooled = idle.get(heapMb)?.pop();
  const worker = pooled ?? startWorker(heapMb);
  worker.ref();
  return { worker, fresh: pooled === undefined };
};

/** Keeps a healthy worker for the next job; idle workers never hold the process open. */
const returnWorker = (heapMb: number, worker: Worker): void => {
  const pool = idle.get(heapMb) ?? [];
  if (pool.length >= MAX_WORKERS) {
    void worker.terminate();
    return;
  }
  worker.unref();
  pool.push(worker);
  idle.set(heapMb, pool);
};

export const extractInWorker = async (
  bytes: Uint8Array,
  limits: WorkerLimits = DEFAULT_WORKER_LIMITS,
): Promise<WorkerRun> => {
  await acquireSlot();
  try {
    return await runInWorker(bytes, limits);
  } finally {
    releaseSlot();
  }
};

const runInWorker = (bytes: Uint8Array, limits: WorkerLimits): Promise<WorkerRun> =>
  new Promise((resolve, reject) => {
    // A copy the worker may own: the caller keeps its bytes.
    const data = new Uint8Array(bytes);
    const job: Job = { id: nextJobId++, data, maxPages: limits.maxPages };
    const { worker, fresh } = takeWorker(limits.heapMb);
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let settled = false;
    // When the document's deadline started: now for a pooled worker, when it reported ready for a new one.
    let deadlineFrom = epochMs();
    activeWorkers += 1;
    const onMessage = (message: JobReply | WorkerReady) => {
      if (isReady(message)) {
        // The document's deadline starts now; the start had its own bound.
        deadlineFrom = message.at;
        clearTimeout(deadline);
        deadline = startDeadline(Math.max(0, limits.deadlineMs - (epochMs() - message.at)));
        return;
      }
      if (message.id !== job.id) return;
      if (message.at - deadlineFrom > limits.deadlineMs) {
        // Replied, but after the deadline: a healthy worker, a document over its limit.
        finish(overDeadline, true);
        return;
      }
      finish(() => resolve({ reply: message.reply, peakRssBytes: peak }), true);
    };
    const onError = (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(() => reject(new BadDocumentError('DECOMPRESSION_LIMIT', 'heap cap')), false);
      } else {
        finish(() => reject(error), false);
      }
    };
    const onExit = (code: number) => {
      finish(
        () => reject(new Error(`pdf.js worker exited with code ${code} before replying`)),
        false,
      );
    };
    /** Settles once; a worker that replied is kept, any other is terminated first. */
    const finish = (outcome: () => void, healthy: boolean) => {
      if (settled) return;
      settled = true;
      activeWorkers -= 1;
      clearInterval(watch);
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (healthy) {
        returnWorker(limits.heapMb, worker);
        outcome();
      } else {
        void worker.terminate().finally(outcome);
      }
    };
    const watch = setInterval(() => {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      if (rss - baseline > limits.rssGrowthMb * 1024 * 1024 * Math.max(1, activeWorkers)) {
        finish(
          () => reject(new BadDocumentError('DECOMPRESSION_LIMIT', 'resident memory cap')),
          false,
        );
      }
    }, WATCH_INTERVAL_MS);
    const overDeadline = () => reject(new BadDocumentError('TOO_LARGE', 'deadline'));
    const startDeadline = (ms = limits.deadlineMs): NodeJS.Timeout =>
      setTimeout(() => finish(overDeadline, false), ms);
    let deadline = fresh
      ? setTimeout(
          () => finish(() => reject(new PdfWorkerStartError()), false),
          WORKER_START_TIMEOUT_MS,
        )
      : startDeadline();
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(job, [data.buffer]);
  });
