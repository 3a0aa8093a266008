/**
 * Calibration of per-value confidence against ground truth: labels every
 * non-null extracted value that carries a confidence as correct or incorrect
 * with the prompt version's comparators, then summarises how well confidence
 * separates the two (AUROC), how close it is to the observed accuracy (ECE,
 * reliability table) and how many values have verified evidence. Pure.
 *
 * Paths: a single-valued field is labelled at its own path (`patient.name`).
 * A list of plain values is labelled per item (`allergies[1]`); a list of
 * objects per property of each item (`medications[0].dose`), the index being
 * the item's position in the extraction. List items are paired with the truth
 * by the same Hungarian matching the F1 outcomes use: an item whose pair is
 * below the list's match threshold, or that has no pair, is incorrect in every
 * property; a paired item's property is correct when its own comparator
 * passes. Properties the version declares no comparator for are not labelled.
 */

import { midRanks } from '#core/experiments/stats/distributions.ts';
import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';
import {
  compareValues,
  type ItemComparator,
  isComparator,
  isEmpty,
  isRecord,
  matchLists,
  passThreshold,
} from './comparators.ts';
import { lookup } from './outcomes.ts';

/** Number of equal-width confidence bins of the reliability table and the ECE. */
export const CALIBRATION_BINS = 10;

/** What a document's result says about one value's evidence (only the match kind matters here). */
export interface EvidenceMatch {
  readonly match: string;
}

/** One document's extraction with its per-value confidence and evidence maps. */
export interface CalibrationInput {
  readonly fields: PromptMetadata['fields'];
  readonly truth: unknown;
  readonly predicted: unknown;
  /** Field path -> confidence in [0, 1]. */
  readonly confidence: { readonly [path: string]: number };
  /** Field path -> evidence; null when the result carries no evidence map. */
  readonly evidence: { readonly [path: string]: EvidenceMatch } | null;
}

/** One extracted value, judged against the truth. */
export interface LabelledValue {
  /** The declared field it belongs to (`medications`). */
  readonly field: string;
  /** Its own path (`medications[0].dose`). */
  readonly path: string;
  readonly confidence: number;
  readonly correct: boolean;
  /** Evidence found (exact or fuzzy); false when ungrounded or absent from the map; null without a map. */
  readonly grounded: boolean | null;
}

/** What labelling one document found. */
export interface LabelledDocument {
  readonly values: readonly LabelledValue[];
  /** Non-null values of scored fields that had no confidence entry. */
  readonly withoutConfidence: number;
}

interface Leaf {
  readonly path: string;
  readonly correct: boolean;
}

const nonEmptyItems = (value: unknown): { index: number; item: unknown }[] => {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => ({ index, item })).filter((entry) => !isEmpty(entry.item));
};

const singleLeaf = (
  comparator: Comparator,
  path: string,
  truth: unknown,
  value: unknown,
): Leaf[] => {
  if (isEmpty(value)) return [];
  const correct =
    !isEmpty(truth) && compareValues(comparator, truth, value) >= passThreshold(comparator);
  return [{ path, correct }];
};

const listLeaves = (
  path: string,
  matchThreshold: number,
  item: ItemComparator,
  truth: unknown,
  predicted: unknown,
): Leaf[] => {
  const truthItems = nonEmptyItems(truth);
  const predictedItems = nonEmptyItems(predicted);
  const pairs = matchLists(
    item,
    truthItems.map((entry) => entry.item),
    predictedItems.map((entry) => entry.item),
  );
  return predictedItems.flatMap(({ index, item: value }, position) => {
    const pair = pairs.find((candidate) => candidate.predictedIndex === position);
    const paired = pair !== undefined && pair.similarity >= matchThreshold;
    const truthItem = paired ? truthItems[pair.truthIndex]?.item : undefined;
    const itemPath = `${path}[${index}]`;
    if (isComparator(item) || !isRecord(value)) return [{ path: itemPath, correct: paired }];
    return Object.entries(item).flatMap(([property, comparator]) => {
      const own = value[property];
      if (isEmpty(own)) return [];
      const expected = isRecord(truthItem) ? truthItem[property] : undefined;
      const correct =
        paired &&
        !isEmpty(expected) &&
        compareValues(comparator, expected, own) >= passThreshold(comparator);
      return [{ path: `${itemPath}.${property}`, correct }];
    });
  });
};

const groundedOf = (evidence: CalibrationInput['evidence'], path: string): boolean | null => {
  if (evidence === null) return null;
  const entry = evidence[path];
  return entry !== undefined && entry.match !== 'ungrounded';
};

/**
 * Labels every non-null value of the declared fields that the truth
 * annotates. A value whose field the truth leaves empty is incorrect (it was
 * invented); a field absent from the truth is not annotated and is skipped.
 * @throws TypeError when the truth is not a JSON object.
 */
export function labelValues(input: CalibrationInput): LabelledDocument {
  if (!isRecord(input.truth)) throw new TypeError('ground truth must be a JSON object');
  const values: LabelledValue[] = [];
  let withoutConfidence = 0;
  for (const [field, spec] of Object.entries(input.fields)) {
    const expected = lookup(input.truth, field);
    if (!expected.found) continue;
    const actual = lookup(input.predicted, field);
    const value = actual.found ? actual.value : null;
    const { comparator } = spec;
    const leaves =
      comparator.type === 'list'
        ? listLeaves(field, comparator.matchThreshold, comparator.item, expected.value, value)
        : singleLeaf(comparator, field, expected.value, value);
    for (const leaf of leaves) {
      const confidence = input.confidence[leaf.path];
      if (confidence === undefined) {
        withoutConfidence += 1;
        continue;
      }
      values.push({
        field,
        path: leaf.path,
        confidence,
        correct: leaf.correct,
        grounded: groundedOf(input.evidence, leaf.path),
      });
    }
  }
  return { values, withoutConfidence };
}

/**
 * Area under the ROC curve of confidence for correct (positive) versus
 * incorrect values, by the Mann-Whitney U statistic: the chance that a random
 * correct value has a higher confidence than a random incorrect one, ties
 * counting one half. Null when either class is empty.
 */
export function auroc(
  values: readonly Pick<LabelledValue, 'confidence' | 'correct'>[],
): number | null {
  const positives = values.filter((value) => value.correct).length;
  const negatives = values.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const ranks = midRanks(values.map((value) => value.confidence));
  const positiveRankSum = values.reduce(
    (sum, value, index) => (value.correct ? sum + (ranks[index] ?? 0) : sum),
    0,
  );
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/** One row of the reliability table: the values whose confidence falls in [lower, upper). */
export interface ReliabilityBin {
  readonly lower: number;
  /** Exclusive, except for the last bin, which includes 1. */
  readonly upper: number;
  readonly count: number;
  /** Null when the bin is empty. */
  readonly meanConfidence: number | null;
  /** Share of the bin's values that are correct; null when empty. */
  readonly accuracy: number | null;
}

const binOf = (confidence: number): number =>
  Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(confidence * CALIBRATION_BINS)));

/** The reliability table: CALIBRATION_BINS equal-width bins over [0, 1], empty ones included. */
export function reliabilityBins(
  values: readonly Pick<LabelledValue, 'confidence' | 'correct'>[],
): ReliabilityBin[] {
  const sums = Array.from({ length: CALIBRATION_BINS }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const value of values) {
    const bin = sums[binOf(value.confidence)];
    if (bin === undefined) continue;
    bin.n += 1;
    bin.conf += value.confidence;
    bin.right += value.correct ? 1 : 0;
  }
  return sums.map((bin, index) => ({
    lower: index / CALIBRATION_BINS,
    upper: (index + 1) / CALIBRATION_BINS,
    count: bin.n,
    meanConfidence: bin.n === 0 ? null : bin.conf / bin.n,
    accuracy: bin.n === 0 ? null : bin.right / bin.n,
  }));
}

/**
 * Expected calibration error: the count-weighted mean, over the populated
 * bins, of |accuracy - mean confidence|. Null without values.
 */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number | null {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return null;
  return bins.reduce(
    (sum, bin) =>
      bin.meanConfidence === null || bin.accuracy === null
        ? sum
        : sum + (bin.count / total) * Math.abs(bin.accuracy - bin.meanConfidence),
    0,
  );
}

/** The calibration figures of a set of labelled values. */
export interface CalibrationFigures {
  readonly values: number;
  readonly correct: number;
  readonly auroc: number | null;
  readonly ece: number | null;
  readonly bins: readonly ReliabilityBin[];
  /** Share of the values whose evidence is not `ungrounded`; null when no value had an evidence map. */
  readonly groundedShare: number | null;
}

/** AUROC, ECE, the reliability table and the grounded share of some labelled values. */
export function calibrationFigures(values: readonly LabelledValue[]): CalibrationFigures {
  const bins = reliabilityBins(values);
  const judged = values.filter((value) => value.grounded !== null);
  return {
    values: values.length,
    correct: values.filter((value) => value.correct).length,
    auroc: auroc(values),
    ece: expectedCalibrationError(bins),
    bins,
    groundedShare:
      judged.length === 0
        ? null
        : judged.filter((value) => value.grounded === true).length / judged.length,
  };
}

/** Calibration of a whole run: overall and per declared field (sorted by path). */
export interface CalibrationSummary {
  readonly overall: CalibrationFigures;
  readonly fields: { readonly [field: string]: CalibrationFigures };
  /** Documents whose result carried a confidence map. */
  readonly documents: number;
  /** Non-null values that had no confidence entry (not in the figures). */
  readonly withoutConfidence: number;
}

/** Why a run has no calibration figures. */
export interface CalibrationUnavailable {
  readonly code: 'NO_CONFIDENCE' | 'NO_VALUES';
  readonly message: string;
}

export type CalibrationResult =
  | { readonly available: true; readonly summary: CalibrationSummary }
  | { readonly available: false; readonly unavailable: CalibrationUnavailable };

/**
 * Summarises the labelled documents of a run; `null` entries are documents
 * whose result had no confidence map (failed, or written by an older
 * pipeline). No figures at all when no document had one, or none of their
 * values could be judged: never zeros standing in for "not measured".
 */
export function summariseCalibration(
  documents: readonly (LabelledDocument | null)[],
): CalibrationResult {
  const labelled = documents.filter((document): document is LabelledDocument => document !== null);
  if (labelled.length === 0) {
    return {
      available: false,
      unavailable: {
        code: 'NO_CONFIDENCE',
        message:
          'no result carries per-value confidence (failed, or written before confidence existed)',
      },
    };
  }
  const values = labelled.flatMap((document) => document.values);
  if (values.length === 0) {
    return {
      available: false,
      unavailable: {
        code: 'NO_VALUES',
        message: 'no extracted value of an annotated field carries a confidence',
      },
    };
  }
  const byField = new Map<string, LabelledValue[]>();
  for (const value of values)
    byField.set(value.field, [...(byField.get(value.field) ?? []), value]);
  const fields: Record<string, CalibrationFigures> = {};
  for (const [field, own] of [...byField.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    fields[field] = calibrationFigures(own);
  }
  return {
    available: true,
    summary: {
      overall: calibrationFigures(values),
      fields,
      documents: labelled.length,
      withoutConfidence: labelled.reduce((sum, document) => sum + document.withoutConfidence, 0),
    },
  };
}
