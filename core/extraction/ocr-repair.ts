/**
 * Repairs the character confusions tesseract makes on scanned medical pages,
 * where the context says which character was meant: the local stand-in runs
 * it before its rules read OCR text, and grounding before it grades whether
 * an OCR quote holds its value (core/evidence/refine.ts). The repairs: list bullets read as `_` or `~`, `lb` read as `Ib` after a
 * number, and ICD-10 codes (which always start with a letter) read with a
 * digit first (`148.91` for `I48.91`). Nothing else is changed; text that
 * came from a text layer never passes through here.
 */

/** Digits tesseract reads in place of the letter an ICD-10 code starts with. */
const ICD_FIRST_LETTER: Readonly<Record<string, string>> = {
  '1': 'I',
  '0': 'O',
  '5': 'S',
  '2': 'Z',
  '8': 'B',
};

/** A bullet glyph at the start of a line, then a space: a dash bullet. */
const BULLET = /^([ \t]*)[_~\u2014\u2013\u2022](?=\s)/gm;
/** `174 Ib` is `174 lb`: a capital I before b after a number is an l. */
const POUNDS = /(\d)(\s?)Ib\b/g;
/** `(148.91)`: a parenthesised, code-shaped token whose first character is a digit. */
const ICD_IN_PARENTHESES = /\(([01258])(\d{2}(?:\.[0-9A-Z]{1,4})?)\)/g;

export const cleanOcrText = (text: string): string =>
  text
    .replace(BULLET, '$1-')
    .replace(POUNDS, '$1$2lb')
    .replace(
      ICD_IN_PARENTHESES,
      (_match, first: string, rest: string) => `(${ICD_FIRST_LETTER[first] ?? first}${rest})`,
    );
