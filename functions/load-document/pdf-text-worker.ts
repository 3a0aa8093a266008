/**
 * Runs pdf.js text extraction in a worker thread with a heap cap, a watch on
 * the process's resident memory and a deadline, so a file the decompression
 * budget misses still ends quickly with bounded memory: over the memory caps
 * it is DECOMPRESSION_LIMIT (the content expands past what we allow), past
 * the deadline TOO_LARGE (more work than one document may take).
 *
 * The same module is the worker's entry: started as a worker with the job
 * marker in `workerData`, it extracts and replies. From source (tests, the
 * local runtime) the worker loads this file through tsx; in a function
 * bundle it loads the bundle itself, which contains this module.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { extractText, getResolvedPDFJS } from 'unpdf';
import { BadDocumentError } from '#contracts/errors.ts';
import { inWorkerSlot } from './worker-slots.ts';

export interface WorkerLimits {
  /** Most pages accepted; checked in the worker before any text is extracted. */
  readonly maxPages: number;
  /** V8 old-generation heap cap of the worker, in MiB. */
  readonly heapMb: number;
  /** Most growth of the process's resident memory while the worker runs, in MiB. */
  readonly rssGrowthMb: number;
  /** Wall-clock limit for one document, in milliseconds. */
  readonly deadlineMs: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = {
  maxPages: 100,
  heapMb: 384,
  rssGrowthMb: 640,
  deadlineMs: 30_000,
};

/** What the worker sends back. pdf.js errors travel by name only: messages may quote the file. */
export type WorkerReply =
  | { readonly kind: 'text'; readonly text: string; readonly pageCount: number }
  | { readonly kind: 'too-many-pages'; readonly pageCount: number }
  | { readonly kind: 'error'; readonly name: string };

/** A pdf.js failure inside the worker, by exception name. */
export class PdfJsError extends Error {
  constructor(name: string) {
    super(`pdf.js failed: ${name}`);
    this.name = name;
  }
}

const JOB = 'medextract:pdf-text';
const WATCH_INTERVAL_MS = 20;

interface Job {
  readonly job: typeof JOB;
  readonly data: Uint8Array;
  readonly maxPages: number;
}

const isJob = (value: unknown): value is Job =>
  typeof value === 'object' && value !== null && 'job' in value && value.job === JOB;

/** Worker side: extract and reply once. */
const runJob = async (job: Job): Promise<WorkerReply> => {
  const { getDocument } = await getResolvedPDFJS();
  const loadingTask = getDocument({ data: job.data, verbosity: 0, stopAtErrors: false });
  try {
    const pdf = await loadingTask.promise;
    if (pdf.numPages > job.maxPages) return { kind: 'too-many-pages', pageCount: pdf.numPages };
    const { text } = await extractText(pdf, { mergePages: true });
    return { kind: 'text', text, pageCount: pdf.numPages };
  } catch (error) {
    return { kind: 'error', name: error instanceof Error ? error.name : 'Error' };
  } finally {
    await loadingTask.destroy();
  }
};

if (!isMainThread && isJob(workerData)) {
  const port = parentPort;
  void runJob(workerData).then((reply) => port?.postMessage(reply));
}

/**
 * How to start the worker: a bundle starts itself; from source the worker
 * first registers tsx (resolved from this package) so it can load TypeScript.
 */
const workerEntry = (): { readonly entry: string | URL; readonly eval: boolean } => {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return { entry: self, eval: false };
  // The ESM build of tsx's API (`tsx/esm/api` under the import condition).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(self.href)}); });`;
  return { entry: bootstrap, eval: true };
};

export interface WorkerRun {
  readonly reply: WorkerReply;
  /** Highest process RSS seen while the worker ran, in bytes. */
  readonly peakRssBytes: number;
}

/**
 * Extracts the text of `bytes` in a fresh worker under `limits`. Resolves
 * with the worker's reply; rejects with BadDocumentError DECOMPRESSION_LIMIT
 * (heap or RSS cap) or TOO_LARGE (deadline), or with the worker's own crash.
 */
export const extractInWorker = (
  bytes: Uint8Array,
  limits: WorkerLimits = DEFAULT_WORKER_LIMITS,
): Promise<WorkerRun> => inWorkerSlot(() => runWorker(bytes, limits));

const runWorker = (bytes: Uint8Array, limits: WorkerLimits): Promise<WorkerRun> =>
  new Promise((resolve, reject) => {
    // A copy the worker may own: the caller keeps its bytes.
    const data = new Uint8Array(bytes);
    const job: Job = { job: JOB, data, maxPages: limits.maxPages };
    const { entry, eval: evaluate } = workerEntry();
    const worker = new Worker(entry, {
      eval: evaluate,
      workerData: job,
      transferList: [data.buffer],
      resourceLimits: {
        maxOldGenerationSizeMb: limits.heapMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(limits.heapMb / 8))),
      },
    });
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      clearTimeout(deadline);
      void worker.terminate().finally(outcome);
    };
    const watch = setInterval(() => {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      if (rss - baseline > limits.rssGrowthMb * 1024 * 1024) {
        finish(() => reject(new BadDocumentError('DECOMPRESSION_LIMIT', 'resident memory cap')));
      }
    }, WATCH_INTERVAL_MS);
    const deadline = setTimeout(
      () => finish(() => reject(new BadDocumentError('TOO_LARGE', 'deadline'))),
      limits.deadlineMs,
    );
    worker.once('message', (reply: WorkerReply) =>
      finish(() => resolve({ reply, peakRssBytes: peak })),
    );
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish(() => reject(new BadDocumentError('DECOMPRESSION_LIMIT', 'heap cap')));
      } else {
        finish(() => reject(error));
      }
    });
    worker.once('exit', (code) => {
      finish(() => reject(new Error(`pdf.js worker exited with code ${code} before replying`)));
    });
  });
