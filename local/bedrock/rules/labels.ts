/**
 * Reads `Label: value` fields (patient and encounter details) from form-like
 * lines, where several labels often share one line once PDF columns are
 * flattened: `Patient Name: DOE, JANE DOB: 03/14/1968`.
 */

import { type LabelledField, type LabelRule, LABEL_LEXICON as RULES } from './lexicon.ts';
import { literalPattern } from './text.ts';

export type { LabelledField } from './lexicon.ts';

// A note on how to write the value may sit between label and colon: `Date of Birth (DD.MM.YYYY):`.
const FORMAT_NOTE = String.raw`(?:\s*\([^)]{0,30}\))?`;

// Longer labels first, so `Patient Name` wins over `Patient` at the same position.
const ORDERED = [...RULES].sort((a, b) => b.words.length - a.words.length);
const LABEL = new RegExp(
  `(?<![A-Za-z0-9])(?:${ORDERED.map(
    (r) =>
      `(${literalPattern(r.words)}${r.words.endsWith('#') || r.words.endsWith('.') ? '' : '(?![A-Za-z])'}${
        r.colonOptional
          ? String.raw`${FORMAT_NOTE}(?:\s*[:#]|(?=\s|$))`
          : String.raw`${FORMAT_NOTE}\s*:`
      })`,
  ).join('|')}|([A-Z][A-Za-z]+.?:))`,
  'gi',
);

/** A labelled value found in the text, in reading order. */
export interface LabelledValue {
  readonly field: LabelledField;
  readonly rank: number;
  readonly line: number;
  readonly value: string;
}

interface LabelHit {
  readonly rule: LabelRule | null;
  readonly start: number;
  readonly end: number;
}

// Without a colon or `#` only a colon-optional label can match, and each
// starts with a known word: most lines of prose are ruled out by this test.
const HINT = new RegExp(
  `[:#]|(?<![A-Za-z0-9])(?:${[
    ...new Set(
      RULES.filter((r) => r.colonOptional).map((r) => literalPattern(r.words.split(' ')[0] ?? '')),
    ),
  ].join('|')})`,
  'i',
);

function labelHits(line: string): LabelHit[] {
  const hits: LabelHit[] = [];
  if (!HINT.test(line)) return hits;
  for (const match of line.matchAll(LABEL)) {
    const index = match.slice(1).findIndex((group) => group !== undefined);
    hits.push({
      rule: ORDERED[index] ?? null,
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return hits;
}

/** True when the line begins with a field label, so it is a form line, not free text. */
export function startsWithLabel(line: string): boolean {
  const first = labelHits(line)[0];
  return first !== undefined && first.start === 0 && (first.rule?.field ?? null) !== null;
}

/**
 * Every labelled value in the document. A value runs to the next label on the
 * same line; a label that ends its line takes the next line when that line is
 * not itself a field line.
 */
export function findLabelledValues(lines: readonly string[]): LabelledValue[] {
  const found: LabelledValue[] = [];
  lines.forEach((line, lineIndex) => {
    const hits = labelHits(line);
    hits.forEach((hit, hitIndex) => {
      if (hit.rule === null || hit.rule.field === null) return;
      const next = hits[hitIndex + 1];
      let value = line.slice(hit.end, next?.start ?? line.length).trim();
      const following = lines[lineIndex + 1];
      if (value.length === 0 && next === undefined && following !== undefined) {
        const followingHits = labelHits(following);
        if (followingHits[0]?.start !== 0) {
          value = following.slice(0, followingHits[0]?.start ?? following.length).trim();
        }
      }
      if (value.length > 0) {
        found.push({ field: hit.rule.field, rank: hit.rule.rank, line: lineIndex, value });
      }
    });
  });
  return found;
}

/**
 * The first value of `field` that `parse` accepts, trying lower ranks first and
 * then reading order.
 */
export function pickLabelled<T>(
  values: readonly LabelledValue[],
  field: LabelledField,
  parse: (value: string) => T | null,
): T | null {
  const candidates = values
    .filter((value) => value.field === field)
    .sort((a, b) => a.rank - b.rank || a.line - b.line);
  for (const candidate of candidates) {
    const parsed = parse(candidate.value);
    if (parsed !== null) return parsed;
  }
  return null;
}
