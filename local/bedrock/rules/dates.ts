/**
 * Finds written dates inside field values and decides, once per document,
 * whether ambiguous numeric dates are written day first.
 */
import { normaliseDate } from '#core/extraction/value-normalisers.ts';

const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`;
const DATE_TOKEN = new RegExp(
  [
    String.raw`\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b`,
    String.raw`\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b`,
    String.raw`\b${MONTH}\s*\d{1,2}(?:st|nd|rd|th)?,?\s*\d{4}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?[\s-]*${MONTH}[\s,-]*\d{4}\b`,
  ].join('|'),
  'gi',
);

/**
 * True when the document's slash or dash dates are written day first: the
 * document states `DD/MM/YYYY`, or some first number is above 12 and no second
 * number is. Dotted dates are always read day first by the normaliser, so they
 * do not vote.
 */
export function detectDayFirst(lines: readonly string[]): boolean {
  let dayFirstEvidence = false;
  for (const line of lines) {
    // A form that states its date format settles the question.
    if (/\bDD[./-]MM[./-]YY/i.test(line)) return true;
    if (/\bMM[./-]DD[./-]YY/i.test(line)) return false;
    for (const match of line.matchAll(/\b(\d{1,2})[/-](\d{1,2})[/-]\d{4}\b/g)) {
      const first = Number(match[1]);
      const second = Number(match[2]);
      if (second > 12) return false;
      if (first > 12) dayFirstEvidence = true;
    }
  }
  return dayFirstEvidence;
}

/** The first date in `value` that normalises, as `YYYY-MM-DD`; null when none does. */
export function findDate(value: string, dayFirst: boolean): string | null {
  for (const match of value.matchAll(DATE_TOKEN)) {
    const iso = normaliseDate(match[0].replace(/\s*,\s*/g, ' '), { dayFirst });
    if (iso !== null) return iso;
  }
  return null;
}
