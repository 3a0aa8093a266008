/**
 * Folding of document text and quotes for tolerant matching: ligatures and
 * compatibility forms (NFKC), case, typographic quotes and dashes, runs of
 * whitespace, and a hyphen that breaks a word at a line end. Content is never
 * folded: letters, digits and punctuation other than those stay as they are.
 * Every folded character keeps the index of the original character it came
 * from, so a match in folded text maps back to a verbatim span.
 */

export interface FoldedText {
  readonly text: string;
  /** `origin[i]` is the index in the original text of folded character `i`. */
  readonly origin: readonly number[];
}

const TYPOGRAPHIC: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u00AD': '',
};

/** A hyphen at a line end between two letters joins a broken word: `hyper-\ntension`. */
const isLineEndHyphen = (text: string, index: number): boolean => {
  if (text[index] !== '-' || !/\p{L}/u.test(text[index - 1] ?? '')) return false;
  const rest = /^[ \t]*\n[ \t]*(\p{L})/u.exec(text.slice(index + 1, index + 12));
  return rest !== null;
};

/** Folds `text`, keeping for each output character its source index. */
export const foldText = (text: string): FoldedText => {
  let out = '';
  const origin: number[] = [];
  let pendingSpace = -1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (isLineEndHyphen(text, index)) {
      // Skip the hyphen and the line break after it.
      const skip = /^-[ \t]*\n[ \t]*/.exec(text.slice(index))?.[0].length ?? 1;
      index += skip - 1;
      continue;
    }
    if (/\s/.test(char)) {
      if (pendingSpace < 0) pendingSpace = index;
      continue;
    }
    if (pendingSpace >= 0) {
      if (out.length > 0) {
        out += ' ';
        origin.push(pendingSpace);
      }
      pendingSpace = -1;
    }
    if (char.charCodeAt(0) < 0x80) {
      // ASCII is its own NFKC form and lower-cases to one ASCII character.
      out += char.toLowerCase();
      origin.push(index);
      continue;
    }
    const mapped = TYPOGRAPHIC[char] ?? char;
    for (const piece of mapped.normalize('NFKC').toLowerCase()) {
      out += piece;
      origin.push(index);
    }
  }
  return { text: out, origin };
};

/** The folded form of a quote or value, without the index map. */
export const fold = (text: string): string => foldText(text).text;
