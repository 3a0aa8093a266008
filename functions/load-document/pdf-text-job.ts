/**
 * The pdf.js text worker's entry: started by pdf-text-worker.ts with the pool
 * marker in `workerData`, it extracts one job at a time and replies. The only
 * module that loads pdf.js (unpdf's build), so it is bundled on its own
 * (`pdf-text-job.mjs` beside the function's `index.mjs`) and the function
 * does not parse pdf.js at init.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { getResolvedPDFJS } from 'unpdf';
import type { GeometryItem } from '#contracts/geometry.ts';
import { cleanText } from '#core/extraction/text.ts';
import { layoutPages } from './page-layout.ts';
import {
  epochMs,
  isPoolWorker,
  type Job,
  type JobReply,
  type PageItems,
  type WorkerReady,
  type WorkerReply,
} from './pdf-text-worker.ts';
import { layoutPageWithSpans, type TextItemLike } from './text-layout.ts';

const round = (value: number): number => Math.round(value * 100) / 100;

/** An item's box in PDF points: left edge and baseline from its transform, its width and height. */
const itemBox = (
  items: readonly TextItemLike[],
  span: { index: number; start: number; end: number },
): GeometryItem => {
  const item = items[span.index];
  return {
    start: span.start,
    end: span.end,
    x: round(item?.transform[4] ?? 0),
    y: round(item?.transform[5] ?? 0),
    width: round(Math.max(0, item?.width ?? 0)),
    height: round(Math.max(0, item?.height ?? 0)),
  };
};

/** Extracts one document's text and reply once. */
const runJob = async (job: Job): Promise<WorkerReply> => {
  const { getDocument, OPS } = await getResolvedPDFJS();
  const loadingTask = getDocument({ data: job.data, verbosity: 0, stopAtErrors: false });
  try {
    const pdf = await loadingTask.promise;
    if (pdf.numPages > job.maxPages) return { kind: 'too-many-pages', pageCount: pdf.numPages };
    const texts: string[] = [];
    const geometry: PageItems[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const items: TextItemLike[] = content.items.flatMap((item) => ('str' in item ? [item] : []));
      // Column gaps become tabs so form labels can be paired with their values.
      const laid = layoutPageWithSpans(items);
      const text = cleanText(laid.text);
      texts.push(text);
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
      geometry.push({
        page: number,
        view: [x0, y0, x1, y1],
        // Offsets hold only while cleaning left the text as laid out (it nearly always does).
        items: text === laid.text ? laid.spans.map((span) => itemBox(items, span)) : [],
      });
    }
    const pages = await layoutPages(pdf, texts, OPS);
    return { kind: 'pages', pages, pageCount: pdf.numPages, geometry };
  } catch (error) {
    return { kind: 'error', name: error instanceof Error ? error.name : 'Error' };
  } finally {
    await loadingTask.destroy();
  }
};

if (!isMainThread && isPoolWorker(workerData)) {
  const port = parentPort;
  const holdMs = Number(Reflect.get(workerData, 'readyHoldMs')) || 0;
  // Ready once pdf.js is loaded (and any start hold has passed): the parent
  // starts a document's deadline then. A job that arrives first waits.
  const ready = getResolvedPDFJS()
    .catch(() => undefined)
    .then(() => (holdMs > 0 ? new Promise((resolve) => setTimeout(resolve, holdMs)) : undefined))
    .then(() => port?.postMessage({ type: 'ready', at: epochMs() } satisfies WorkerReady));
  // One job at a time: the parent sends the next only after this reply.
  port?.on('message', (job: Job) => {
    void ready
      .then(() => runJob(job))
      .then((reply) => port.postMessage({ id: job.id, reply, at: epochMs() } satisfies JobReply));
  });
}
