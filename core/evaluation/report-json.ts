/**
 * The `--json` shapes of an evaluation run and of a comparison: plain data
 * the CLI prints and the HTTP API will return.
 */
import type { CalibrationFigures, CalibrationResult } from './calibration.ts';
import { documentCounts, type FieldSummary, type Scores, scores } from './index.ts';
import { type Comparison, type EvalRun, failedOf } from './report.ts';

const scoresOf = (value: Scores): Scores => ({
  precision: value.precision,
  recall: value.recall,
  f1: value.f1,
});

const fieldJson = (field: FieldSummary) => ({
  tp: field.tp,
  fa: field.fa,
  fd: field.fd,
  fn: field.fn,
  tn: field.tn,
  precision: field.precision,
  recall: field.recall,
  f1: field.f1,
});

const figuresJson = (figures: CalibrationFigures) => ({
  auroc: figures.auroc,
  ece: figures.ece,
  groundedShare: figures.groundedShare,
  values: figures.values,
  correct: figures.correct,
  bins: figures.bins.map((bin) => ({ ...bin })),
});

/**
 * The `calibration` key: overall and per-field figures (`auroc`, `ece`,
 * `groundedShare`, `bins`, and how many values were judged), or null when
 * the run had no confidence to judge; `calibrationUnavailable` then says why.
 */
export const calibrationJson = (result: CalibrationResult) =>
  result.available
    ? {
        calibration: {
          ...figuresJson(result.summary.overall),
          documents: result.summary.documents,
          withoutConfidence: result.summary.withoutConfidence,
          fields: Object.fromEntries(
            Object.entries(result.summary.fields).map(([path, figures]) => [
              path,
              figuresJson(figures),
            ]),
          ),
        },
        calibrationUnavailable: null,
      }
    : { calibration: null, calibrationUnavailable: { ...result.unavailable } };

/**
 * How many documents the pipeline sent to review (ledger outcome
 * NEEDS_REVIEW) of those whose outcome is known; a null share when none is.
 */
const reviewJson = (run: EvalRun) => {
  const known = run.documents.filter((document) => document.outcome !== undefined);
  const needsReview = known.filter((document) => document.outcome === 'NEEDS_REVIEW').length;
  return {
    documents: known.length,
    needsReview,
    share: known.length === 0 ? null : needsReview / known.length,
  };
};

/**
 * The `--json` shape of a single-version run. `version`, `documents`,
 * `failed`, `overall` (micro) and `fields` are the stable core; the other
 * keys add the macro and weighted scores, the per-type breakdown, the
 * calibration of confidence (see calibrationJson), the share of documents
 * sent to review (`review`) and one entry per document (id, type, status,
 * ledger outcome, reason, counts, F1).
 */
export const evalJson = (run: EvalRun) => {
  const { summary } = run;
  return {
    version: run.version,
    documents: summary.documentCount,
    failed: failedOf(run).length,
    overall: scoresOf(summary.micro),
    fields: Object.fromEntries(
      Object.entries(summary.fields).map(([path, field]) => [path, fieldJson(field)]),
    ),
    macro: summary.macro === null ? null : scoresOf(summary.macro),
    weightedScore: summary.weightedScore,
    byType: Object.fromEntries(
      Object.entries(run.byType).map(([type, entry]) => [
        type,
        { documents: entry.documents, failed: entry.failed, ...scoresOf(entry) },
      ]),
    ),
    ...calibrationJson(run.calibration),
    review: reviewJson(run),
    failedDocuments: failedOf(run).map((document) => ({
      id: document.id,
      reason: document.reason,
    })),
    documentResults: run.documents.map((document) => {
      const counts = documentCounts(document.evaluation);
      return {
        id: document.id,
        type: document.type,
        status: document.status,
        outcome: document.outcome ?? null,
        reason: document.reason,
        ...counts,
        f1: scores(counts).f1,
      };
    }),
  };
};

const runHeadline = (run: EvalRun) => ({
  version: run.version,
  documents: run.summary.documentCount,
  failed: failedOf(run).length,
  overall: scoresOf(run.summary.micro),
});

/**
 * The `--json` shape of a comparison: each version's own headline (all its
 * fields), the difference on the compared fields with its interval and
 * verdict, and per-field F1 under both versions.
 */
export const compareJson = (comparison: Comparison) => ({
  a: runHeadline(comparison.a),
  b: runHeadline(comparison.b),
  comparedFields: comparison.comparedFields,
  overall: {
    a: scoresOf(comparison.overallA),
    b: scoresOf(comparison.overallB),
    difference: comparison.bootstrap.difference,
    interval: comparison.bootstrap.interval,
    confidence: comparison.bootstrap.confidence,
    iterations: comparison.bootstrap.iterations,
    verdict: comparison.bootstrap.verdict,
  },
  fields: comparison.fields,
  failedDocuments: {
    a: failedOf(comparison.a).map((document) => ({ id: document.id, reason: document.reason })),
    b: failedOf(comparison.b).map((document) => ({ id: document.id, reason: document.reason })),
  },
});
