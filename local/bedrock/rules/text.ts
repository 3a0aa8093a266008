/**
 * Turns raw PDF text into clean lines for the extraction rules: one spelling of
 * spaces, quotes and dashes, and no fax banners, page markers or notices that
 * would otherwise be mistaken for fields.
 */

// Fax machines stamp each page with a timestamp, both numbers and a page count.
const PHONE_NUMBER = /(?:\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}|\d{10,11})/;
const TIME = /\b\d{1,2}:\d{2}\b/;
const FAX_PAGE = /\bp\.\s?\d{1,3}\s?\/\s?\d{1,3}\b/i;
const PAGE_MARKER = /\bpage\s*\d+\s*(?:(?:of|\/)\s*\d+)?\b/gi;
const NOISE_LINE = [
  /\bconfidential/i,
  /^printed\b/i,
  /^(?:sent|received|transmitted)\s+(?:via|by)\s+fax/i,
  /^fax\s+cover/i,
  /^\(?continued(?: on next page| from previous page)?\)?\.?$/i,
  /^[\s_\-=*.~#]+$/,
];

/** Collapses `D I S C H A R G E` style letter-spaced titles into one word. */
export function collapseLetterSpacing(line: string): string {
  return /^(?:\S ){4,}\S$/.test(line) ? line.replace(/ /g, '') : line;
}

/** A line with its column gaps (tabs) turned into single spaces. */
export function flatLine(line: string): string {
  return line
    .replace(/ *\t+ */g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

// Like tidyLine, but tabs (column gaps from the text layout) are kept.
function tidyCells(line: string): string {
  return line
    .replace(/[\u00a0\u2000-\u200b\f\v]/g, ' ')
    .replace(/[‘’′`´]/g, "'")
    .replace(/[“”″]/g, '"')
    .replace(/[‐‑‒–—−]/g, '-')
    .replace(/\u2022|\u25cf|\u25aa|\u00b7/g, '-')
    .replace(/ *\| */g, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(/ *\t[ \t]*/g, '\t')
    .replace(/^\t+|\t+$/g, '')
    .trim();
}

function isNoise(line: string): boolean {
  // A letterhead with a fax number stays (it may name the facility); a
  // transmission banner has a time stamp or From/To numbers.
  if (FAX_PAGE.test(line)) return true;
  if (/\bfax\b/i.test(line) && TIME.test(line)) return true;
  if (/\b(?:from|to)\s*:/i.test(line) && PHONE_NUMBER.test(line)) return true;
  return NOISE_LINE.some((pattern) => pattern.test(line));
}

// How many opening lines count as the letterhead that later pages repeat.
const LETTERHEAD_LINES = 3;
// How far from a page marker a repeated line counts as part of a running header or footer.
const FOOTER_REACH = 2;

interface Candidate {
  readonly text: string;
  /** The same line with column gaps kept as tabs. */
  readonly cells: string;
  /** The line carried a page marker (`Page 2 of 3`), so it is a header or footer. */
  readonly marker: boolean;
}

/**
 * Splits document text into trimmed, whitespace-normalised lines, with fax
 * banners, confidentiality notices and rules dropped. Running headers and
 * footers go too: a line with a page marker (kept only as the letterhead at the
 * top of page one), a repeat of the letterhead, and a line that recurs next to
 * page markers.
 */
export function prepareLines(text: string): string[] {
  return [...prepareDocument(text).lines];
}

/** Prepared lines twice over: flat (`lines`) and with column gaps as tabs (`cells`), index for index. */
export interface PreparedDocument {
  readonly lines: readonly string[];
  readonly cells: readonly string[];
  /**
   * Running headers and footers dropped from `lines`, each once: they often
   * repeat the patient's name, birth date and record number on every page.
   */
  readonly running: readonly string[];
}

/** prepareLines, also keeping each kept line's column gaps as tabs. */
export function prepareDocument(text: string): PreparedDocument {
  const candidates: Candidate[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const cells = tidyCells(raw);
    const tidied = flatLine(cells);
    if (tidied.length === 0 || isNoise(tidied)) continue;
    const strippedCells = tidyCells(cells.replace(PAGE_MARKER, ' '));
    const stripped = flatLine(strippedCells);
    const marker = stripped !== tidied;
    const line = collapseLetterSpacing(stripped);
    const lineCells = line === stripped ? strippedCells : line;
    if (line.length > 0) candidates.push({ text: line, cells: lineCells, marker });
    else if (marker) candidates.push({ text: '', cells: '', marker });
  }
  const counts = new Map<string, number>();
  for (const candidate of candidates) {
    counts.set(candidate.text, (counts.get(candidate.text) ?? 0) + 1);
  }
  const nearMarker = (index: number): boolean =>
    candidates
      .slice(Math.max(0, index - FOOTER_REACH), index + FOOTER_REACH + 1)
      .some((candidate) => candidate.marker);

  const lines: string[] = [];
  const cellLines: string[] = [];
  const running = new Set<string>();
  const letterhead = new Set<string>();
  candidates.forEach((candidate, index) => {
    if (candidate.text.length === 0 || letterhead.has(candidate.text)) return;
    if (index < LETTERHEAD_LINES) {
      letterhead.add(candidate.text);
    } else if (candidate.marker) {
      running.add(candidate.text);
      return;
    } else if ((counts.get(candidate.text) ?? 0) > 1 && nearMarker(index)) {
      running.add(candidate.text);
      return;
    }
    lines.push(candidate.text);
    cellLines.push(candidate.cells);
  });
  return { lines, cells: cellLines, running: [...running] };
}

/** True when the text has letters and none of them is lower case. */
export function isAllUpper(text: string): boolean {
  return /[A-Z]/.test(text) && !/[a-z]/.test(text);
}

function capitalise(word: string): string {
  // After an apostrophe only a name part is capitalised (O'Brien), not a possessive (Mary's).
  return word
    .toLowerCase()
    .replace(/(^|-|'(?=[a-z]{2}))([a-z])/g, (_all, lead: string, letter: string) => {
      return `${lead}${letter.toUpperCase()}`;
    });
}

/** Title-cases every word (`O'BRIEN-SMITH` -> `O'Brien-Smith`). */
export function titleCase(text: string): string {
  return text.split(' ').map(capitalise).join(' ');
}

/**
 * Title-cases text printed entirely in capitals, keeping short all-capital
 * tokens (abbreviations such as `ER`, `HCL`, `PCN`) as printed.
 */
export function softTitleCase(text: string): string {
  if (!isAllUpper(text)) return text;
  return text
    .split(' ')
    .map((word) => (/^[A-Z0-9]{1,3}$/.test(word) ? word : capitalise(word)))
    .join(' ');
}

/** Shortens a phrase kept as evidence to at most `max` characters, on a word boundary. */
export function shortPhrase(text: string, max = 80): string {
  const trimmed = text.trim().replace(/[\s,;:.-]+$/, '');
  if (trimmed.length <= max) return trimmed;
  const cut = trimmed.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).trim();
}

/** A regex source matching `words` literally, any run of spaces (or none) between words. */
export function literalPattern(words: string): string {
  return words.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`).replace(/ /g, String.raw`\s*`);
}
