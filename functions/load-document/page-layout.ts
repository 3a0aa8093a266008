/**
 * Per-page layout of a loaded PDF: each page's text, its size, and whether it
 * is read as text, sent as an image (too little text for its area, but it
 * draws something: a scan or a fax) or left out as blank. The threshold is
 * documented in vision-limits.ts.
 */
import type { getDocumentProxy } from 'unpdf';
import { classifyPage, type PageKind } from '#core/extraction/vision-limits.ts';

export interface PageLayout {
  /** 1-based page number. */
  readonly page: number;
  readonly kind: PageKind;
  /** The page's cleaned text layer (may be non-empty on an image page: a fax header). */
  readonly text: string;
  readonly widthPt: number;
  readonly heightPt: number;
}

/** pdf.js operators that put pixels on a page other than text. */
const DRAWING_OPERATORS = [
  'paintImageXObject',
  'paintInlineImageXObject',
  'paintImageMaskXObject',
  'paintImageXObjectRepeat',
  'paintImageMaskXObjectRepeat',
  'paintImageMaskXObjectGroup',
  'paintInlineImageXObjectGroup',
  'constructPath',
  'fill',
  'eoFill',
  'stroke',
  'fillStroke',
  'eoFillStroke',
  'shadingFill',
] as const;

type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

const nonWhitespace = (text: string): number => text.replace(/\s/g, '').length;

/**
 * Classifies every page. The operator list is read only for pages under the
 * text threshold, so born-digital documents pay nothing extra.
 */
export const layoutPages = async (
  pdf: PDFDocumentProxy,
  pageTexts: readonly string[],
  ops: Readonly<Record<string, number>>,
): Promise<PageLayout[]> => {
  const drawing = new Set(DRAWING_OPERATORS.flatMap((name) => (name in ops ? [ops[name]] : [])));
  const layout: PageLayout[] = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const { width, height } = page.getViewport({ scale: 1 });
    const text = pageTexts[number - 1] ?? '';
    const base = { textChars: nonWhitespace(text), widthPt: width, heightPt: height };
    // Above the threshold a page is text whatever it draws.
    let kind = classifyPage({ ...base, drawsGraphics: true });
    if (kind !== 'text') {
      const { fnArray } = await page.getOperatorList();
      kind = classifyPage({ ...base, drawsGraphics: fnArray.some((fn) => drawing.has(fn)) });
    }
    page.cleanup();
    layout.push({ page: number, kind, text, widthPt: width, heightPt: height });
  }
  return layout;
};
