/**
 * Precision, recall and F1 from outcome counts, and the summary of an
 * evaluation run: per field, micro and macro over fields, per document, and a
 * score weighted by the prompt version's field weights.
 *
 * Recall counts FD (Stickler's `recall_with_fd`): a wrong value is a miss as
 * well as a false claim, otherwise raising a threshold would raise recall.
 * 0/0 rule: a ratio with nothing in its denominator is 1 (no predictions means
 * no false claims; nothing to find means nothing missed), so a field with only
 * TN scores precision = recall = F1 = 1. F1 is 2TP / (2TP + FA + FN + 2FD),
 * the harmonic mean of the two, which is 0 whenever TP = 0 and anything else
 * happened.
 */

import { addCounts, type DocumentEvaluation, NO_OUTCOMES, type OutcomeCounts } from './outcomes.ts';

/** Precision, recall and F1 of a set of outcomes. */
export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** One field across all documents. */
export interface FieldSummary extends OutcomeCounts, Scores {
  /** Documents in which the field was scored (its truth key present). */
  readonly documents: number;
  readonly weight: number;
}

/** One document across all its scored fields (micro). */
export interface DocumentSummary extends OutcomeCounts, Scores {}

/** Summary of an evaluation run. */
export interface EvaluationSummary {
  readonly documentCount: number;
  readonly fields: { readonly [path: string]: FieldSummary };
  /** Counts summed over every field of every document, then scored. */
  readonly micro: OutcomeCounts & Scores;
  /** Unweighted mean of the per-field scores; null when no field was scored. */
  readonly macro: Scores | null;
  /** Mean of per-field F1 weighted by the version's field weights; null when no field was scored. */
  readonly weightedScore: number | null;
  /** Per document, in input order. */
  readonly documents: readonly DocumentSummary[];
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/** Precision TP/(TP+FA+FD), recall TP/(TP+FN+FD), F1 their harmonic mean; 0/0 = 1. */
export function scores(counts: OutcomeCounts): Scores {
  const { tp, fa, fd, fn } = counts;
  return {
    precision: ratio(tp, tp + fa + fd),
    recall: ratio(tp, tp + fn + fd),
    f1: ratio(2 * tp, 2 * tp + fa + fn + 2 * fd),
  };
}

/** Micro F1 of summed counts (the statistic the paired bootstrap compares). */
export function microF1(counts: OutcomeCounts): number {
  return scores(counts).f1;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Summarises per-document evaluations. A field's weight is taken from the
 * first document that scored it (all documents of a run share one version).
 */
export function summarise(documents: readonly DocumentEvaluation[]): EvaluationSummary {
  const fieldCounts = new Map<
    string,
    { counts: OutcomeCounts; documents: number; weight: number }
  >();
  let micro = NO_OUTCOMES;
  const perDocument: DocumentSummary[] = [];

  for (const document of documents) {
    let documentTotal = NO_OUTCOMES;
    for (const [path, outcome] of Object.entries(document.fields)) {
      const previous = fieldCounts.get(path);
      fieldCounts.set(path, {
        counts: addCounts(previous?.counts ?? NO_OUTCOMES, outcome.counts),
        documents: (previous?.documents ?? 0) + 1,
        weight: previous?.weight ?? outcome.weight,
      });
      documentTotal = addCounts(documentTotal, outcome.counts);
    }
    micro = addCounts(micro, documentTotal);
    perDocument.push({ ...documentTotal, ...scores(documentTotal) });
  }

  const fields: Record<string, FieldSummary> = {};
  for (const [path, entry] of [...fieldCounts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    fields[path] = {
      ...entry.counts,
      ...scores(entry.counts),
      documents: entry.documents,
      weight: entry.weight,
    };
  }

  const fieldList = Object.values(fields);
  const totalWeight = fieldList.reduce((sum, field) => sum + field.weight, 0);
  return {
    documentCount: documents.length,
    fields,
    micro: { ...micro, ...scores(micro) },
    macro:
      fieldList.length === 0
        ? null
        : {
            precision: mean(fieldList.map((field) => field.precision)),
            recall: mean(fieldList.map((field) => field.recall)),
            f1: mean(fieldList.map((field) => field.f1)),
          },
    weightedScore:
      fieldList.length === 0
        ? null
        : fieldList.reduce((sum, field) => sum + field.weight * field.f1, 0) / totalWeight,
    documents: perDocument,
  };
}
