/**
 * Per-field outcomes of one prediction against its ground truth, in the
 * Stickler vocabulary: TP, FA (invented), FD (wrong), FN (missed), TN (both
 * empty). List fields pair their items with the Hungarian method first, so a
 * reordered list is still all TP and a wrong-but-paired item is one FD, not an
 * FA plus an FN.
 */

import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';
import {
  compareValues,
  type ItemComparator,
  isEmpty,
  isRecord,
  matchLists,
  passThreshold,
} from './comparators.ts';

/** Outcome counts of one field, one document, or any sum of them. */
export interface OutcomeCounts {
  /** Both present and similar enough. */
  readonly tp: number;
  /** False alarm: truth empty, something predicted. */
  readonly fa: number;
  /** False discovery: both present, not similar enough. */
  readonly fd: number;
  /** False negative: truth present, nothing predicted. */
  readonly fn: number;
  /** True negative: both empty. */
  readonly tn: number;
}

/** Outcomes of one scored field, with the weight its prompt version gives it. */
export interface FieldOutcome {
  readonly counts: OutcomeCounts;
  readonly weight: number;
}

/** Outcomes of one document, keyed by dotted field path; unscored fields are left out. */
export interface DocumentEvaluation {
  readonly fields: { readonly [path: string]: FieldOutcome };
}

/** All-zero counts. */
export const NO_OUTCOMES: OutcomeCounts = { tp: 0, fa: 0, fd: 0, fn: 0, tn: 0 };

/** Element-wise sum of outcome counts. */
export function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return { tp: a.tp + b.tp, fa: a.fa + b.fa, fd: a.fd + b.fd, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

/** Sum of every field's counts in one document. */
export function documentCounts(document: DocumentEvaluation): OutcomeCounts {
  return Object.values(document.fields).reduce(
    (sum, field) => addCounts(sum, field.counts),
    NO_OUTCOMES,
  );
}

export type Lookup = { readonly found: false } | { readonly found: true; readonly value: unknown };

/**
 * Value at a dotted path. A missing key anywhere on the path is "not found";
 * an explicit null parent means every child is stated as empty.
 */
export function lookup(root: unknown, path: string): Lookup {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (current === null) return { found: true, value: null };
    if (!isRecord(current) || !Object.hasOwn(current, key)) return { found: false };
    current = current[key];
  }
  return { found: true, value: current };
}

function one(outcome: keyof OutcomeCounts): OutcomeCounts {
  return { ...NO_OUTCOMES, [outcome]: 1 };
}

/** Outcome of a single-valued field. */
export function scoreValue(
  comparator: Comparator,
  truth: unknown,
  predicted: unknown,
): OutcomeCounts {
  const truthEmpty = isEmpty(truth);
  const predictedEmpty = isEmpty(predicted);
  if (truthEmpty) return one(predictedEmpty ? 'tn' : 'fa');
  if (predictedEmpty) return one('fn');
  return one(
    compareValues(comparator, truth, predicted) >= passThreshold(comparator) ? 'tp' : 'fd',
  );
}

function listItems(value: unknown): readonly unknown[] {
  const items = Array.isArray(value) ? value : [value];
  // Empty items (null, '', {}) say nothing and are neither found nor invented.
  return items.filter((item) => !isEmpty(item));
}

/**
 * Outcomes of a list field: items paired by the Hungarian method on
 * 1 - similarity; a pair at or above `matchThreshold` is TP, below it FD;
 * unpaired truth items are FN, unpaired predictions FA. Two empty lists are
 * one TN.
 */
export function scoreList(
  matchThreshold: number,
  item: ItemComparator,
  truth: unknown,
  predicted: unknown,
): OutcomeCounts {
  const truthItems = listItems(truth);
  const predictedItems = listItems(predicted);
  if (truthItems.length === 0 && predictedItems.length === 0) return one('tn');
  const pairs = matchLists(item, truthItems, predictedItems);
  const tp = pairs.filter((pair) => pair.similarity >= matchThreshold).length;
  return {
    tp,
    fa: predictedItems.length - pairs.length,
    fd: pairs.length - tp,
    fn: truthItems.length - pairs.length,
    tn: 0,
  };
}

/**
 * Scores a prediction against ground truth field by field, for the fields
 * (dotted paths) a prompt version declares. A field whose key is absent from
 * the truth is not annotated and is not scored; a field the prediction lacks
 * counts as predicted empty. `null`, `''`, `[]` and `{}` are empty.
 * @throws TypeError when the truth is not a JSON object.
 */
export function evaluateDocument(
  fields: PromptMetadata['fields'],
  truth: unknown,
  predicted: unknown,
): DocumentEvaluation {
  if (!isRecord(truth)) throw new TypeError('ground truth must be a JSON object');
  const scored: Record<string, FieldOutcome> = {};
  for (const [path, spec] of Object.entries(fields)) {
    const expected = lookup(truth, path);
    if (!expected.found) continue;
    const actual = lookup(predicted, path);
    const value = actual.found ? actual.value : null;
    const { comparator } = spec;
    const counts =
      comparator.type === 'list'
        ? scoreList(comparator.matchThreshold, comparator.item, expected.value, value)
        : scoreValue(comparator, expected.value, value);
    scored[path] = { counts, weight: spec.weight };
  }
  return { fields: scored };
}
