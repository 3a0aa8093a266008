/**
 * Held-out and tuned scores of one evaluation run side by side: micro scores
 * per split, per layout family and per field, from the run's scored documents
 * and each document's layout record. Pure: the caller reads the sidecars.
 */
import {
  breakdownByLayout,
  type FamilyScores,
  fieldsSideBySide,
  type LayoutRecord,
  UNLABELLED,
} from './families.ts';
import { type EvaluationSummary, type Scores, summarise } from './metrics.ts';
import type { OutcomeCounts } from './outcomes.ts';
import type { EvalRun } from './report.ts';

/** Micro scores of one split with its document and failure counts. */
export interface SplitScores extends OutcomeCounts, Scores {
  readonly split: string;
  readonly documents: number;
  readonly failed: number;
}

/** One field's F1 on each side of the split; null where that side did not score it. */
export interface FieldSplitRow {
  readonly path: string;
  readonly tuning: number | null;
  readonly heldOut: number | null;
  /** held-out minus tuning, when both sides scored the field. */
  readonly gap: number | null;
}

/** The layout part of an evaluation report. */
export interface LayoutReport {
  /** Splits present in the run: tuning, then held-out, then unlabelled. */
  readonly splits: readonly SplitScores[];
  /** Micro scores per family, sorted by split (tuning first), then name. */
  readonly families: readonly FamilyScores[];
  /** Every field either split scored, sorted by path. */
  readonly fields: readonly FieldSplitRow[];
}

const EMPTY: EvaluationSummary = summarise([]);

/**
 * The layout report of a run, or null when no document has a layout record
 * (a dataset without sidecars gets the report it always had). Documents
 * without a record form the `unlabelled` split and family.
 */
export function buildLayoutReport(
  run: EvalRun,
  layoutOf: (id: string) => LayoutRecord | null,
): LayoutReport | null {
  const layouts = run.documents.map((document) => layoutOf(document.id));
  if (layouts.every((layout) => layout === null)) return null;
  const breakdown = breakdownByLayout(
    run.documents.map((document, index) => ({
      id: document.id,
      layout: layouts[index] ?? null,
      evaluation: document.evaluation,
    })),
  );
  const failedIn = (split: string) =>
    run.documents.filter(
      (document, index) =>
        document.status === 'FAILED' && (layouts[index]?.split ?? UNLABELLED) === split,
    ).length;
  const splits = Object.entries(breakdown.splits).map(([split, summary]) => ({
    split,
    documents: summary.documentCount,
    failed: failedIn(split),
    ...summary.micro,
  }));
  const fields = fieldsSideBySide(
    breakdown.splits.tuning ?? EMPTY,
    breakdown.splits['held-out'] ?? EMPTY,
  ).map(([path, tuning, heldOut]) => ({
    path,
    tuning,
    heldOut,
    gap: tuning === null || heldOut === null ? null : heldOut - tuning,
  }));
  return { splits, families: breakdown.families, fields };
}

const scoresOf = (value: Scores): Scores => ({
  precision: value.precision,
  recall: value.recall,
  f1: value.f1,
});

/**
 * The `layouts` key of `medextract eval --json`: per split (counts and micro
 * scores), per family (micro scores) and per field (F1 on each side and the
 * held-out minus tuning gap).
 */
export function layoutsJson(report: LayoutReport) {
  return {
    splits: Object.fromEntries(
      report.splits.map((entry) => [
        entry.split,
        {
          documents: entry.documents,
          failed: entry.failed,
          tp: entry.tp,
          fa: entry.fa,
          fd: entry.fd,
          fn: entry.fn,
          tn: entry.tn,
          ...scoresOf(entry),
        },
      ]),
    ),
    families: report.families.map((entry) => ({
      family: entry.family,
      split: entry.split,
      documents: entry.documents,
      ...scoresOf(entry),
    })),
    fields: Object.fromEntries(
      report.fields.map((row) => [
        row.path,
        { tuning: row.tuning, heldOut: row.heldOut, gap: row.gap },
      ]),
    ),
  };
}
