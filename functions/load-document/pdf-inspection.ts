/**
 * Decides whether bytes are a processable PDF and extracts its text layer.
 * Every rejection is a `BadDocumentError` with a reason code; nothing here
 * touches S3. Decompression is bounded before pdf.js parses anything, so a
 * small file that inflates to gigabytes ends as a reason code, not an OOM.
 */
import { inflateSync } from 'node:zlib';
import { extractText, getResolvedPDFJS } from 'unpdf';
import { cleanText } from '#shared/domain/text.ts';
import { RENDER_LIMITS } from '#shared/domain/vision-limits.ts';
import { BadDocumentError } from '#shared/errors.ts';
import { layoutPages, type PageLayout } from './page-layout.ts';

export interface DocumentLimits {
  /** Largest accepted object, in bytes. */
  readonly maxBytes: number;
  /** Most pages accepted (Bedrock document limits and cost). */
  readonly maxPages: number;
  /** Budget for all Flate streams of one document once inflated, in bytes. */
  readonly maxInflatedBytes: number;
  /** Fewer non-whitespace characters than this means no usable text layer. */
  readonly minTextChars: number;
  /** Most image pages accepted (one Converse request carries them all). */
  readonly maxImagePages: number;
}

export const DEFAULT_LIMITS: DocumentLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPages: 100,
  maxInflatedBytes: 256 * 1024 * 1024,
  minTextChars: 20,
  maxImagePages: RENDER_LIMITS.maxImagePages,
};

const PDF_MAGIC = '%PDF-';
/** How far into the file the header may start (some producers prefix junk). */
const HEADER_WINDOW = 1024;
/** Deepest filter chain inflated (`[/FlateDecode /FlateDecode ...]`). */
const MAX_FLATE_DEPTH = 4;

/** Cheap checks on raw bytes: EMPTY, TOO_LARGE, NOT_PDF. */
export const checkBytes = (bytes: Uint8Array, limits: DocumentLimits): void => {
  if (bytes.byteLength === 0) throw new BadDocumentError('EMPTY');
  if (bytes.byteLength > limits.maxBytes) throw new BadDocumentError('TOO_LARGE');
  const head = Buffer.from(bytes.subarray(0, HEADER_WINDOW)).toString('latin1');
  if (!head.includes(PDF_MAGIC)) throw new BadDocumentError('NOT_PDF');
};

const isZlibHeader = (b: Buffer): boolean =>
  b.length >= 2 && (b[0] ?? 0) === 0x78 && ((b[0] ?? 0) * 256 + (b[1] ?? 0)) % 31 === 0;

/**
 * Inflates every Flate stream (and nested Flate chains) against one shared
 * budget, using zlib's own output cap so memory never exceeds the budget.
 * Returns the inflated total; throws DECOMPRESSION_LIMIT past the budget.
 */
export const checkInflatedSize = (bytes: Uint8Array, maxInflatedBytes: number): number => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  const streamStart = /stream\r?\n/g;
  let total = 0;
  for (let match = streamStart.exec(text); match; match = streamStart.exec(text)) {
    const dataStart = match.index + match[0].length;
    const dataEnd = text.indexOf('endstream', dataStart);
    if (dataEnd < 0) break;
    streamStart.lastIndex = dataEnd;
    const dictStart = Math.max(text.lastIndexOf(' obj', match.index), match.index - 4096, 0);
    const dictionary = text.slice(dictStart, match.index);
    const depth = Math.min((dictionary.match(/\/FlateDecode/g) ?? []).length, MAX_FLATE_DEPTH);
    let data = buffer.subarray(dataStart, dataEnd);
    for (let level = 0; level < depth && isZlibHeader(data); level += 1) {
      const remaining = maxInflatedBytes - total;
      try {
        data = inflateSync(data, { maxOutputLength: Math.max(remaining, 1), finishFlush: 2 });
      } catch (error) {
        if (error instanceof RangeError) throw new BadDocumentError('DECOMPRESSION_LIMIT');
        break; // a damaged stream is pdf.js's problem to report, not a bomb
      }
      total += data.byteLength;
      if (total > maxInflatedBytes) throw new BadDocumentError('DECOMPRESSION_LIMIT');
    }
  }
  return total;
};

/** pdf.js exceptions that mean the file itself is unreadable. */
const INVALID_PDF_ERRORS = new Set([
  'InvalidPDFException',
  'MissingPDFException',
  'UnexpectedResponseException',
  'FormatError',
  'UnknownErrorException',
  'AbortException',
]);

const classifyPdfJsError = (error: unknown): never => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') throw new BadDocumentError('ENCRYPTED');
  if (INVALID_PDF_ERRORS.has(name)) throw new BadDocumentError('INVALID_PDF');
  throw error;
};

const countChars = (text: string): number => text.replace(/\s/g, '').length;

const mergeTextPages = (pages: readonly PageLayout[]): string =>
  cleanText(
    pages
      .filter((page) => page.kind === 'text')
      .map((page) => page.text)
      .join('\n'),
  );

/**
 * A document whose whole text layer is too small to extract from, but whose
 * pages hold some text, is read as images rather than failed: its pages may
 * show what the text layer lacks (an inline image pdf.js does not list, a
 * scan with a stray label). Text-only documents with enough text never get here.
 */
const rescueSparseText = (pages: readonly PageLayout[], minTextChars: number): PageLayout[] => {
  const hasImages = pages.some((page) => page.kind === 'image');
  if (hasImages || countChars(mergeTextPages(pages)) >= minTextChars) return [...pages];
  return pages.map((page) =>
    page.kind === 'text' && countChars(page.text) > 0 ? { ...page, kind: 'image' } : page,
  );
};

export interface ExtractedText {
  /** The text of the text pages, merged. */
  readonly text: string;
  readonly pageCount: number;
  /** Every page's kind and text, in order. */
  readonly pages: readonly PageLayout[];
}

/** Full inspection: raw checks, bounded inflation, then pdf.js text extraction. */
export const inspectPdf = async (
  bytes: Uint8Array,
  limits: DocumentLimits = DEFAULT_LIMITS,
): Promise<ExtractedText> => {
  checkBytes(bytes, limits);
  checkInflatedSize(bytes, limits.maxInflatedBytes);
  // pdf.js may transfer (detach) the buffer it is given: hand it a copy. The
  // bundled pdf.js (6.x) no longer evaluates font programs, the CVE-2024-4367 path.
  const { getDocument } = await getResolvedPDFJS();
  const loadingTask = getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    stopAtErrors: false,
  });
  const pdf = await loadingTask.promise.catch(classifyPdfJsError);
  try {
    const pageCount = pdf.numPages;
    if (pageCount > limits.maxPages) throw new BadDocumentError('TOO_MANY_PAGES');
    const { text } = await extractText(pdf, { mergePages: false }).catch(classifyPdfJsError);
    const { OPS } = await getResolvedPDFJS();
    const layout = await layoutPages(pdf, text.map(cleanText), OPS).catch(classifyPdfJsError);
    const pages = rescueSparseText(layout, limits.minTextChars);
    const imagePages = pages.filter((page) => page.kind === 'image').length;
    if (imagePages > limits.maxImagePages) throw new BadDocumentError('TOO_MANY_IMAGE_PAGES');
    const merged = mergeTextPages(pages);
    // Nothing to read: no usable text layer and no page that draws anything.
    if (imagePages === 0 && countChars(merged) < limits.minTextChars) {
      throw new BadDocumentError('NO_TEXT_LAYER');
    }
    return { text: merged, pageCount, pages };
  } finally {
    await loadingTask.destroy();
  }
};
