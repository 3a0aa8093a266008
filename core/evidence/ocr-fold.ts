/**
 * A second folding for text that came from OCR of a page image, applied on
 * top of `foldText`: characters an OCR engine confuses in print fall into one
 * class each, and spaces (which OCR inserts or drops between glyphs, `[]`
 * read `[ ]`) are left out, so two readings of the same pixels that differ
 * only in such confusions fold to the same text. The classes (after case
 * folding):
 *
 * | class | members |
 * |---|---|
 * | `0` | `0`, `o` (so `O`) |
 * | `1` | `1`, `l`, `i` (so `I`), `\|`, `!`, and the closing brackets `]`, `)`, `}` (vertical strokes) |
 * | `(` | `(`, `[`, `{` |
 * | `5` | `5`, `s` (so `S`), `$` |
 * | `8` | `8`, `b` (so `B`) |
 * | `2` | `2`, `z` (so `Z`) |
 * | `m` | `m`, `rn` |
 * | `w` | `w`, `vv` |
 * | `.` | `.`, `,` |
 * | `:` | `:`, `;` |
 * | `'` | `'`, `` ` ``, `\u00B4` |
 * | `-` | `-`, `_`, `~`, `\u2022` (a list bullet) |
 *
 * Nothing else is folded: no edit distance, no dropped or inserted letters
 * or digits, so another drug name or another number outside these classes
 * still differs. Used only where the page's own text source is OCR;
 * text-layer pages keep the strict folding. Every character keeps the index
 * of the original character it came from, as in `foldText`; a match's word
 * boundaries are checked in the original text (locate.ts), since the folded
 * text has no spaces.
 */
import { type FoldedText, foldText } from './fold.ts';

const CLASS_OF: Readonly<Record<string, string>> = {
  ' ': '',
  o: '0',
  l: '1',
  i: '1',
  '|': '1',
  '!': '1',
  ']': '1',
  ')': '1',
  '}': '1',
  '[': '(',
  '{': '(',
  _: '-',
  '~': '-',
  '\u2022': '-',
  s: '5',
  $: '5',
  b: '8',
  z: '2',
  ',': '.',
  ';': ':',
  '`': "'",
  '\u00B4': "'",
};

/** Two-character confusions, read as the one character they resemble. */
const DIGRAPHS: Readonly<Record<string, string>> = { rn: 'm', vv: 'w' };

export interface OcrFoldedText extends FoldedText {
  /** `originEnd[i]` is one past the last original character folded character `i` came from. */
  readonly originEnd: readonly number[];
}

/** Folds already case-folded text into its OCR confusion classes, keeping source indices. */
export const ocrFoldFolded = (folded: FoldedText): OcrFoldedText => {
  let text = '';
  const origin: number[] = [];
  const originEnd: number[] = [];
  const source = folded.text;
  for (let index = 0; index < source.length; index += 1) {
    const first = folded.origin[index] ?? 0;
    const digraph = DIGRAPHS[source.slice(index, index + 2)];
    if (digraph !== undefined) {
      text += digraph;
      origin.push(first);
      originEnd.push((folded.origin[index + 1] ?? first) + 1);
      index += 1;
      continue;
    }
    const char = source[index] ?? '';
    const mapped = CLASS_OF[char] ?? char;
    if (mapped.length === 0) continue;
    text += mapped;
    origin.push(first);
    originEnd.push(first + 1);
  }
  return { text, origin, originEnd };
};

/** `foldText` and then the OCR confusion classes, with the index maps. */
export const ocrFoldText = (text: string): OcrFoldedText => ocrFoldFolded(foldText(text));

/** The OCR-folded form of a quote or value, without the index map. */
export const ocrFold = (text: string): string => ocrFoldText(text).text;
