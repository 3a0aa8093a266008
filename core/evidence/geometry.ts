/**
 * A page's text as the grounding step reads it: the text items of the page
 * (pdf.js text items, or OCR words) joined into one string, with each item's
 * character range, so a span of that string maps back to the items it covers
 * and their union box.
 */
/** A box in PDF points, origin bottom-left (the shape of `BoxSchema` in contracts/evidence.ts). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One positioned piece of text on a page, in PDF points (origin bottom-left). */
export interface PositionedText {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** A line ends after this item. */
  readonly hasEOL: boolean;
}

export interface PageText {
  /** 1-based page number. */
  readonly page: number;
  readonly text: string;
  /** Items with their `[start, end)` range in `text`; empty when the page has no geometry. */
  readonly items: readonly { readonly start: number; readonly end: number; readonly box: Box }[];
  /**
   * Where the text came from: the PDF text layer (the default) or OCR of the
   * page image, where quotes are also matched across OCR confusions (ocr-fold.ts).
   */
  readonly source?: 'pdf-text' | 'ocr';
}

/**
 * Joins a page's items: each item's string as is, a newline after an item
 * that ends a line, a space between two items on one line that do not
 * already touch whitespace.
 */
export const pageTextFromItems = (page: number, items: readonly PositionedText[]): PageText => {
  let text = '';
  const ranges: { start: number; end: number; box: Box }[] = [];
  let lineOpen = false;
  for (const item of items) {
    if (lineOpen && item.str.length > 0 && !/\s$/.test(text) && !/^\s/.test(item.str)) {
      text += ' ';
    }
    const start = text.length;
    text += item.str;
    if (item.str.trim().length > 0) {
      ranges.push({
        start,
        end: text.length,
        box: {
          x: item.x,
          y: item.y,
          width: Math.max(0, item.width),
          height: Math.max(0, item.height),
        },
      });
    }
    lineOpen = true;
    if (item.hasEOL) {
      text += '\n';
      lineOpen = false;
    }
  }
  return { page, text, items: ranges };
};

/** The union box of the items that overlap `[start, end)`; null when none do. */
export const spanBox = (page: PageText, start: number, end: number): Box | null => {
  let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
  for (const item of page.items) {
    if (item.end <= start || item.start >= end) continue;
    const { x, y, width, height } = item.box;
    box =
      box === null
        ? { x0: x, y0: y, x1: x + width, y1: y + height }
        : {
            x0: Math.min(box.x0, x),
            y0: Math.min(box.y0, y),
            x1: Math.max(box.x1, x + width),
            y1: Math.max(box.y1, y + height),
          };
  }
  if (box === null) return null;
  const round = (value: number): number => Math.round(value * 100) / 100;
  return {
    x: round(box.x0),
    y: round(box.y0),
    width: round(box.x1 - box.x0),
    height: round(box.y1 - box.y0),
  };
};
