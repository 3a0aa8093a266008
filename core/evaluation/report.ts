/**
 * The evaluation report's numbers, computed without I/O: one prompt version's
 * run over a dataset (per field, overall, per document type, failed
 * documents) and the paired comparison of two versions on the same documents.
 */

import {
  type CalibrationResult,
  type LabelledDocument,
  summariseCalibration,
} from './calibration.ts';
import {
  addCounts,
  type BootstrapOptions,
  type BootstrapResult,
  type DocumentEvaluation,
  documentCounts,
  type EvaluationSummary,
  NO_OUTCOMES,
  type OutcomeCounts,
  pairedBootstrap,
  type Scores,
  scores,
  summarise,
} from './index.ts';

/** One document of an evaluation run, already scored against its truth. */
export interface EvaluatedDocument {
  /** The dataset id: the PDF's file name without `.pdf`. */
  readonly id: string;
  /** Document type used for the per-type breakdown (see documentTypeOf). */
  readonly type: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** The ledger outcome: as `status`, or NEEDS_REVIEW for a succeeded extraction sent to review; absent when unknown. */
  readonly outcome?: 'SUCCEEDED' | 'NEEDS_REVIEW' | 'FAILED';
  /** Reason code when FAILED, else null. */
  readonly reason: string | null;
  /** Outcomes per field; a failed document is scored as predicting nothing. */
  readonly evaluation: DocumentEvaluation;
  /** Its values labelled for calibration; null or absent when the result had no confidence map. */
  readonly calibration?: LabelledDocument | null;
}

/** Counts and scores of the documents of one type. */
export interface TypeSummary extends OutcomeCounts, Scores {
  readonly documents: number;
  readonly failed: number;
}

/** One prompt version run over a dataset. */
export interface EvalRun {
  readonly version: string;
  readonly documents: readonly EvaluatedDocument[];
  readonly summary: EvaluationSummary;
  /** Micro scores per document type, keyed by type, sorted by type. */
  readonly byType: { readonly [type: string]: TypeSummary };
  /** Confidence against correctness, or why there is none. */
  readonly calibration: CalibrationResult;
}

/** Document types by the id prefix the corpus generator gives them. */
const TYPE_BY_PREFIX: Readonly<Record<string, string>> = {
  aps: 'attending_physician_statement',
  lab: 'lab_report',
  dis: 'discharge_summary',
  off: 'office_note',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Type of a dataset document: the truth's `encounter.documentType` when it
 * names one, else the type its id prefix stands for (`aps-`, `lab-`, `dis-`,
 * `off-`), else `other`.
 */
export const documentTypeOf = (id: string, truth: unknown): string => {
  const encounter = isObject(truth) ? truth.encounter : undefined;
  const labelled = isObject(encounter) ? encounter.documentType : undefined;
  if (typeof labelled === 'string' && labelled.trim() !== '') return labelled;
  const prefix = /^([a-z]+)-/i.exec(id)?.[1]?.toLowerCase() ?? '';
  return TYPE_BY_PREFIX[prefix] ?? 'other';
};

/** Summarises the scored documents of one version: per field, overall and per type. */
export const buildEvalRun = (version: string, documents: readonly EvaluatedDocument[]): EvalRun => {
  const perType = new Map<string, { counts: OutcomeCounts; documents: number; failed: number }>();
  for (const document of documents) {
    const previous = perType.get(document.type) ?? { counts: NO_OUTCOMES, documents: 0, failed: 0 };
    perType.set(document.type, {
      counts: addCounts(previous.counts, documentCounts(document.evaluation)),
      documents: previous.documents + 1,
      failed: previous.failed + (document.status === 'FAILED' ? 1 : 0),
    });
  }
  const byType: Record<string, TypeSummary> = {};
  for (const [type, entry] of [...perType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    byType[type] = {
      documents: entry.documents,
      failed: entry.failed,
      ...entry.counts,
      ...scores(entry.counts),
    };
  }
  return {
    version,
    documents,
    summary: summarise(documents.map((document) => document.evaluation)),
    byType,
    calibration: summariseCalibration(documents.map((document) => document.calibration ?? null)),
  };
};

/** The documents of a run that FAILED. */
export const failedOf = (run: EvalRun) =>
  run.documents.filter((document) => document.status === 'FAILED');

/** F1 of one field under both versions; null where a version does not declare the field. */
export interface FieldDelta {
  readonly a: number | null;
  readonly b: number | null;
  /** b - a, when both declare the field. */
  readonly delta: number | null;
}

/** Two versions run over the same documents. */
export interface Comparison {
  readonly a: EvalRun;
  readonly b: EvalRun;
  /** Paths both versions declare: the fields the headline difference is computed on. */
  readonly comparedFields: readonly string[];
  /** Micro precision, recall and F1 of each version on the compared fields. */
  readonly overallA: OutcomeCounts & Scores;
  readonly overallB: OutcomeCounts & Scores;
  /** Paired bootstrap of micro-F1(b) - micro-F1(a) on the compared fields. */
  readonly bootstrap: BootstrapResult;
  /** Every field either version declares, sorted. */
  readonly fields: { readonly [path: string]: FieldDelta };
}

const restrict = (
  evaluation: DocumentEvaluation,
  paths: ReadonlySet<string>,
): DocumentEvaluation => ({
  fields: Object.fromEntries(Object.entries(evaluation.fields).filter(([path]) => paths.has(path))),
});

const withScores = (counts: OutcomeCounts): OutcomeCounts & Scores => ({
  ...counts,
  ...scores(counts),
});

/**
 * Compares two runs of the same documents (paired by id). The headline
 * difference and its bootstrap interval use only the fields both versions
 * declare, each version scored with its own comparators, so a version is
 * neither rewarded nor penalised for fields the other does not extract.
 * @throws RangeError when the runs hold different document ids or share no field.
 */
export const compareRuns = (a: EvalRun, b: EvalRun, options: BootstrapOptions): Comparison => {
  const idsA = a.documents.map((document) => document.id);
  const byIdB = new Map(b.documents.map((document) => [document.id, document]));
  if (idsA.length !== byIdB.size || idsA.some((id) => !byIdB.has(id))) {
    throw new RangeError('the two runs hold different documents');
  }
  const pathsA = Object.keys(a.summary.fields);
  const pathsB = new Set(Object.keys(b.summary.fields));
  const common = new Set(pathsA.filter((path) => pathsB.has(path)));
  if (common.size === 0) throw new RangeError('the two versions share no scored field');

  const countsA: OutcomeCounts[] = [];
  const countsB: OutcomeCounts[] = [];
  for (const document of a.documents) {
    const paired = byIdB.get(document.id);
    if (paired === undefined) continue;
    countsA.push(documentCounts(restrict(document.evaluation, common)));
    countsB.push(documentCounts(restrict(paired.evaluation, common)));
  }

  const fields: Record<string, FieldDelta> = {};
  for (const path of [...new Set([...pathsA, ...pathsB])].sort((x, y) => x.localeCompare(y))) {
    const f1A = a.summary.fields[path]?.f1 ?? null;
    const f1B = b.summary.fields[path]?.f1 ?? null;
    fields[path] = { a: f1A, b: f1B, delta: f1A === null || f1B === null ? null : f1B - f1A };
  }

  return {
    a,
    b,
    comparedFields: [...common].sort((x, y) => x.localeCompare(y)),
    overallA: withScores(countsA.reduce(addCounts, NO_OUTCOMES)),
    overallB: withScores(countsB.reduce(addCounts, NO_OUTCOMES)),
    bootstrap: pairedBootstrap(countsA, countsB, options),
    fields,
  };
};
