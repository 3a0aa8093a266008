/**
 * The evaluation report as Markdown: the single-version report and the
 * comparison report written by `medextract eval --report`.
 */
import type { EvaluationSummary, Scores } from '#core/evaluation/index.ts';
import { type Comparison, type EvalRun, failedOf } from '#core/evaluation/report.ts';
import {
  deltaTableHead,
  deltaTableRows,
  formatScore,
  TYPE_TABLE_HEAD,
  typeTableRows,
  verdictLine,
} from './eval-render-terminal.ts';

/** A Markdown table; columns from `numericFrom` on are right-aligned. */
export const markdownTable = (
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string>>,
  numericFrom = 1,
): string => {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  const align = head.map((_, index) => (index >= numericFrom ? '---:' : '---'));
  return [
    `| ${head.map(escapeCell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
};

const code = (text: string) => `\`${text}\``;

const overallMarkdown = (summary: EvaluationSummary): string =>
  markdownTable(
    ['score', 'precision', 'recall', 'f1'],
    [
      ['micro (all field outcomes pooled)', ...scoreCells(summary.micro)],
      ['macro (mean over fields)', ...scoreCells(summary.macro)],
      ['weighted (field weights of the version)', '-', '-', formatScore(summary.weightedScore)],
    ],
  );

const scoreCells = (value: Scores | null): string[] => [
  formatScore(value?.precision),
  formatScore(value?.recall),
  formatScore(value?.f1),
];

const fieldsMarkdown = (summary: EvaluationSummary): string =>
  markdownTable(
    ['field', 'weight', 'documents', 'TP', 'FA', 'FD', 'FN', 'TN', 'precision', 'recall', 'F1'],
    Object.entries(summary.fields).map(([path, field]) => [
      code(path),
      String(field.weight),
      String(field.documents),
      String(field.tp),
      String(field.fa),
      String(field.fd),
      String(field.fn),
      String(field.tn),
      formatScore(field.precision),
      formatScore(field.recall),
      formatScore(field.f1),
    ]),
  );

const failedMarkdown = (run: EvalRun): string => {
  const failed = failedOf(run);
  if (failed.length === 0) return 'None.';
  return [
    'Each failed document is scored as if nothing was extracted: every field its truth states counts as FN.',
    '',
    markdownTable(
      ['document', 'type', 'reason'],
      failed.map((document) => [code(document.id), document.type, document.reason ?? 'UNKNOWN']),
      3,
    ),
  ].join('\n');
};

/** The Markdown report of a single-version run. */
export const evalMarkdown = (run: EvalRun): string => {
  const { summary } = run;
  const failed = failedOf(run).length;
  return [
    `# Evaluation of prompt version ${run.version}`,
    '',
    `${summary.documentCount} documents, ${summary.documentCount - failed} succeeded, ${failed} failed.`,
    '',
    '## Overall',
    '',
    overallMarkdown(summary),
    '',
    '## By document type (micro)',
    '',
    markdownTable(TYPE_TABLE_HEAD, typeTableRows(run)),
    '',
    '## By field',
    '',
    fieldsMarkdown(summary),
    '',
    '## Failed documents',
    '',
    failedMarkdown(run),
    '',
  ].join('\n');
};

/** The Markdown report of a comparison. */
export const compareMarkdown = (comparison: Comparison): string => {
  const { a, b, bootstrap } = comparison;
  const failedA = failedOf(a);
  const failedB = failedOf(b);
  const onlyOne = Object.entries(comparison.fields)
    .filter(([, field]) => field.delta === null)
    .map(([path]) => code(path));
  return [
    `# Comparison of prompt versions ${a.version} and ${b.version}`,
    '',
    `${bootstrap.documents} documents, each run under both versions.`,
    '',
    '## Verdict',
    '',
    `${verdictLine(comparison)}.`,
    '',
    `The difference is micro-F1 on the ${comparison.comparedFields.length} fields both versions declare, ` +
      'each version scored with its own comparators; the interval is a paired bootstrap over documents ' +
      `(seeded, ${bootstrap.iterations} resamples). \`better\` or \`worse\` only when the interval excludes 0.`,
    '',
    ...(onlyOne.length > 0
      ? [`Fields declared by one version only (not in the difference): ${onlyOne.join(', ')}.`, '']
      : []),
    markdownTable(
      ['version', 'precision', 'recall', 'F1', 'failed'],
      [
        [a.version, ...scoreCells(comparison.overallA), String(failedA.length)],
        [b.version, ...scoreCells(comparison.overallB), String(failedB.length)],
      ],
    ),
    '',
    '## By field (F1)',
    '',
    markdownTable(
      deltaTableHead(a.version, b.version),
      deltaTableRows(comparison).map(([path = '', ...rest]) => [code(path), ...rest]),
    ),
    '',
    '## Failed documents',
    '',
    failedA.length + failedB.length === 0
      ? 'None.'
      : markdownTable(
          ['version', 'document', 'reason'],
          [
            ...failedA.map((document) => [
              a.version,
              code(document.id),
              document.reason ?? 'UNKNOWN',
            ]),
            ...failedB.map((document) => [
              b.version,
              code(document.id),
              document.reason ?? 'UNKNOWN',
            ]),
          ],
          3,
        ),
    '',
  ].join('\n');
};
