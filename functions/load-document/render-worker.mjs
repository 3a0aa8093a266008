/**
 * Render worker: draws the requested pages of one PDF to images with pdf.js
 * on a Node canvas (@napi-rs/canvas) and posts each encoded page back. It runs
 * in a worker thread started by page-render.ts with a heap cap and a per-page
 * deadline, so a hostile or enormous page ends the worker, not the function.
 * A page whose scan is 1-bit (a fax) is drawn at the scan's own pixel size,
 * kept to two levels and encoded as PNG; other pages at the fixed long edge
 * as JPEG. Plain JavaScript so the same file runs under tsx, vitest and in
 * the bundle; every number it uses arrives in workerData from page-render.ts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { crc32, deflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);

/** Posts a failure by error name only: messages may quote document content. */
const fail = (error) => {
  parentPort?.postMessage({ type: 'error', name: error instanceof Error ? error.name : 'Error' });
};

/** pdf.js ImageKind.GRAYSCALE_1BPP: a 1-bit image (BitsPerComponent 1, CCITTFax, JBIG2). */
const GRAYSCALE_1BPP = 1;
/** Long edge of the thumbnail drawn first to resolve a page's images. */
const PROBE_LONG_EDGE_PX = 16;
/** Pixels sampled per image when measuring its grey levels. */
const SAMPLES = 200_000;

const objectOf = (page, id) =>
  new Promise((resolve) => (id.startsWith('g_') ? page.commonObjs : page.objs).get(id, resolve));

/**
 * Whether decoded image data holds only near-black and near-white pixels: a
 * 1-bit scan stored with a lossy or 8-bit encoding (a fax saved as JPEG).
 * A grey scan's anti-aliased strokes and noise put about as many pixels in
 * the middle band as it has dark ones; a two-toned image almost none.
 */
const twoToned = (image, maxMidPerDark) => {
  const { data, kind } = image;
  if (!data || (kind !== 2 && kind !== 3)) return false;
  const channels = kind === 2 ? 3 : 4;
  const pixels = Math.floor(data.length / channels);
  const step = Math.max(1, Math.floor(pixels / SAMPLES));
  let mid = 0;
  let dark = 0;
  for (let at = 0; at < pixels; at += step) {
    const i = at * channels;
    const grey = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    if (grey < 64) dark += 1;
    else if (grey < 192) mid += 1;
  }
  return dark > 0 && mid / dark <= maxMidPerDark;
};

/**
 * The operator list the page was just drawn from. pdf.js keeps it per
 * rendering intent (`_intentStates`, pinned pdfjs-dist); when that is not
 * there, the public getOperatorList parses the page again.
 */
const drawnOperators = async (page) => {
  for (const state of page._intentStates?.values?.() ?? []) {
    if (state.operatorList?.lastChunk) return state.operatorList;
  }
  return page.getOperatorList();
};

/**
 * The 1-bit scan a drawn page shows, as its largest image, or null when the
 * page is not a 1-bit scan: an image mask, a 1-bit image (BitsPerComponent 1,
 * CCITTFax, JBIG2), or an image with only two tones; the largest image decides.
 */
const bilevelScan = async (pdfjs, page, maxMidPerDark) => {
  const { fnArray, argsArray } = await drawnOperators(page);
  let largest = null;
  for (let index = 0; index < fnArray.length; index += 1) {
    const fn = fnArray[index];
    const args = argsArray[index];
    let image = null;
    if (fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintImageXObjectRepeat) {
      const source = typeof args[0] === 'string' ? await objectOf(page, args[0]) : args[0];
      if (source) image = { width: source.width, height: source.height, source, mask: false };
    } else if (fn === pdfjs.OPS.paintInlineImageXObject) {
      image = { width: args[0].width, height: args[0].height, source: args[0], mask: false };
    } else if (fn === pdfjs.OPS.paintImageMaskXObject) {
      image = { width: args[0].width, height: args[0].height, source: null, mask: true };
    }
    if (image && (!largest || image.width * image.height > largest.width * largest.height)) {
      largest = image;
    }
  }
  if (!largest) return null;
  const bilevel =
    largest.mask ||
    largest.source?.kind === GRAYSCALE_1BPP ||
    twoToned(largest.source, maxMidPerDark);
  return bilevel ? largest : null;
};

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const pngChunk = (type, body) => {
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  chunk.write(type, 4, 'latin1');
  body.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + body.length)), 8 + body.length);
  return chunk;
};

/**
 * The drawn page as a 1-bit greyscale PNG: each pixel black under grey level
 * 128, else white. The canvas's own PNG encoder writes 32-bit RGBA and took
 * 2-3 s per fax page under load; packed 8 pixels a byte and deflated with
 * node:zlib, a whole fax page renders in about half the time, at half the
 * bytes (ADR 32).
 */
const twoLevelPng = (context, width, height) => {
  const { data } = context.getImageData(0, 0, width, height);
  const rowBytes = Math.ceil(width / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (rowBytes + 1); // filter byte 0 (None), then the packed row
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 4;
      const white = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] >= 128;
      if (white) raw[row + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};

const draw = async (pdf, page, longEdgePx) => {
  const unit = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: longEdgePx / Math.max(unit.width, unit.height) });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const { canvas, context } = pdf.canvasFactory.create(width, height);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  return { canvas, context, width, height };
};

/**
 * The long edge a 1-bit page is drawn at: its scan's own pixel size (the
 * image's pixels per point, assuming it fills the page), never below the
 * fixed long edge and never above the cap.
 */
const bilevelLongEdge = (page, scan, options) => {
  const unit = page.getViewport({ scale: 1 });
  const own = Math.max(scan.width / unit.width, scan.height / unit.height);
  const native = Math.round(own * Math.max(unit.width, unit.height));
  return Math.min(options.bilevelMaxLongEdgePx, Math.max(options.longEdgePx, native));
};

const render = async () => {
  const { data, pages, options } = workerData;
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // The canvas module pdf.js draws with, loaded before the first page's budget starts.
  await import('@napi-rs/canvas');
  parentPort?.postMessage({ type: 'ready' });
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
      // A thumbnail draw resolves the page's operators and images cheaply; the
      // check reads them and the full-size draw below reuses them.
      const probe = await draw(pdf, page, PROBE_LONG_EDGE_PX);
      pdf.canvasFactory.destroy(probe);
      const scan = options.bilevel
        ? await bilevelScan(pdfjs, page, options.bilevelMaxMidPerDark)
        : null;
      let encoded = null;
      if (scan) {
        const drawn = await draw(pdf, page, bilevelLongEdge(page, scan, options));
        const bytes = twoLevelPng(drawn.context, drawn.width, drawn.height);
        pdf.canvasFactory.destroy(drawn);
        // Over its share of the request's image bytes: the fixed render instead.
        if (bytes.byteLength <= options.bilevelMaxBytes) {
          encoded = {
            format: 'png',
            bilevel: true,
            width: drawn.width,
            height: drawn.height,
            bytes,
          };
        }
      }
      if (!encoded) {
        const fixed = await draw(pdf, page, options.longEdgePx);
        // JPEG: a scanned page encodes about 12x faster and 5x smaller than as PNG (measured).
        const bytes = fixed.canvas.toBuffer('image/jpeg', options.jpegQuality);
        pdf.canvasFactory.destroy(fixed);
        encoded = {
          format: 'jpeg',
          bilevel: false,
          width: fixed.width,
          height: fixed.height,
          bytes,
        };
      }
      page.cleanup();
      const copy = new Uint8Array(encoded.bytes);
      parentPort?.postMessage(
        {
          type: 'page',
          page: number,
          format: encoded.format,
          bilevel: encoded.bilevel,
          width: encoded.width,
          height: encoded.height,
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
