/**
 * Finds a quote in a document's page texts: verbatim first (`exact`), then
 * after folding whitespace, case, line-end hyphenation, ligatures and
 * typographic punctuation (`fuzzy`), never by edit distance, so a quote that
 * differs in content (another drug, another digit) is not found. On pages
 * whose text came from OCR, and only there, a last pass also folds OCR's
 * character confusions (`I10` read `110`, `lb` read `Ib`; ocr-fold.ts), and
 * such a match is `fuzzy` too. A match
 * must start and end on word boundaries where the quote starts or ends with
 * a letter or digit, so `M` is not found inside `Mary`.
 */
import { type FoldedText, fold, foldText } from './fold.ts';
import type { PageText } from './geometry.ts';
import { ocrFold, ocrFoldText } from './ocr-fold.ts';

export interface QuoteMatch {
  readonly page: number;
  /** `[start, end)` in the page's text. */
  readonly start: number;
  readonly end: number;
  /** The page text in that span, verbatim. */
  readonly text: string;
  readonly match: 'exact' | 'fuzzy';
}

const WORD = /[\p{L}\p{N}]/u;

const onBoundaries = (text: string, start: number, end: number, quote: string): boolean => {
  const startsWord = WORD.test(quote[0] ?? '');
  const endsWord = WORD.test(quote.at(-1) ?? '');
  if (startsWord && WORD.test(text[start - 1] ?? '')) return false;
  if (endsWord && WORD.test(text[end] ?? '')) return false;
  return true;
};

const exactIn = (page: PageText, quote: string): QuoteMatch | null => {
  for (let at = page.text.indexOf(quote); at >= 0; at = page.text.indexOf(quote, at + 1)) {
    if (onBoundaries(page.text, at, at + quote.length, quote)) {
      return { page: page.page, start: at, end: at + quote.length, text: quote, match: 'exact' };
    }
  }
  return null;
};

const fuzzyIn = (page: PageText, folded: FoldedText, needle: string): QuoteMatch | null => {
  for (let at = folded.text.indexOf(needle); at >= 0; at = folded.text.indexOf(needle, at + 1)) {
    const last = at + needle.length - 1;
    if (!onBoundaries(folded.text, at, last + 1, needle)) continue;
    const start = folded.origin[at] ?? 0;
    const end = (folded.origin[last] ?? start) + 1;
    return { page: page.page, start, end, text: page.text.slice(start, end), match: 'fuzzy' };
  }
  return null;
};

/**
 * Across OCR's confusions (ocr-fold.ts). The folded text has no spaces, so
 * the match's word boundaries are checked in the page's own text.
 */
const ocrIn = (page: PageText, quote: string): QuoteMatch | null => {
  const needle = ocrFold(quote);
  if (needle.length === 0) return null;
  const folded = ocrFoldText(page.text);
  for (let at = folded.text.indexOf(needle); at >= 0; at = folded.text.indexOf(needle, at + 1)) {
    const start = folded.origin[at] ?? 0;
    const end = folded.originEnd[at + needle.length - 1] ?? start + 1;
    if (!onBoundaries(page.text, start, end, quote)) continue;
    return { page: page.page, start, end, text: page.text.slice(start, end), match: 'fuzzy' };
  }
  return null;
};

/** Pages to try: the stated page first, then the rest in order. */
const ordered = (pages: readonly PageText[], statedPage: number | null): PageText[] => {
  const stated = pages.filter((page) => page.page === statedPage);
  return [...stated, ...pages.filter((page) => page.page !== statedPage)];
};

/**
 * Where `quote` occurs, preferring `statedPage`; null when it is empty or
 * not in the document under the tolerated foldings.
 */
export const locateQuote = (
  pages: readonly PageText[],
  quote: string,
  statedPage: number | null = null,
): QuoteMatch | null => {
  const trimmed = quote.trim();
  const needle = fold(trimmed);
  if (needle.length === 0) return null;
  const tried = ordered(pages, statedPage);
  for (const page of tried) {
    const exact = exactIn(page, trimmed);
    if (exact) return exact;
  }
  for (const page of tried) {
    const fuzzy = fuzzyIn(page, foldText(page.text), needle);
    if (fuzzy) return fuzzy;
  }
  for (const page of tried.filter((candidate) => candidate.source === 'ocr')) {
    const confused = ocrIn(page, trimmed);
    if (confused) return confused;
  }
  return null;
};
