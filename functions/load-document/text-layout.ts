/**
 * Turns pdf.js text items into the document text LoadDocument stores: one
 * line per text line as pdf.js reports it, words separated by one space,
 * and a tab wherever a line jumps across a wide horizontal gap (a form's
 * gutter, a table's column boundary, the space between two label boxes).
 * The tab keeps the geometry the extraction rules need to pair a label with
 * its value; it adds no characters of content.
 */

/** The parts of a pdf.js text item the layout reads. */
export interface TextItemLike {
  readonly str: string;
  readonly hasEOL: boolean;
  /** pdf.js transform: [a, b, c, d, x, y]. */
  readonly transform: readonly number[];
  readonly width: number;
  readonly height: number;
}

/** A horizontal gap at least this many times the line's text height is a column gap. */
const GAP_FACTOR = 0.8;
/** A gap never counts as a column gap below this many points. */
const MIN_GAP = 6;

function gapThreshold(height: number): number {
  return Math.max(MIN_GAP, GAP_FACTOR * height);
}

/** An item's `[start, end)` in the laid-out page text; whitespace items have none. */
export interface ItemSpan {
  /** Index of the item in the input. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** One page's text with column gaps as tabs, and where each item's text landed in it. */
export function layoutPageWithSpans(items: readonly TextItemLike[]): {
  text: string;
  spans: ItemSpan[];
} {
  let text = '';
  const spans: ItemSpan[] = [];
  let lineHeight = 0;
  let previousEnd: number | null = null;
  for (const [index, item] of items.entries()) {
    const x = item.transform[4] ?? 0;
    const height = item.height > 0 ? item.height : lineHeight;
    if (item.height > 0) lineHeight = Math.max(lineHeight, item.height);
    const blank = item.str.trim().length === 0;
    if (blank && item.str.length > 0) {
      // pdf.js reports a gap as a whitespace item as wide as the gap.
      text += item.width >= gapThreshold(lineHeight || height) ? '\t' : ' ';
    } else if (!blank) {
      if (previousEnd !== null && x - previousEnd >= gapThreshold(lineHeight || height)) {
        text += '\t';
      }
      spans.push({ index, start: text.length, end: text.length + item.str.length });
      text += item.str;
    }
    previousEnd = blank ? (item.str.length > 0 ? x + item.width : previousEnd) : x + item.width;
    if (item.hasEOL) {
      text += '\n';
      lineHeight = 0;
      previousEnd = null;
    }
  }
  return { text, spans };
}

/** One page's text with column gaps as tabs. */
export function layoutPage(items: readonly TextItemLike[]): string {
  return layoutPageWithSpans(items).text;
}

/**
 * Joins page texts as unpdf's merged extraction does (one newline between
 * pages, runs of spaces collapsed, at most one blank line), keeping tabs.
 */
export function mergePageTexts(pages: readonly string[]): string {
  return pages
    .join('\n')
    .replace(/[^\S\n\t]+/g, ' ')
    .replace(/ *\t[ \t]*/g, '\t')
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}
