/**
 * Render worker: draws the requested pages of one PDF to images with pdf.js
 * on a Node canvas (@napi-rs/canvas) and posts each encoded page back. It runs
 * in a worker thread started by page-render.ts with a heap cap and a per-page
 * deadline, so a hostile or enormous page ends the worker, not the function.
 * Plain JavaScript so the same file runs under tsx, vitest and in the bundle.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** Posts a failure by error name only: messages may quote document content. */
const fail = (error) => {
  parentPort?.postMessage({ type: 'error', name: error instanceof Error ? error.name : 'Error' });
};

const render = async () => {
  const { data, pages, longEdgePx, jpegQuality } = workerData;
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;
  const pdf = await pdfjs.getDocument({
    data,
    verbosity: 0,
    isEvalSupported: false,
    stopAtErrors: false,
    standardFontDataUrl,
  }).promise;
  try {
    for (const number of pages) {
      const started = performance.now();
      const page = await pdf.getPage(number);
      const unit = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: longEdgePx / Math.max(unit.width, unit.height) });
      const width = Math.max(1, Math.round(viewport.width));
      const height = Math.max(1, Math.round(viewport.height));
      const { canvas, context } = pdf.canvasFactory.create(width, height);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      await page.render({ canvas, canvasContext: context, viewport }).promise;
      // JPEG: a scanned page encodes about 12x faster and 5x smaller than as PNG (measured).
      const format = 'jpeg';
      const bytes = canvas.toBuffer('image/jpeg', jpegQuality);
      page.cleanup();
      pdf.canvasFactory.destroy({ canvas, context });
      const copy = new Uint8Array(bytes);
      parentPort?.postMessage(
        {
          type: 'page',
          page: number,
          format,
          width,
          height,
          data: copy,
          renderMs: Math.round(performance.now() - started),
        },
        [copy.buffer],
      );
    }
  } finally {
    await pdf.destroy();
  }
  parentPort?.postMessage({ type: 'done' });
};

render().catch(fail);
