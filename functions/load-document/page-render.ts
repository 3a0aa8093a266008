/**
 * Renders a document's image pages in a worker thread under a heap cap and a
 * per-page deadline: a page that takes too long or a worker that runs out of
 * memory ends as BadDocumentError RENDER_LIMIT, and the worker is terminated.
 * Each rendered image is checked against the Bedrock image-block limits.
 * A render holds one of the process's CPU slots, which OCR shares
 * (cpu-slots.ts: one on Lambda; the local runtime runs many documents in one
 * process). The worker's start
 * has its own bound; the per-page budget starts when the worker reports
 * ready, and the document budget covers the start and every page. The heap cap never goes below
 * RENDER_LIMITS.minWorkerHeapMb, under which Node 24 aborts the process.
 * 1-bit pages are rendered at their own pixel size (BILEVEL_RENDER), capped
 * at Bedrock's edge and byte limits whatever the options say.
 */
import { Worker } from 'node:worker_threads';
import { BadDocumentError } from '#contracts/errors.ts';
import {
  BEDROCK_IMAGE_LIMITS,
  BILEVEL_RENDER,
  imageBlockProblem,
  RENDER_LIMITS,
} from '#core/extraction/vision-limits.ts';
import { acquireCpuSlot, releaseCpuSlot } from './cpu-slots.ts';

export interface RenderOptions {
  readonly longEdgePx: number;
  /** Per page, counted from the worker being ready. */
  readonly pageTimeoutMs: number;
  /** The worker's start, until it reports ready; default RENDER_LIMITS.workerStartTimeoutMs. */
  readonly workerStartTimeoutMs?: number;
  /** The worker's start and every page together. */
  readonly documentTimeoutMs: number;
  readonly workerHeapMb: number;
  readonly jpegQuality: number;
  /** Render 1-bit pages at their own pixel size as two-level PNG (BILEVEL_RENDER). */
  readonly bilevel: boolean;
  readonly bilevelMaxLongEdgePx: number;
  /** Most bytes a 1-bit page's PNG may take; over it the page is rendered the fixed way. */
  readonly bilevelMaxBytes: number;
  readonly bilevelMaxMidPerDark: number;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  longEdgePx: RENDER_LIMITS.targetLongEdgePx,
  pageTimeoutMs: RENDER_LIMITS.pageTimeoutMs,
  workerStartTimeoutMs: RENDER_LIMITS.workerStartTimeoutMs,
  documentTimeoutMs: RENDER_LIMITS.documentTimeoutMs,
  workerHeapMb: RENDER_LIMITS.workerHeapMb,
  jpegQuality: 85,
  bilevel: true,
  bilevelMaxLongEdgePx: BILEVEL_RENDER.maxLongEdgePx,
  bilevelMaxBytes: BEDROCK_IMAGE_LIMITS.maxImageBytes,
  bilevelMaxMidPerDark: BILEVEL_RENDER.maxMidTonePerDark,
};

export interface RenderedPage {
  readonly page: number;
  readonly format: 'png' | 'jpeg';
  /** A 1-bit page rendered at its own pixel size, two levels, PNG. */
  readonly bilevel: boolean;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly renderMs: number;
}

/** What the render worker reads as `workerData.options`; Bedrock's limits cap the 1-bit render. */
export const workerOptions = (options: RenderOptions) => ({
  longEdgePx: options.longEdgePx,
  jpegQuality: options.jpegQuality,
  bilevel: options.bilevel,
  bilevelMaxLongEdgePx: Math.min(options.bilevelMaxLongEdgePx, BEDROCK_IMAGE_LIMITS.maxImageEdgePx),
  bilevelMaxBytes: Math.min(options.bilevelMaxBytes, BEDROCK_IMAGE_LIMITS.maxImageBytes),
  bilevelMaxMidPerDark: options.bilevelMaxMidPerDark,
});

/** Beside this module in the repository; beside index.mjs in the Lambda bundle. */
const WORKER_URL = new URL('./render-worker.mjs', import.meta.url);

type WorkerMessage =
  | {
      type: 'page';
      page: number;
      format: 'png' | 'jpeg';
      bilevel: boolean;
      width: number;
      height: number;
      data: Uint8Array;
      renderMs: number;
    }
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'error'; name: string };

const isWorkerMessage = (value: unknown): value is WorkerMessage =>
  typeof value === 'object' && value !== null && 'type' in value;

/** Renders `pages` (1-based) of `bytes`, in order. */
export const renderPages = async (
  bytes: Uint8Array,
  pages: readonly number[],
  options: RenderOptions = DEFAULT_RENDER_OPTIONS,
): Promise<RenderedPage[]> => {
  if (pages.length === 0) return [];
  // One of the process's CPU slots, shared with OCR; the budgets start once it is held.
  await acquireCpuSlot();
  try {
    return await renderInWorker(bytes, pages, options);
  } finally {
    releaseCpuSlot();
  }
};

const renderInWorker = (
  bytes: Uint8Array,
  pages: readonly number[],
  options: RenderOptions,
): Promise<RenderedPage[]> => {
  const data = new Uint8Array(bytes);
  const heapMb = Math.max(options.workerHeapMb, RENDER_LIMITS.minWorkerHeapMb);
  const worker = new Worker(WORKER_URL, {
    workerData: {
      data,
      pages,
      options: workerOptions(options),
    },
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    stdout: true,
    stderr: true,
  });
  const rendered: RenderedPage[] = [];
  return new Promise<RenderedPage[]>((resolve, reject) => {
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const overall = setTimeout(
      () =>
        finish(
          new BadDocumentError('RENDER_LIMIT', `pages took over ${options.documentTimeoutMs} ms`),
        ),
      options.documentTimeoutMs,
    );
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(overall);
      void worker.terminate();
      if (error) reject(error);
      else resolve(rendered);
    };
    const arm = (): void => {
      clearTimeout(deadline);
      deadline = setTimeout(
        () =>
          finish(
            new BadDocumentError('RENDER_LIMIT', `a page took over ${options.pageTimeoutMs} ms`),
          ),
        options.pageTimeoutMs,
      );
    };
    // The first page's budget starts when the worker is ready; its start has its own bound.
    const startMs = options.workerStartTimeoutMs ?? RENDER_LIMITS.workerStartTimeoutMs;
    deadline = setTimeout(
      () =>
        finish(
          new BadDocumentError('RENDER_LIMIT', `the renderer took over ${startMs} ms to start`),
        ),
      startMs,
    );
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === 'ready') {
        arm();
      } else if (message.type === 'page') {
        const problem = imageBlockProblem({
          width: message.width,
          height: message.height,
          bytes: message.data.byteLength,
        });
        if (problem) {
          finish(new BadDocumentError('RENDER_LIMIT', problem));
          return;
        }
        rendered.push({ ...message, data: new Uint8Array(message.data) });
        arm();
      } else if (message.type === 'done') {
        finish(rendered.length === pages.length ? null : new Error('render worker skipped pages'));
      } else {
        finish(
          message.name === 'InvalidPDFException'
            ? new BadDocumentError('INVALID_PDF')
            : new BadDocumentError('RENDER_LIMIT', `the renderer failed (${message.name})`),
        );
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const detail =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the renderer ran out of its ${heapMb} MB heap`
          : `the renderer failed (${error.name})`;
      finish(new BadDocumentError('RENDER_LIMIT', detail));
    });
    // After 'done' this is the terminate() above, already settled; before it, a failure.
    worker.on('exit', (code) => {
      finish(new BadDocumentError('RENDER_LIMIT', `the renderer exited early (${code})`));
    });
    worker.stdout.resume();
    worker.stderr.resume();
  });
};
