/**
 * Reads labelled values from the geometry the text layout keeps: a tab marks
 * a wide horizontal gap, so a line splits into cells. Three shapes are read:
 * a row of label boxes above a row of values (paired by position), a label
 * cell followed by its value across a gutter (`Birthdate<tab>03/14/1968`,
 * also alternating `label value label value` in one row), and a line that
 * is nothing but a label above a one-cell value line.
 */
import type { LabelledValue } from './labels.ts';
import { LABEL_LEXICON, type LabelRule } from './lexicon.ts';

function normaliseLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s*\([^)]{0,30}\)\s*$/, '')
    .replace(/[\s:]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const BY_LABEL = new Map<string, LabelRule>();
for (const rule of LABEL_LEXICON) {
  const key = normaliseLabel(rule.words);
  const known = BY_LABEL.get(key);
  if (known === undefined || (known.field === null && rule.field !== null)) BY_LABEL.set(key, rule);
}

/** The lexicon entry a whole cell spells, or null when the cell is not a label. */
export function cellLabel(cell: string): LabelRule | null {
  const key = normaliseLabel(cell);
  if (key.length === 0 || key.length > 40) return null;
  return BY_LABEL.get(key) ?? BY_LABEL.get(key.replace(/\s*[#.]$/, '')) ?? null;
}

function splitCells(line: string): string[] {
  return line
    .split('\t')
    .map((cell) => cell.trim())
    .filter((cell) => cell.length > 0);
}

// A value cell must not itself be a label, and a label row holds no digits.
const isValue = (cell: string): boolean => cellLabel(cell) === null;

function push(found: LabelledValue[], rule: LabelRule | null, line: number, value: string): void {
  if (rule?.field == null || value.length === 0) return;
  found.push({ field: rule.field, rank: rule.rank, line, value });
}

// Boxes: a row of labels over a row of values with as many cells.
function isLabelRow(cells: readonly string[], next: readonly string[]): boolean {
  const labelCount = cells.filter((cell) => cellLabel(cell) !== null).length;
  return (
    cells.length >= 2 &&
    labelCount * 2 >= cells.length &&
    cells.every((cell) => !/\d/.test(cell)) &&
    next.length === cells.length &&
    next.filter(isValue).length * 2 > next.length
  );
}

// A row of labels whose value row has a different number of cells (a box
// left empty, two values run together): values are matched to labels in
// order, each label taking the next value cell that looks like its kind.
function isLooseLabelRow(cells: readonly string[], next: readonly string[]): boolean {
  const labelCount = cells.filter((cell) => cellLabel(cell)?.field != null).length;
  return (
    cells.length >= 2 &&
    labelCount >= 2 &&
    labelCount * 2 >= cells.length &&
    cells.every((cell) => !/\d/.test(cell)) &&
    next.length >= 2 &&
    next.length !== cells.length &&
    next.every(isValue)
  );
}

const DATE_LIKE = /\b\d{4}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/;
const LOOKS_LIKE: Readonly<Record<string, (cell: string) => boolean>> = {
  dateOfBirth: (cell) => DATE_LIKE.test(cell),
  dateOfService: (cell) => DATE_LIKE.test(cell),
  sex: (cell) => /^(?:f|m|x|female|male|woman|man)\b/i.test(cell),
  mrn: (cell) =>
    /\d/.test(cell) && !DATE_LIKE.test(cell.replace(/^\S+\s*/, '')) && cell.split(' ').length <= 2,
  patientName: (cell) => !/\d/.test(cell) && /[A-Za-z]{2}/.test(cell),
  providerName: (cell) => !/\d/.test(cell) && /[A-Za-z]{2}/.test(cell),
  facility: (cell) => !/\d/.test(cell) && /[A-Za-z]{2}/.test(cell),
};

function alignLoosely(
  found: LabelledValue[],
  labels: readonly (LabelRule | null)[],
  values: readonly string[],
  line: number,
): void {
  let next = 0;
  for (const label of labels) {
    if (label?.field == null) continue;
    const looks = LOOKS_LIKE[label.field] ?? (() => true);
    const at = values.findIndex((value, index) => index >= next && looks(value));
    if (at === -1) continue;
    push(found, { ...label, rank: label.rank + 1 }, line, values[at] ?? '');
    next = at + 1;
  }
}

/** Indexes of lines that are rows of label boxes (their values are on the next line). */
export function labelRowLines(cellLines: readonly string[]): Set<number> {
  const rows = cellLines.map(splitCells);
  const indexes = new Set<number>();
  rows.forEach((cells, index) => {
    const next = rows[index + 1] ?? [];
    if (isLabelRow(cells, next) || isLooseLabelRow(cells, next)) indexes.add(index);
  });
  return indexes;
}

/** Labelled values found through cell geometry, in reading order. */
export function findCellValues(cellLines: readonly string[]): LabelledValue[] {
  const found: LabelledValue[] = [];
  const rows = cellLines.map(splitCells);
  rows.forEach((cells, index) => {
    const next = rows[index + 1] ?? [];
    const labels = cells.map(cellLabel);
    if (isLooseLabelRow(cells, next)) {
      alignLoosely(found, labels, next, index + 1);
      return;
    }
    if (isLabelRow(cells, next)) {
      labels.forEach((label, column) => {
        const value = next[column];
        if (value !== undefined && isValue(value)) push(found, label, index + 1, value);
      });
      return;
    }

    // Gutter rows: label cell, then its value cell.
    if (cells.length >= 2) {
      for (let column = 0; column + 1 < cells.length; column += 1) {
        const label = labels[column] ?? null;
        const value = cells[column + 1] ?? '';
        if (label !== null && isValue(value)) {
          push(found, label, index, value);
          column += 1;
        }
      }
      return;
    }

    // A line that is only a label, its value alone on the next line.
    const only = labels[0] ?? null;
    const value = next[0];
    if (cells.length === 1 && only !== null && next.length === 1 && value !== undefined) {
      if (isValue(value)) push(found, { ...only, rank: only.rank + 1 }, index + 1, value);
    }
  });
  return found;
}

/**
 * A header row over a value row with as many cells (`Height | Weight | BP`
 * over `170 cm | 72 kg | 128/82`) as `header value` lines, one per column,
 * so rules that read `Weight 72 kg` read tables of one column per measure;
 * `lines` are the indexes of the rows so read (flat, they would misalign).
 */
export function gridPairs(cellLines: readonly string[]): { pairs: string[]; lines: Set<number> } {
  const rows = cellLines.map(splitCells);
  const pairs: string[] = [];
  const lines = new Set<number>();
  rows.forEach((cells, index) => {
    const next = rows[index + 1] ?? [];
    // Three columns at least: two cells a line are a label and its value.
    if (cells.length < 3 || next.length !== cells.length) return;
    const numeric = next.filter((cell) => /\d/.test(cell)).length;
    if (cells.some((cell) => /\d/.test(cell)) || numeric * 2 < next.length) return;
    lines.add(index).add(index + 1);
    cells.forEach((header, column) => {
      pairs.push(`${header.replace(/[\s:]+$/, '')}: ${next[column] ?? ''}`);
    });
  });
  return { pairs, lines };
}
