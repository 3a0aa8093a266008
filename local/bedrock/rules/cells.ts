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

/** Indexes of lines that are rows of label boxes (their values are on the next line). */
export function labelRowLines(cellLines: readonly string[]): Set<number> {
  const rows = cellLines.map(splitCells);
  const indexes = new Set<number>();
  rows.forEach((cells, index) => {
    if (isLabelRow(cells, rows[index + 1] ?? [])) indexes.add(index);
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
