/**
 * Typed similarity between a ground-truth value and a predicted value, in
 * [0, 1], for each comparator a prompt version can declare (exact, numeric,
 * date, fuzzy, list, and per-property objects). Comparing numbers or dates as
 * strings gives nonsense (`5` vs `5.0`), hence one comparator per kind.
 */

import { distance } from 'fastest-levenshtein';
import { normaliseDate } from '#core/extraction/value-normalisers.ts';
import type { Comparator } from '#core/prompts/types.ts';
import { solveAssignment } from './hungarian.ts';

/** Per-property comparators for object values (items of a list of objects). */
export type ObjectComparators = { readonly [property: string]: Comparator };

/** What a list's items are compared with. */
export type ItemComparator = Comparator | ObjectComparators;

// Absorbs binary floating-point error so that 0.3 vs 0.1 + 0.2 sits inside a 0 tolerance.
const FLOAT_SLACK = 1e-9;

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Empty values count as "not stated": null, undefined, a blank string, `[]`
 * and `{}`. Zero and `false` are values.
 */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim().length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

/** Tells a single comparator from a map of per-property comparators. */
export function isComparator(item: ItemComparator): item is Comparator {
  return typeof item.type === 'string';
}

/** Stable text form of any JSON value (object keys sorted). */
function canonicalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${key}:${canonicalText(value[key])}`).join(',')}}`;
  }
  return '';
}

/** Lowercase, with every punctuation mark, symbol and whitespace removed. */
export function exactKey(value: unknown): string {
  return canonicalText(value)
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]/gu, '');
}

function exactSimilarity(truth: unknown, predicted: unknown): number {
  return exactKey(truth) === exactKey(predicted) ? 1 : 0;
}

/** A number from a number or a numeric string (`$1,234.50`, `(12)`); null otherwise. */
export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.replace(/[$,()\s]/g, '');
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return null;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : null;
}

function numericSimilarity(
  comparator: Extract<Comparator, { type: 'numeric' }>,
  truth: unknown,
  predicted: unknown,
): number {
  const a = parseNumber(truth);
  const b = parseNumber(predicted);
  if (a === null || b === null) return exactSimilarity(truth, predicted);
  // A relative tolerance is a share of the true value: 0.05 accepts ±5 % of the truth.
  const allowed =
    comparator.relative === true ? comparator.tolerance * Math.abs(a) : comparator.tolerance;
  const slack = FLOAT_SLACK * Math.max(1, Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= allowed + slack ? 1 : 0;
}

/** Every calendar day a written date can mean (month-first and day-first readings). */
function dateReadings(value: unknown): Set<string> {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return new Set();
  const readings = [normaliseDate(text), normaliseDate(text, { dayFirst: true })];
  return new Set(readings.filter((reading): reading is string => reading !== null));
}

function dateSimilarity(truth: unknown, predicted: unknown): number {
  const a = dateReadings(truth);
  const b = dateReadings(predicted);
  if (a.size === 0 || b.size === 0) return exactSimilarity(truth, predicted);
  for (const reading of a) if (b.has(reading)) return 1;
  return 0;
}

function fuzzyKey(value: unknown): string {
  return canonicalText(value).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** 1 - Levenshtein distance / longer length, after lowercasing and collapsing whitespace. */
export function fuzzySimilarity(truth: unknown, predicted: unknown): number {
  const a = fuzzyKey(truth);
  const b = fuzzyKey(predicted);
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}

function asList(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return isEmpty(value) ? [] : [value];
}

/**
 * Similarity of every truth item with every predicted item (rows = truth).
 * Used both for list similarity and for list outcomes.
 */
export function similarityMatrix(
  item: ItemComparator,
  truth: readonly unknown[],
  predicted: readonly unknown[],
): number[][] {
  return truth.map((t) => predicted.map((p) => compareItem(item, t, p)));
}

/**
 * Pairs truth items with predicted items so that the summed similarity is
 * largest (Hungarian on 1 - similarity). Returns the matched pairs with their
 * similarity; unmatched indices are those not listed.
 */
export function matchLists(
  item: ItemComparator,
  truth: readonly unknown[],
  predicted: readonly unknown[],
): { truthIndex: number; predictedIndex: number; similarity: number }[] {
  const similarity = similarityMatrix(item, truth, predicted);
  const { pairs } = solveAssignment(similarity.map((row) => row.map((s) => 1 - s)));
  return pairs.map(({ row, column }) => ({
    truthIndex: row,
    predictedIndex: column,
    similarity: similarity[row]?.[column] ?? 0,
  }));
}

function listSimilarity(item: ItemComparator, truth: unknown, predicted: unknown): number {
  const a = asList(truth);
  const b = asList(predicted);
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  const matched = matchLists(item, a, b).reduce((sum, pair) => sum + pair.similarity, 0);
  return matched / longest;
}

/**
 * Weighted mean of per-property similarities over the properties that have a
 * comparator and are non-empty on at least one side (a property empty on both
 * sides says nothing). Two objects with no such property are identical (1).
 * Properties without a comparator are ignored. Weights default to 1.
 */
export function compareObjects(
  comparators: ObjectComparators,
  truth: unknown,
  predicted: unknown,
  weights: { readonly [property: string]: number } = {},
): number {
  if (isEmpty(truth) && isEmpty(predicted)) return 1;
  if (!isRecord(truth) || !isRecord(predicted)) return 0;
  let weighted = 0;
  let totalWeight = 0;
  for (const [property, comparator] of Object.entries(comparators)) {
    const a = truth[property];
    const b = predicted[property];
    if (isEmpty(a) && isEmpty(b)) continue;
    const weight = weights[property] ?? 1;
    weighted += weight * compareValues(comparator, a, b);
    totalWeight += weight;
  }
  return totalWeight === 0 ? 1 : weighted / totalWeight;
}

/** Similarity of two list items under a single comparator or per-property comparators. */
export function compareItem(item: ItemComparator, truth: unknown, predicted: unknown): number {
  return isComparator(item)
    ? compareValues(item, truth, predicted)
    : compareObjects(item, truth, predicted);
}

/**
 * Similarity in [0, 1] of a predicted value with the true value.
 * - exact: 1 when equal after lowercasing and removing punctuation, symbols and whitespace;
 * - numeric: 1 when within the absolute tolerance (or `tolerance × |truth|` when
 *   `relative`), after stripping `$ , ( )`; values that are not numbers fall back to exact;
 * - date: 1 when both sides can mean the same calendar day, reading ambiguous
 *   dates both month-first and day-first; unparseable dates fall back to exact;
 * - fuzzy: 1 - Levenshtein distance / longer length (graded, not thresholded);
 * - list: summed similarity of the best one-to-one item pairing / longer length.
 * Two empty values are identical (1); one empty value scores 0.
 */
export function compareValues(comparator: Comparator, truth: unknown, predicted: unknown): number {
  const truthEmpty = isEmpty(truth);
  const predictedEmpty = isEmpty(predicted);
  if (truthEmpty || predictedEmpty) return truthEmpty && predictedEmpty ? 1 : 0;
  switch (comparator.type) {
    case 'exact':
      return exactSimilarity(truth, predicted);
    case 'numeric':
      return numericSimilarity(comparator, truth, predicted);
    case 'date':
      return dateSimilarity(truth, predicted);
    case 'fuzzy':
      return fuzzySimilarity(truth, predicted);
    case 'list':
      return listSimilarity(comparator.item, truth, predicted);
  }
}

/**
 * Lowest similarity at which a (non-list) field counts as correct: the fuzzy
 * comparator's own threshold; every other comparator is all-or-nothing (1).
 */
export function passThreshold(comparator: Comparator): number {
  switch (comparator.type) {
    case 'fuzzy':
      return comparator.threshold;
    case 'list':
      return comparator.matchThreshold;
    default:
      return 1;
  }
}
