/**
 * The evaluation report as terminal tables: formatted scores and deltas,
 * per-field, per-type and comparison rows, and the one-line verdict.
 */
import type { EvaluationSummary, OutcomeCounts, Scores } from '#core/evaluation/index.ts';
import type { Comparison, EvalRun } from '#core/evaluation/report.ts';

/** A score with three decimals; `-` for none. */
export const formatScore = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : value.toFixed(3);

/** A signed difference with three decimals (`+0.012`, `-0.040`); `-` for none. */
export const formatDelta = (value: number | null | undefined): string => {
  if (value === null || value === undefined) return '-';
  const rounded = value.toFixed(3);
  // -0.000 and +0.000 read as a change; a difference that rounds to nothing is shown as 0.000.
  if (Number(rounded) === 0) return '0.000';
  return value > 0 ? `+${rounded}` : rounded;
};

/** Header of the per-field table. */
export const FIELD_TABLE_HEAD = [
  'field',
  'tp',
  'fa',
  'fd',
  'fn',
  'tn',
  'precision',
  'recall',
  'f1',
] as const;

/** Per-field rows plus a final `overall (micro)` row, for the terminal table. */
export const fieldTableRows = (summary: EvaluationSummary): string[][] => {
  const row = (label: string, value: OutcomeCounts & Scores): string[] => [
    label,
    String(value.tp),
    String(value.fa),
    String(value.fd),
    String(value.fn),
    String(value.tn),
    formatScore(value.precision),
    formatScore(value.recall),
    formatScore(value.f1),
  ];
  return [
    ...Object.entries(summary.fields).map(([path, field]) => row(path, field)),
    row('overall (micro)', summary.micro),
  ];
};

/** Rows of the per-type table: type, documents, failed, micro precision, recall, F1. */
export const typeTableRows = (run: EvalRun): string[][] =>
  Object.entries(run.byType).map(([type, entry]) => [
    type,
    String(entry.documents),
    String(entry.failed),
    formatScore(entry.precision),
    formatScore(entry.recall),
    formatScore(entry.f1),
  ]);

/** Header of the per-type table. */
export const TYPE_TABLE_HEAD = [
  'document type',
  'documents',
  'failed',
  'precision',
  'recall',
  'f1',
] as const;

/** Header of the per-field comparison table for versions a and b. */
export const deltaTableHead = (a: string, b: string): string[] => [
  'field',
  `f1 ${a}`,
  `f1 ${b}`,
  'delta',
];

/** Per-field F1 under both versions and the difference, for the terminal table. */
export const deltaTableRows = (comparison: Comparison): string[][] =>
  Object.entries(comparison.fields).map(([path, field]) => [
    path,
    formatScore(field.a),
    formatScore(field.b),
    formatDelta(field.delta),
  ]);

/** One line stating the difference, its interval and the verdict. */
export const verdictLine = (comparison: Comparison): string => {
  const { bootstrap } = comparison;
  const [lower, upper] = bootstrap.interval;
  const percent = Math.round(bootstrap.confidence * 100);
  return (
    `micro-F1 ${comparison.b.version} - ${comparison.a.version} = ${formatDelta(bootstrap.difference)} ` +
    `(${percent}% CI ${formatDelta(lower)} to ${formatDelta(upper)}, ${bootstrap.documents} documents, ` +
    `${bootstrap.iterations} resamples): ${bootstrap.verdict}`
  );
};
