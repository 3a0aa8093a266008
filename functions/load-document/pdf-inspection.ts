/**
 * Decides whether bytes are a processable PDF and extracts its text layer.
 * Every rejection is a `BadDocumentError` with a reason code; nothing here
 * touches S3. Every stream's filter chain is decoded against one budget
 * before pdf.js parses anything, and pdf.js itself runs in a capped worker,
 * so a small file that expands to gigabytes ends as a reason code, not an OOM.
 */
import { BadDocumentError } from '#contracts/errors.ts';
import type { DocumentGeometry } from '#contracts/geometry.ts';
import { cleanText } from '#core/extraction/text.ts';
import { RENDER_LIMITS } from '#core/extraction/vision-limits.ts';
import type { PageLayout } from './page-layout.ts';
import {
  DEFAULT_WORKER_LIMITS,
  extractInWorker,
  type PageItems,
  PdfJsError,
} from './pdf-text-worker.ts';
import {
  type DecodedStream,
  decodeStream,
  filterNamed,
  OutputCapExceeded,
  type StreamFilter,
  UndecodableStream,
} from './stream-filters.ts';
import { mergePageTexts } from './text-layout.ts';

export interface DocumentLimits {
  /** Largest accepted object, in bytes. */
  readonly maxBytes: number;
  /** Most pages accepted (Bedrock document limits and cost). */
  readonly maxPages: number;
  /** Budget for all decoded stream bytes of one document (every filter stage), in bytes. */
  readonly maxInflatedBytes: number;
  /** Fewer non-whitespace characters than this means no usable text layer. */
  readonly minTextChars: number;
  /** pdf.js runs in a worker with this heap cap (MiB), ... */
  readonly parseHeapMb: number;
  /** ... this cap on the growth of resident memory while it runs (MiB), ... */
  readonly parseRssGrowthMb: number;
  /** ... and this deadline (ms). */
  readonly parseDeadlineMs: number;
  /** Most image pages accepted (one Converse request carries them all). */
  readonly maxImagePages: number;
}

export const DEFAULT_LIMITS: DocumentLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPages: 100,
  maxInflatedBytes: 256 * 1024 * 1024,
  minTextChars: 20,
  parseHeapMb: DEFAULT_WORKER_LIMITS.heapMb,
  parseRssGrowthMb: DEFAULT_WORKER_LIMITS.rssGrowthMb,
  parseDeadlineMs: DEFAULT_WORKER_LIMITS.deadlineMs,
  maxImagePages: RENDER_LIMITS.maxImagePages,
};

const PDF_MAGIC = '%PDF-';
/** How far into the file the header may start (some producers prefix junk). */
const HEADER_WINDOW = 1024;

/** Cheap checks on raw bytes: EMPTY, TOO_LARGE, NOT_PDF. */
export const checkBytes = (bytes: Uint8Array, limits: DocumentLimits): void => {
  if (bytes.byteLength === 0) throw new BadDocumentError('EMPTY');
  if (bytes.byteLength > limits.maxBytes) throw new BadDocumentError('TOO_LARGE');
  const head = Buffer.from(bytes.subarray(0, HEADER_WINDOW)).toString('latin1');
  if (!head.includes(PDF_MAGIC)) throw new BadDocumentError('NOT_PDF');
};

/** Longest filter chain accepted; pdf.js would apply any number. */
const MAX_FILTER_CHAIN = 8;
/** How far before `stream` a stream's dictionary may start. */
const DICTIONARY_WINDOW = 4096;

const NAME = /\/([A-Za-z0-9]+)/g;

/** Resolves `n g R` to the text of object n (first 512 bytes), the way a filter array may be given. */
const resolveReference = (text: string, value: string): string => {
  const ref = /^\s*(\d+)\s+(\d+)\s+R/.exec(value);
  if (!ref) return value;
  const at = new RegExp(`(?:^|[^0-9])${ref[1]}\\s+${ref[2]}\\s+obj`).exec(text);
  return at ? text.slice(at.index + at[0].length, at.index + at[0].length + 512) : '';
};

/**
 * The filter chain of a stream dictionary, in application order. Image and
 * crypt filters end the chain: pdf.js decodes those only to render, and
 * what follows them cannot be reached without them.
 */
const filterChain = (
  text: string,
  dictionary: string,
): { filters: StreamFilter[]; earlyChange: number } => {
  const at = dictionary.lastIndexOf('/Filter');
  if (at < 0) return { filters: [], earlyChange: 1 };
  let value = resolveReference(text, dictionary.slice(at + '/Filter'.length));
  value = value.trimStart();
  const body = value.startsWith('[')
    ? value.slice(1, Math.max(value.indexOf(']'), 1))
    : (/^\/[A-Za-z0-9]+/.exec(value)?.[0] ?? '');
  const filters: StreamFilter[] = [];
  for (const match of body.matchAll(NAME)) {
    const filter = filterNamed(match[1] ?? '');
    if (filter === undefined) break;
    filters.push(filter);
  }
  if (filters.length > MAX_FILTER_CHAIN) throw new BadDocumentError('DECOMPRESSION_LIMIT');
  const early = /\/EarlyChange\s+(\d)/.exec(dictionary);
  return { filters, earlyChange: early ? Number(early[1]) : 1 };
};

/**
 * Where a stream's data ends: at `/Length` when it is a direct number that
 * stays inside the file, or at the next `endstream`, whichever is later, so
 * an `endstream` planted inside the data cannot hide the rest of it.
 */
const streamEnd = (text: string, dictionary: string, dataStart: number): number => {
  const searched = text.indexOf('endstream', dataStart);
  const length = /\/Length\s+(\d+)(?![\d.])(?!\s+\d+\s+R)/.exec(dictionary);
  const declared = length ? dataStart + Number(length[1]) : -1;
  const byLength = declared <= text.length ? declared : -1;
  return Math.max(searched, byLength);
};

/**
 * Decodes every stream through its whole filter chain (Flate, LZW,
 * ASCIIHex, ASCII85, RunLength, in any order and combination) against one
 * shared budget, before pdf.js sees the file. Every stage's output counts,
 * because pdf.js holds each stage's output too; each decoder stops at the
 * remaining budget, so memory never exceeds it. Returns the decoded total;
 * throws DECOMPRESSION_LIMIT past the budget.
 */
export const checkInflatedSize = (bytes: Uint8Array, maxInflatedBytes: number): number => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  const streamStart = /(?<!end)stream(?:\r\n|\r|\n)/g;
  let total = 0;
  for (let match = streamStart.exec(text); match; match = streamStart.exec(text)) {
    const dataStart = match.index + match[0].length;
    const dictStart = Math.max(
      text.lastIndexOf(' obj', match.index),
      match.index - DICTIONARY_WINDOW,
      0,
    );
    const dictionary = text.slice(dictStart, match.index);
    const dataEnd = streamEnd(text, dictionary, dataStart);
    if (dataEnd < 0) break;
    streamStart.lastIndex = dataEnd;
    const { filters, earlyChange } = filterChain(text, dictionary);
    let data: Uint8Array = buffer.subarray(dataStart, dataEnd);
    for (const [index, filter] of filters.entries()) {
      // The last stage is only counted: nothing reads its bytes here.
      const countOnly = index === filters.length - 1;
      let decoded: DecodedStream;
      try {
        decoded = decodeStream(filter, data, maxInflatedBytes - total, { earlyChange, countOnly });
      } catch (error) {
        if (error instanceof OutputCapExceeded) throw new BadDocumentError('DECOMPRESSION_LIMIT');
        if (error instanceof UndecodableStream) break; // pdf.js reports a damaged stream itself
        throw error;
      }
      data = decoded.bytes;
      total += decoded.length;
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
  cleanText(mergePageTexts(pages.filter((page) => page.kind === 'text').map((page) => page.text)));

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
  /** Every page's size and, for text pages, its text items over its text. */
  readonly geometry: DocumentGeometry;
}

/** The geometry sidecar: items only on the pages read as text (after any rescue to images). */
const documentGeometry = (
  pageCount: number,
  pages: readonly PageLayout[],
  items: readonly PageItems[],
): DocumentGeometry => {
  const byPage = new Map(items.map((entry) => [entry.page, entry]));
  return {
    version: 1,
    pageCount,
    pages: pages.map((page) => {
      const entry = byPage.get(page.page);
      const text = page.kind === 'text';
      return {
        page: page.page,
        kind: page.kind,
        widthPt: page.widthPt,
        heightPt: page.heightPt,
        view: entry ? [...entry.view] : [0, 0, page.widthPt, page.heightPt],
        source: text ? 'pdf-text' : 'none',
        text: text ? page.text : '',
        items: text && entry ? [...entry.items] : [],
      };
    }),
  };
};

/**
 * Full inspection: raw checks, the decompression budget over every stream,
 * then pdf.js text extraction in a worker with memory caps and a deadline.
 */
export const inspectPdf = async (
  bytes: Uint8Array,
  limits: DocumentLimits = DEFAULT_LIMITS,
): Promise<ExtractedText> => {
  checkBytes(bytes, limits);
  checkInflatedSize(bytes, limits.maxInflatedBytes);
  // The bundled pdf.js (6.x) no longer evaluates font programs, the CVE-2024-4367 path.
  const { reply } = await extractInWorker(bytes, {
    maxPages: limits.maxPages,
    heapMb: limits.parseHeapMb,
    rssGrowthMb: limits.parseRssGrowthMb,
    deadlineMs: limits.parseDeadlineMs,
  });
  if (reply.kind === 'too-many-pages') throw new BadDocumentError('TOO_MANY_PAGES');
  if (reply.kind === 'error') classifyPdfJsError(new PdfJsError(reply.name));
  const pages = reply.kind === 'pages' ? rescueSparseText(reply.pages, limits.minTextChars) : [];
  const imagePages = pages.filter((page) => page.kind === 'image').length;
  if (imagePages > limits.maxImagePages) throw new BadDocumentError('TOO_MANY_IMAGE_PAGES');
  const merged = mergeTextPages(pages);
  // Nothing to read: no usable text layer and no page that draws anything.
  if (imagePages === 0 && countChars(merged) < limits.minTextChars) {
    throw new BadDocumentError('NO_TEXT_LAYER');
  }
  const pageCount = reply.kind === 'pages' ? reply.pageCount : 0;
  const geometry = documentGeometry(pageCount, pages, reply.kind === 'pages' ? reply.geometry : []);
  return { text: merged, pageCount, pages, geometry };
};
