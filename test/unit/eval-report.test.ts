/**
 * What `medextract eval` reports, from hand-built per-document outcomes:
 * per-field, overall and per-type scores, the `--json` shapes, the terminal
 * rows, the Markdown reports and the two-version comparison with its verdict.
 */
import { describe, expect, it } from 'vitest';
import { compareMarkdown, evalMarkdown } from '#cli/eval-render-markdown.ts';
import {
  deltaTableRows,
  fieldTableRows,
  formatDelta,
  typeTableRows,
  verdictLine,
} from '#cli/eval-render-terminal.ts';
import type { DocumentEvaluation, OutcomeCounts } from '#core/evaluation/index.ts';
import {
  buildEvalRun,
  compareRuns,
  documentTypeOf,
  type EvaluatedDocument,
} from '#core/evaluation/report.ts';
import { compareJson, evalJson } from '#core/evaluation/report-json.ts';

const counts = (partial: Partial<OutcomeCounts>): OutcomeCounts => ({
  tp: 0,
  fa: 0,
  fd: 0,
  fn: 0,
  tn: 0,
  ...partial,
});

const evaluation = (
  fields: Record<string, { counts: Partial<OutcomeCounts>; weight?: number }>,
): DocumentEvaluation => ({
  fields: Object.fromEntries(
    Object.entries(fields).map(([path, field]) => [
      path,
      { counts: counts(field.counts), weight: field.weight ?? 1 },
    ]),
  ),
});

const succeeded = (id: string, type: string, fields: DocumentEvaluation): EvaluatedDocument => ({
  id,
  type,
  status: 'SUCCEEDED',
  reason: null,
  evaluation: fields,
});

/** Three documents: two extracted with some errors, one failed (all FN). */
const threeDocuments = (): EvaluatedDocument[] => [
  succeeded(
    'aps-0001',
    'attending_physician_statement',
    evaluation({
      'patient.name': { counts: { tp: 1 }, weight: 2 },
      labs: { counts: { tp: 2, fd: 1 } },
    }),
  ),
  succeeded(
    'lab-0002',
    'lab_report',
    evaluation({
      'patient.name': { counts: { fd: 1 }, weight: 2 },
      labs: { counts: { tp: 1, fa: 1 } },
    }),
  ),
  {
    id: 'off-0003',
    type: 'office_note',
    status: 'FAILED',
    reason: 'INVALID_PDF',
    evaluation: evaluation({
      'patient.name': { counts: { fn: 1 }, weight: 2 },
      labs: { counts: { fn: 2 } },
    }),
  },
];

describe('documentTypeOf', () => {
  it('takes the truth document type, then the id prefix, then other', () => {
    // Prepare
    const labelled = { encounter: { documentType: 'discharge_summary' } };
    // Act
    const types = [
      documentTypeOf('aps-0001', labelled),
      documentTypeOf('aps-0001', { encounter: { documentType: null } }),
      documentTypeOf('LAB-7', {}),
      documentTypeOf('dis-0003', null),
      documentTypeOf('off-0004', { encounter: {} }),
      documentTypeOf('scan-0001', {}),
      documentTypeOf('aps', {}),
    ];
    // Assess
    expect(types).toEqual([
      'discharge_summary',
      'attending_physician_statement',
      'lab_report',
      'discharge_summary',
      'office_note',
      'other',
      'other',
    ]);
  });
});

describe('evalJson', () => {
  it('holds the stable keys with pooled micro scores and per-field counts', () => {
    // Prepare
    const run = buildEvalRun('2.0.0', threeDocuments());
    // Act
    const json = evalJson(run);
    // Assess
    expect(json.version).toBe('2.0.0');
    expect(json.documents).toBe(3);
    expect(json.failed).toBe(1);
    // micro: tp 4, fa 1, fd 2, fn 3
    expect(json.overall.precision).toBeCloseTo(4 / 7, 12);
    expect(json.overall.recall).toBeCloseTo(4 / 9, 12);
    expect(json.overall.f1).toBeCloseTo(0.5, 12);
    expect(Object.keys(json.overall).sort()).toEqual(['f1', 'precision', 'recall']);
    expect(Object.keys(json.fields)).toEqual(['labs', 'patient.name']);
    expect(json.fields.labs).toEqual({
      tp: 3,
      fa: 1,
      fd: 1,
      fn: 2,
      tn: 0,
      precision: 0.6,
      recall: 0.5,
      f1: 6 / 11,
    });
    expect(json.fields['patient.name']).toMatchObject({ tp: 1, fd: 1, fn: 1, f1: 0.4 });
  });

  it('adds macro, weighted, per-type, failed and per-document entries', () => {
    // Prepare
    const run = buildEvalRun('2.0.0', threeDocuments());
    // Act
    const json = evalJson(run);
    // Assess
    expect(json.macro?.f1).toBeCloseTo((0.4 + 6 / 11) / 2, 12);
    expect(json.weightedScore).toBeCloseTo((2 * 0.4 + 6 / 11) / 3, 12);
    expect(json.byType).toEqual({
      attending_physician_statement: {
        documents: 1,
        failed: 0,
        precision: 0.75,
        recall: 0.75,
        f1: 0.75,
      },
      lab_report: { documents: 1, failed: 0, precision: 1 / 3, recall: 0.5, f1: 0.4 },
      office_note: { documents: 1, failed: 1, precision: 1, recall: 0, f1: 0 },
    });
    expect(json.failedDocuments).toEqual([{ id: 'off-0003', reason: 'INVALID_PDF' }]);
    expect(json.documentResults[2]).toEqual({
      id: 'off-0003',
      type: 'office_note',
      status: 'FAILED',
      outcome: null,
      reason: 'INVALID_PDF',
      tp: 0,
      fa: 0,
      fd: 0,
      fn: 3,
      tn: 0,
      f1: 0,
    });
    expect(json.review).toEqual({ documents: 0, needsReview: 0, share: null });
  });

  it('counts the documents sent to review among those whose ledger outcome is known', () => {
    // Prepare
    const [first, second, third] = threeDocuments();
    if (!first || !second || !third) throw new Error('three documents expected');
    const run = buildEvalRun('2.0.0', [
      { ...first, outcome: 'NEEDS_REVIEW' },
      { ...second, outcome: 'SUCCEEDED' },
      { ...third, outcome: 'FAILED' },
    ]);
    // Act
    const json = evalJson(run);
    // Assess
    expect(json.review).toEqual({ documents: 3, needsReview: 1, share: 1 / 3 });
    expect(json.documentResults.map((document) => document.outcome)).toEqual([
      'NEEDS_REVIEW',
      'SUCCEEDED',
      'FAILED',
    ]);
  });
});

describe('terminal rows', () => {
  it('prints one row per field and a final micro row, three decimals', () => {
    // Prepare
    const run = buildEvalRun('2.0.0', threeDocuments());
    // Act
    const rows = fieldTableRows(run.summary);
    const types = typeTableRows(run);
    // Assess
    expect(rows).toEqual([
      ['labs', '3', '1', '1', '2', '0', '0.600', '0.500', '0.545'],
      ['patient.name', '1', '0', '1', '1', '0', '0.500', '0.333', '0.400'],
      ['overall (micro)', '4', '1', '2', '3', '0', '0.571', '0.444', '0.500'],
    ]);
    expect(types).toEqual([
      ['attending_physician_statement', '1', '0', '0.750', '0.750', '0.750'],
      ['lab_report', '1', '0', '0.333', '0.500', '0.400'],
      ['office_note', '1', '1', '1.000', '0.000', '0.000'],
    ]);
  });

  it('signs deltas and shows a difference that rounds to nothing as 0.000', () => {
    // Act
    const formatted = [0.0123, -0.04, -0.0001, 0, null].map(formatDelta);
    // Assess
    expect(formatted).toEqual(['+0.012', '-0.040', '0.000', '0.000', '-']);
  });
});

describe('evalMarkdown', () => {
  it('reports overall, per type, per field and the failed documents', () => {
    // Prepare
    const run = buildEvalRun('2.0.0', threeDocuments());
    // Act
    const markdown = evalMarkdown(run);
    // Assess
    expect(markdown).toContain('# Evaluation of prompt version 2.0.0');
    expect(markdown).toContain('3 documents, 2 succeeded, 1 failed.');
    expect(markdown).toContain('| micro (all field outcomes pooled) | 0.571 | 0.444 | 0.500 |');
    expect(markdown).toContain('| weighted (field weights of the version) | - | - | 0.448 |');
    expect(markdown).toContain('| lab_report | 1 | 0 | 0.333 | 0.500 | 0.400 |');
    expect(markdown).toContain(
      '| `patient.name` | 2 | 3 | 1 | 0 | 1 | 1 | 0 | 0.500 | 0.333 | 0.400 |',
    );
    expect(markdown).toContain('| `off-0003` | office_note | INVALID_PDF |');
  });

  it('says None when nothing failed', () => {
    // Prepare
    const [first] = threeDocuments();
    const run = buildEvalRun('1.0.0', first ? [first] : []);
    // Act
    const markdown = evalMarkdown(run);
    // Assess
    expect(markdown).toMatch(/## Failed documents\n\nNone\.\n$/);
  });
});

/** n documents; under A half of field `x` is missed, under B everything is found. */
const pairedRuns = (n: number) => {
  const ids = Array.from({ length: n }, (_, index) => `off-${String(index + 1).padStart(4, '0')}`);
  const a = buildEvalRun(
    '1.1.0',
    ids.map((id) => succeeded(id, 'office_note', evaluation({ x: { counts: { tp: 1, fn: 1 } } }))),
  );
  const b = buildEvalRun(
    '2.0.0',
    ids.map((id) =>
      succeeded(
        id,
        'office_note',
        // `onlyB` is wrong everywhere but is not declared by A, so it stays out of the difference.
        evaluation({ x: { counts: { tp: 2 } }, onlyB: { counts: { fd: 1 } } }),
      ),
    ),
  );
  return { a, b };
};

describe('compareRuns', () => {
  it('finds B better when it wins on every document, on the shared fields only', () => {
    // Prepare
    const { a, b } = pairedRuns(10);
    // Act
    const comparison = compareRuns(a, b, { iterations: 500, seed: 'unit' });
    // Assess
    expect(comparison.comparedFields).toEqual(['x']);
    expect(comparison.overallA.f1).toBeCloseTo(2 / 3, 12);
    expect(comparison.overallB.f1).toBe(1);
    expect(comparison.bootstrap.difference).toBeCloseTo(1 / 3, 12);
    expect(comparison.bootstrap.verdict).toBe('better');
    expect(comparison.bootstrap.interval[0]).toBeGreaterThan(0);
    expect(comparison.fields).toEqual({
      onlyB: { a: null, b: 0, delta: null },
      x: { a: 2 / 3, b: 1, delta: 1 - 2 / 3 },
    });
  });

  it('finds the reverse worse, and identical runs inconclusive', () => {
    // Prepare
    const { a, b } = pairedRuns(10);
    // Act
    const worse = compareRuns(b, a, { iterations: 500, seed: 'unit' });
    const same = compareRuns(a, a, { iterations: 500, seed: 'unit' });
    // Assess
    expect(worse.bootstrap.verdict).toBe('worse');
    expect(worse.bootstrap.interval[1]).toBeLessThan(0);
    expect(same.bootstrap.verdict).toBe('inconclusive');
    expect(same.bootstrap.interval).toEqual([0, 0]);
  });

  it('refuses runs over different documents', () => {
    // Prepare
    const { a } = pairedRuns(3);
    const { b } = pairedRuns(4);
    // Act
    const act = () => compareRuns(a, b, { iterations: 10, seed: 'unit' });
    // Assess
    expect(act).toThrow('the two runs hold different documents');
  });

  it('gives the comparison JSON, rows, verdict line and Markdown', () => {
    // Prepare
    const { a, b } = pairedRuns(10);
    const comparison = compareRuns(a, b, { iterations: 500, seed: 'unit' });
    // Act
    const json = compareJson(comparison);
    const rows = deltaTableRows(comparison);
    const line = verdictLine(comparison);
    const markdown = compareMarkdown(comparison);
    // Assess
    expect(json.a).toEqual({
      version: '1.1.0',
      documents: 10,
      failed: 0,
      overall: { precision: 1, recall: 0.5, f1: 2 / 3 },
    });
    expect(json.b.overall.f1).toBeCloseTo(2 / 3, 12);
    expect(json.comparedFields).toEqual(['x']);
    expect(json.overall).toMatchObject({
      a: { f1: 2 / 3 },
      b: { f1: 1 },
      confidence: 0.95,
      iterations: 500,
      verdict: 'better',
    });
    expect(json.overall.difference).toBeCloseTo(1 / 3, 12);
    expect(json.failedDocuments).toEqual({ a: [], b: [] });
    expect(rows).toEqual([
      ['onlyB', '-', '0.000', '-'],
      ['x', '0.667', '1.000', '+0.333'],
    ]);
    expect(line).toMatch(
      /^micro-F1 2\.0\.0 - 1\.1\.0 = \+0\.333 \(95% CI \+0\.\d{3} to \+0\.\d{3}, 10 documents, 500 resamples\): better$/,
    );
    expect(markdown).toContain('# Comparison of prompt versions 1.1.0 and 2.0.0');
    expect(markdown).toContain(`${line}.`);
    expect(markdown).toContain(
      'Fields declared by one version only (not in the difference): `onlyB`.',
    );
    expect(markdown).toContain('| `x` | 0.667 | 1.000 | +0.333 |');
  });
});
