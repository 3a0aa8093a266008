/**
 * The printed forms a normalised value may take in a document, for the
 * values a model gave no quote for (weaker evidence: the value's own text is
 * searched, not the text the model said it read) and to check whether a
 * quote contains its value. An ISO date may be printed `03/14/1980`,
 * `14/03/1980`, `March 14, 1980`, `14 Mar 1980`; sex `F` as `Female`; a
 * number with or without trailing zeros.
 */
import { fold } from './fold.ts';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const SEX_WORDS: Readonly<Record<string, readonly string[]>> = {
  F: ['Female', 'F', 'Woman'],
  M: ['Male', 'M', 'Man'],
  X: ['X', 'Non-binary', 'Nonbinary'],
};

const dateForms = (iso: string): string[] => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return [];
  const [, year = '', mm = '', dd = ''] = match;
  const m = String(Number(mm));
  const d = String(Number(dd));
  const lower = MONTHS[Number(mm) - 1] ?? '';
  const month = `${lower.slice(0, 1).toUpperCase()}${lower.slice(1)}`;
  const short = month.slice(0, 3);
  const yy = year.slice(2);
  return [
    iso,
    `${mm}/${dd}/${year}`,
    `${m}/${d}/${year}`,
    `${dd}/${mm}/${year}`,
    `${d}/${m}/${year}`,
    `${mm}-${dd}-${year}`,
    `${dd}.${mm}.${year}`,
    `${d}.${m}.${year}`,
    `${mm}/${dd}/${yy}`,
    `${m}/${d}/${yy}`,
    `${month} ${d}, ${year}`,
    `${short} ${d}, ${year}`,
    `${short}. ${d}, ${year}`,
    `${d} ${month} ${year}`,
    `${d} ${short} ${year}`,
    `${dd} ${short} ${year}`,
    `${dd}-${short}-${year}`,
    `${d}-${short}-${year}`,
    `${month} ${d} ${year}`,
    `${short} ${d} ${year}`,
  ];
};

const numberForms = (value: number): string[] => {
  const forms = new Set([String(value)]);
  if (Number.isInteger(value)) forms.add(value.toFixed(1));
  else forms.add(value.toFixed(2).replace(/0$/, ''));
  if (Math.abs(value) >= 1000) forms.add(value.toLocaleString('en-US'));
  return [...forms];
};

/** A person name may be printed `Last, First`, or with an initial that has no period. */
const nameForms = (value: string): string[] => {
  const parts = value.split(' ');
  if (parts.length < 2) return [];
  const last = parts.at(-1) ?? '';
  const first = parts.slice(0, -1).join(' ');
  const forms = [`${last}, ${first}`];
  if (value.includes('.'))
    forms.push(value.replace(/\.(?=\s)/g, ''), `${last}, ${first.replace(/\./g, '')}`);
  return forms;
};

/** Printed forms of a value, most specific first. */
export const surfaceForms = (value: string | number | boolean, path = ''): string[] => {
  if (typeof value === 'boolean') return [];
  if (typeof value === 'number') return numberForms(value);
  const forms = [value, ...dateForms(value)];
  if (path.endsWith('.sex')) forms.push(...(SEX_WORDS[value] ?? []));
  if (/(?:^|\.)(?:name|providerName)$/.test(path)) forms.push(...nameForms(value));
  return [...new Set(forms)].filter((form) => form.trim().length > 0);
};

const WORD = /[\p{L}\p{N}]/u;

/** `needle` occurs in `haystack` starting and ending on word boundaries. */
const containsWord = (haystack: string, needle: string): boolean => {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const clearBefore = !WORD.test(needle[0] ?? '') || !WORD.test(haystack[at - 1] ?? '');
    const clearAfter =
      !WORD.test(needle.at(-1) ?? '') || !WORD.test(haystack[at + needle.length] ?? '');
    if (clearBefore && clearAfter) return true;
  }
  return false;
};

/** The folded printed forms of `value` that `quoteContainsValue` looks for, none empty. */
export const foldedForms = (
  value: string | number | boolean,
  path = '',
  folding: (text: string) => string = fold,
): string[] =>
  surfaceForms(value, path).flatMap((form) => {
    const needle = folding(form);
    return needle.length > 0 ? [needle] : [];
  });

/** True when one of `needles` (folded forms) occurs in the folded `haystack` on word boundaries. */
export const holdsFoldedForm = (haystack: string, needles: readonly string[]): boolean =>
  needles.some((needle) => containsWord(haystack, needle));

/**
 * True when a printed form of `value` occurs in `quote` (folded, on word
 * boundaries). `folding` is `fold` unless the quote is OCR text, where
 * `ocrFold` lets `(110)` hold `I10`. A caller testing many lines against
 * many values folds each once and uses `foldedForms` with `holdsFoldedForm`.
 */
export const quoteContainsValue = (
  quote: string,
  value: string | number | boolean,
  path = '',
  folding: (text: string) => string = fold,
): boolean => holdsFoldedForm(folding(quote), foldedForms(value, path, folding));
