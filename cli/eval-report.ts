/**
 * What `medextract eval` reports, computed and formatted without I/O: the run
 * summary (per field, overall, per document type, failed documents), the
 * comparison of two prompt versions on the same documents, and their table
 * rows, `--json` shapes and Markdown reports.
 */
import {
  addCounts,
  type BootstrapOptions,
  type BootstrapResult,
  type DocumentEvaluation,
  documentCounts,
  type EvaluationSummary,
  type FieldSummary,
  NO_OUTCOMES,
  type OutcomeCounts,
  pairedBootstrap,
  type Scores,
  scores,
  summarise,
} from '#core/evaluation/index.ts';

/** One document of an evaluation run, already scored against its truth. */
export interface EvaluatedDocument {
  /** The dataset id: the PDF's file name without `.pdf`. */
  readonly id: string;
  /** Document type used for the per-type breakdown (see documentTypeOf). */
  readonly type: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** Reason code when FAILED, else null. */
  readonly reason: string | null;
  /** Outcomes per field; a failed document is scored as predicting nothing. */
  readonly evaluation: DocumentEvaluation;
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
  };
};

const failedOf = (run: EvalRun) => run.documents.filter((document) => document.status === 'FAILED');

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

/**
 * The `--json` shape of a single-version run. `version`, `documents`,
 * `failed`, `overall` (micro) and `fields` are the stable core; the other
 * keys add the macro and weighted scores, the per-type breakdown and one
 * entry per document (id, type, status, reason, counts, F1).
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
        reason: document.reason,
        ...counts,
        f1: scores(counts).f1,
      };
    }),
  };
};

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

const markdownTable = (
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
