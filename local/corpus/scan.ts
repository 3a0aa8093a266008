/**
 * Turns any PDF into an image-only "scan" of itself, as a fax machine or a
 * flatbed scanner would: each page rasterised in grey at 150-200 dpi,
 * optionally with fax noise (1-bit thresholding, speckle, dropped lines), a
 * slight skew and a transmission header stamp, then wrapped in a new PDF
 * with no text layer. The truth file of the source document still applies.
 * Deterministic: the same seed gives the same bytes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import { Random } from './random.ts';

export interface ScanOptions {
  /** Raster resolution, 150-200 dpi like a fax (fine mode) or an office scanner. */
  readonly dpi: number;
  /** 1-bit fax look with speckle and the odd dropped scan line. */
  readonly fax: boolean;
  /** Largest skew either way, in degrees (each page draws its own). */
  readonly maxSkewDegrees: number;
  /** Print a fax transmission header (date, sender, page n/m) into every page image. */
  readonly stamp: boolean;
  /** Grey noise amplitude on 0-255 (non-fax scans). */
  readonly noise: number;
  readonly seed: string;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  dpi: 200,
  fax: false,
  maxSkewDegrees: 1,
  stamp: false,
  noise: 12,
  seed: 'scan',
};

/** A fixed date keeps the bytes identical between runs. */
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

const require = createRequire(import.meta.url);
const STANDARD_FONTS = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfProxy = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let ready: Promise<PdfJs> | undefined;

/**
 * pdf.js in Node runs its "worker" in the main thread, found through
 * `globalThis.pdfjsWorker` and remembered on first use. unpdf (LoadDocument's
 * text extraction) puts its own, newer pdf.js there, so this module lends the
 * global its own worker for that first document and then puts back what was
 * there: each library keeps the worker of its own version.
 */
const loadPdfJs = (): Promise<PdfJs> => {
  ready ??= (async () => {
    const had = Reflect.has(globalThis, 'pdfjsWorker');
    const previous: unknown = Reflect.get(globalThis, 'pdfjsWorker');
    const { WorkerMessageHandler } = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
    Reflect.set(globalThis, 'pdfjsWorker', { WorkerMessageHandler });
    try {
      const warmUp = await lib.getDocument({ data: await blankPdf(), verbosity: 0 }).promise;
      await warmUp.destroy();
    } finally {
      if (had) Reflect.set(globalThis, 'pdfjsWorker', previous);
      else Reflect.deleteProperty(globalThis, 'pdfjsWorker');
    }
    return lib;
  })();
  return ready;
};

const pdfBytes = (
  draw: (doc: PDFKit.PDFDocument) => void,
  size: [number, number],
): Promise<Uint8Array> => {
  const doc = new PDFDocument({
    size,
    margin: 0,
    info: { CreationDate: FIXED_DATE, ModDate: FIXED_DATE },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve) =>
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks)))),
  );
  draw(doc);
  doc.end();
  return done;
};

const blankPdf = (): Promise<Uint8Array> => pdfBytes(() => undefined, [72, 72]);

/** A fax header line in the machine's monospaced font, e.g. `FAX 2026-11-30 14:02 P.01/03`. */
export const faxStamp = (random: Random, pageCount: number): ((page: number) => string) => {
  const day = random.int(1, 28);
  const hour = random.int(7, 18);
  const minute = random.int(0, 59);
  const from = `+1 555 01${random.int(10, 99)}`;
  const date = `2026-11-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return (page) =>
    `FAX  ${date}  FROM ${from}  P.${String(page).padStart(2, '0')}/${String(pageCount).padStart(2, '0')}`;
};

/**
 * Canvases come from pdf.js's own factory: it loads @napi-rs/canvas itself,
 * and its Path2D must be the one the canvases were made with.
 */
const createCanvas = (pdf: PdfProxy, width: number, height: number): Canvas => {
  const factory = pdf.canvasFactory as { create(w: number, h: number): { canvas: Canvas } };
  return factory.create(width, height).canvas;
};

const renderPage = async (
  pdf: PdfProxy,
  number: number,
  dpi: number,
): Promise<{ canvas: Canvas; widthPt: number; heightPt: number }> => {
  const page = await pdf.getPage(number);
  const unit = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: dpi / 72 });
  const canvas = createCanvas(pdf, Math.round(viewport.width), Math.round(viewport.height));
  const context: SKRSContext2D = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js draws on any 2D context with the canvas API; @napi-rs/canvas is one.
  await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
  page.cleanup();
  return { canvas, widthPt: unit.width, heightPt: unit.height };
};

/** Draws the stamp text as a fax machine prints it: its own small PDF, rendered into the raster. */
const stampCanvas = async (text: string, widthPx: number, dpi: number): Promise<Canvas> => {
  const widthPt = (widthPx / dpi) * 72;
  const data = await pdfBytes(
    (doc) => doc.font('Courier').fontSize(8).text(text, 18, 4, { lineBreak: false }),
    [widthPt, 16],
  );
  const { getDocument } = await loadPdfJs();
  const stampPdf = await getDocument({
    data,
    standardFontDataUrl: STANDARD_FONTS,
    verbosity: 0,
  }).promise;
  try {
    return (await renderPage(stampPdf, 1, dpi)).canvas;
  } finally {
    await stampPdf.destroy();
  }
};

/** Grey, skewed, stamped and noisy copy of one rendered page. */
const degrade = (
  pdf: PdfProxy,
  source: Canvas,
  stamp: Canvas | null,
  options: ScanOptions,
  random: Random,
): Canvas => {
  const { width, height } = source;
  const out = createCanvas(pdf, width, height);
  const context = out.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  const skew = ((random.next() * 2 - 1) * options.maxSkewDegrees * Math.PI) / 180;
  context.save();
  context.translate(width / 2, height / 2);
  context.rotate(skew);
  context.translate(-width / 2, -height / 2);
  context.drawImage(source, 0, 0);
  context.restore();
  if (stamp) context.drawImage(stamp, 0, 0);

  const image = context.getImageData(0, 0, width, height);
  const pixels = image.data;
  const droppedRow = options.fax ? random.int(0, height - 1) : -1;
  for (let i = 0; i < pixels.length; i += 4) {
    const grey =
      0.299 * (pixels[i] ?? 255) + 0.587 * (pixels[i + 1] ?? 255) + 0.114 * (pixels[i + 2] ?? 255);
    let value: number;
    if (options.fax) {
      const row = Math.floor(i / 4 / width);
      const speckle = random.next() < 0.002;
      value = row === droppedRow || grey > 150 !== speckle ? 255 : 0;
    } else {
      value = Math.min(255, Math.max(0, grey + (random.next() * 2 - 1) * options.noise));
    }
    pixels[i] = value;
    pixels[i + 1] = value;
    pixels[i + 2] = value;
    pixels[i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return out;
};

/** One scanned page: its JPEG and the page size it was printed at. */
export interface ScannedPage {
  readonly jpeg: Buffer;
  readonly widthPt: number;
  readonly heightPt: number;
}

/** Each page of `source` as a degraded grey JPEG, in order. */
export const scanPages = async (
  source: Uint8Array,
  options: ScanOptions = DEFAULT_SCAN_OPTIONS,
): Promise<ScannedPage[]> => {
  if (options.dpi < 72 || options.dpi > 300) throw new RangeError('dpi must be 72-300');
  const random = new Random(options.seed);
  const { getDocument } = await loadPdfJs();
  const pdf = await getDocument({
    data: new Uint8Array(source),
    standardFontDataUrl: STANDARD_FONTS,
    verbosity: 0,
  }).promise;
  const pages: ScannedPage[] = [];
  try {
    const stampFor = options.stamp ? faxStamp(random, pdf.numPages) : null;
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const { canvas, widthPt, heightPt } = await renderPage(pdf, number, options.dpi);
      const stamp = stampFor
        ? await stampCanvas(stampFor(number), canvas.width, options.dpi)
        : null;
      const scanned = degrade(pdf, canvas, stamp, options, random);
      pages.push({
        jpeg: scanned.toBuffer('image/jpeg', options.fax ? 80 : 70),
        widthPt,
        heightPt,
      });
    }
  } finally {
    await pdf.destroy();
  }
  return pages;
};

/** A PDF whose pages are only the given images, each filling its page: no text layer. */
export const imagePdf = async (pages: readonly ScannedPage[]): Promise<Buffer> => {
  const out = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    info: { Producer: 'MedExtract scan simulator', CreationDate: FIXED_DATE, ModDate: FIXED_DATE },
  });
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => out.on('end', () => resolve()));
  for (const page of pages) {
    out.addPage({ size: [page.widthPt, page.heightPt], margin: 0 });
    out.image(page.jpeg, 0, 0, { width: page.widthPt, height: page.heightPt });
  }
  out.end();
  await done;
  return Buffer.concat(chunks);
};

/** An image-only PDF of `source`, one raster per page, with no text layer. */
export const scanPdf = async (
  source: Uint8Array,
  options: ScanOptions = DEFAULT_SCAN_OPTIONS,
): Promise<Buffer> => imagePdf(await scanPages(source, options));

/** Rewrites each PDF file in place as its scan; each file draws its own noise from `seed` and its path. */
export const scanFilesInPlace = async (
  paths: readonly string[],
  options: ScanOptions,
): Promise<void> => {
  for (const path of paths) {
    const source = await readFile(path);
    await writeFile(
      path,
      await scanPdf(source, { ...options, seed: `${options.seed}:${basename(path)}` }),
    );
  }
};
