/**
 * Where else a document states a value: the lines of its pages, which of
 * them are running headers or footers (the same line, digits aside, on more
 * than one page: one statement printed again, not a second one), and how
 * many other lines hold a printed form of the value. A value stated again
 * in a line of its own is corroborated; one stated once rests on one
 * reading. Pure; reads the page texts the grounding step reads.
 */
import { fold } from './fold.ts';
import type { PageText } from './geometry.ts';
import type { LeafValue } from './paths.ts';
import { quoteContainsValue } from './surface.ts';

export interface DocumentLine {
  readonly page: number;
  /** `[start, end)` in the page's text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Printed on more than one page, digits aside (a running header or footer). */
  readonly running: boolean;
}

/** A line's identity across pages: folded, with digit runs (page numbers, dates) made alike. */
const runningKey = (line: string): string => fold(line).replace(/\d+/g, '#');

/** Every non-blank line of the pages, in order, each marked running or not. */
export const documentLines = (pages: readonly PageText[]): DocumentLine[] => {
  const lines: Omit<DocumentLine, 'running'>[] = [];
  for (const page of pages) {
    let start = 0;
    for (const text of page.text.split('\n')) {
      if (text.trim().length > 0)
        lines.push({ page: page.page, start, end: start + text.length, text });
      start += text.length + 1;
    }
  }
  const pagesOf = new Map<string, Set<number>>();
  for (const line of lines) {
    const key = runningKey(line.text);
    pagesOf.set(key, (pagesOf.get(key) ?? new Set()).add(line.page));
  }
  return lines.map((line) => ({
    ...line,
    running: (pagesOf.get(runningKey(line.text))?.size ?? 0) > 1,
  }));
};

/** Letters and digits a value has; shorter values recur by chance (`12`, `BID`, `N`). */
const MIN_DISTINCT_CHARACTERS = 5;

/**
 * Properties of list items that many items share (a dose, a frequency, a
 * unit, a flag): another item with the same one is not a second statement
 * of this item's.
 */
const SHARED_PROPERTIES = /\]\.(?:dose|frequency|unit|flag|value|severity)$/;

/**
 * Whether a value names something specifically enough that a second line
 * holding it is not a coincidence: a string of five or more letters and
 * digits that is not a property many list items share.
 */
export const isDistinctive = (value: LeafValue, path = ''): boolean =>
  typeof value === 'string' &&
  !SHARED_PROPERTIES.test(path) &&
  fold(value).replace(/[^\p{L}\p{N}]/gu, '').length >= MIN_DISTINCT_CHARACTERS;

/**
 * Lines other than the evidence's own (those overlapping `[start, end)` on
 * `page`) and other than running lines that hold a printed form of the
 * value; 0 for a value that is not distinctive.
 */
export const otherMentions = (
  lines: readonly DocumentLine[],
  evidence: { readonly page: number; readonly start: number; readonly end: number },
  value: LeafValue,
  path: string,
): number => {
  if (!isDistinctive(value, path)) return 0;
  return lines.filter(
    (line) =>
      !line.running &&
      !(line.page === evidence.page && line.start < evidence.end && line.end > evidence.start) &&
      quoteContainsValue(line.text, value, path),
  ).length;
};
