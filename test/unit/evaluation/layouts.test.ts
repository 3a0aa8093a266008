/**
 * Held-out and tuned scores side by side, from hand-built outcomes: the
 * layout report of a run, its `--json` shape, its terminal and Markdown rows,
 * and reading the `<id>.layout.json` sidecars of a dataset folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayouts } from '#cli/eval-layouts.ts';
import {
  familyTableRows,
  fieldSplitRows,
  layoutsMarkdown,
  splitTableRows,
} from '#cli/eval-render-layouts.ts';
import { UsageError } from '#cli/output.ts';
import type { DocumentEvaluation, LayoutRecord, OutcomeCounts } from '#core/evaluation/index.ts';
import { buildLayoutReport, type LayoutReport, layoutsJson } from '#core/evaluation/layouts.ts';
import { buildEvalRun, type EvaluatedDocument } from '#core/evaluation/report.ts';

const evaluation = (fields: Record<string, Partial<OutcomeCounts>>): DocumentEvaluation => ({
  fields: Object.fromEntries(
    Object.entries(fields).map(([path, partial]) => [
      path,
      { counts: { tp: 0, fa: 0, fd: 0, fn: 0, tn: 0, ...partial }, weight: 1 },
    ]),
  ),
});

const scoredDocument = (
  id: string,
  fields: Record<string, Partial<OutcomeCounts>>,
  status: EvaluatedDocument['status'] = 'SUCCEEDED',
): EvaluatedDocument => ({
  id,
  type: 'other',
  status,
  reason: status === 'FAILED' ? 'PDF_UNREADABLE' : null,
  evaluation: evaluation(fields),
});

/**
 * Two tuning families (one document each), one held-out family (two
 * documents, one failed and scored all-FN) and one document without a sidecar.
 */
const run = buildEvalRun('2.0.0', [
  scoredDocument('t-1', { 'patient.name': { tp: 1 }, labs: { tp: 2, fd: 1 } }),
  scoredDocument('t-2', { 'patient.name': { tp: 1 }, labs: { tp: 1, fn: 1 } }),
  scoredDocument('h-1', { 'patient.name': { fn: 1 }, labs: { fn: 3 } }, 'FAILED'),
  scoredDocument('h-2', { 'patient.name': { fd: 1 }, labs: { tp: 3 } }),
  scoredDocument('u-1', { 'patient.name': { tp: 1 } }),
]);

const LAYOUTS: Record<string, LayoutRecord> = {
  't-1': { family: 'alpha', split: 'tuning' },
  't-2': { family: 'beta', split: 'tuning' },
  'h-1': { family: 'gamma', split: 'held-out' },
  'h-2': { family: 'gamma', split: 'held-out' },
};
const layoutOf = (id: string) => LAYOUTS[id] ?? null;

const report = (): LayoutReport => {
  const built = buildLayoutReport(run, layoutOf);
  if (built === null) throw new Error('expected a layout report');
  return built;
};

describe('buildLayoutReport', () => {
  it('is null when no document has a layout record', () => {
    expect(buildLayoutReport(run, () => null)).toBeNull();
  });

  it('scores each split by pooled counts, tuning first, with documents and failures', () => {
    // Tuning: TP 1+2+1+1 = 5, FD 1, FN 1 -> P 5/6, R 5/7, F1 10/13.
    // Held-out: TP 3, FD 1, FN 1+3 = 4 -> P 3/4, R 3/8, F1 6/12.
    const { splits } = report();
    expect(splits.map((entry) => [entry.split, entry.documents, entry.failed])).toEqual([
      ['tuning', 2, 0],
      ['held-out', 2, 1],
      ['unlabelled', 1, 0],
    ]);
    expect(splits[0]).toMatchObject({ tp: 5, fd: 1, fn: 1, fa: 0 });
    expect(splits[0]?.precision).toBeCloseTo(5 / 6, 12);
    expect(splits[0]?.recall).toBeCloseTo(5 / 7, 12);
    expect(splits[0]?.f1).toBeCloseTo(10 / 13, 12);
    expect(splits[1]).toMatchObject({ tp: 3, fd: 1, fn: 4, precision: 0.75, recall: 0.375 });
    expect(splits[1]?.f1).toBeCloseTo(0.5, 12);
    expect(splits[2]).toMatchObject({ tp: 1, precision: 1, recall: 1, f1: 1 });
  });

  it('scores each family, tuning families first', () => {
    // alpha: TP 3, FD 1 -> F1 6/8. beta: TP 2, FN 1 -> F1 4/5. gamma: the held-out split.
    expect(report().families.map((entry) => [entry.family, entry.split, entry.documents])).toEqual([
      ['alpha', 'tuning', 1],
      ['beta', 'tuning', 1],
      ['gamma', 'held-out', 2],
      ['unlabelled', 'unlabelled', 1],
    ]);
    expect(report().families.map((entry) => entry.f1)).toEqual([0.75, 0.8, 0.5, 1]);
  });

  it('puts each field tuning beside held-out with the gap', () => {
    // labs: tuning TP 3, FD 1, FN 1 -> 6/9; held-out TP 3, FN 3 -> 6/9.
    // patient.name: tuning TP 2 -> 1; held-out FN 1, FD 1 -> 0.
    const fields = report().fields;
    expect(fields.map((row) => row.path)).toEqual(['labs', 'patient.name']);
    expect(fields[0]?.tuning).toBeCloseTo(2 / 3, 12);
    expect(fields[0]?.heldOut).toBeCloseTo(2 / 3, 12);
    expect(fields[0]?.gap).toBeCloseTo(0, 12);
    expect(fields[1]).toEqual({ path: 'patient.name', tuning: 1, heldOut: 0, gap: -1 });
  });

  it('leaves the held-out side empty when only tuning documents are labelled', () => {
    const onlyTuning = buildLayoutReport(run, (id) => (id.startsWith('t-') ? layoutOf(id) : null));
    expect(onlyTuning?.splits.map((entry) => entry.split)).toEqual(['tuning', 'unlabelled']);
    expect(onlyTuning?.fields).toEqual([
      { path: 'labs', tuning: 2 / 3, heldOut: null, gap: null },
      { path: 'patient.name', tuning: 1, heldOut: null, gap: null },
    ]);
  });
});

describe('layoutsJson', () => {
  it('keys splits by name and fields by path', () => {
    const json = layoutsJson(report());
    expect(Object.keys(json.splits)).toEqual(['tuning', 'held-out', 'unlabelled']);
    expect(json.splits['held-out']).toEqual({
      documents: 2,
      failed: 1,
      tp: 3,
      fa: 0,
      fd: 1,
      fn: 4,
      tn: 0,
      precision: 0.75,
      recall: 0.375,
      f1: 0.5,
    });
    expect(json.families[2]).toEqual({
      family: 'gamma',
      split: 'held-out',
      documents: 2,
      precision: 0.75,
      recall: 0.375,
      f1: 0.5,
    });
    expect(json.fields['patient.name']).toEqual({ tuning: 1, heldOut: 0, gap: -1 });
  });
});

describe('layout rows and Markdown', () => {
  it('formats the split, family and field rows', () => {
    expect(splitTableRows(report())).toEqual([
      ['tuning', '2', '0', '0.833', '0.714', '0.769'],
      ['held-out', '2', '1', '0.750', '0.375', '0.500'],
      ['unlabelled', '1', '0', '1.000', '1.000', '1.000'],
    ]);
    expect(familyTableRows(report())[1]).toEqual([
      'beta',
      'tuning',
      '1',
      '1.000',
      '0.667',
      '0.800',
    ]);
    expect(fieldSplitRows(report())).toEqual([
      ['labs', '0.667', '0.667', '0.000'],
      ['patient.name', '1.000', '0.000', '-1.000'],
    ]);
  });

  it('writes the three sections with both split rows', () => {
    const markdown = layoutsMarkdown(report());
    expect(markdown).toContain('## By layout split (micro)');
    expect(markdown).toContain('| tuning | 2 | 0 | 0.833 | 0.714 | 0.769 |');
    expect(markdown).toContain('| held-out | 2 | 1 | 0.750 | 0.375 | 0.500 |');
    expect(markdown).toContain('| gamma | held-out | 2 | 0.750 | 0.375 | 0.500 |');
    expect(markdown).toContain('| `patient.name` | 1.000 | 0.000 | -1.000 |');
  });
});

describe('readLayouts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medextract-layouts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is empty for a folder without sidecars', () => {
    expect(readLayouts(dir, ['a-1', 'a-2']).size).toBe(0);
  });

  it('reads each sidecar that is there and skips documents without one', async () => {
    await writeFile(
      join(dir, 'a-1.layout.json'),
      JSON.stringify({ family: 'stacked-form', kind: 'form', split: 'held-out' }),
    );
    expect([...readLayouts(dir, ['a-1', 'a-2']).entries()]).toEqual([
      ['a-1', { family: 'stacked-form', split: 'held-out' }],
    ]);
  });

  it('refuses sidecars that are not layout records, giving a count and no file name', async () => {
    await writeFile(join(dir, 'patient-smith.layout.json'), '{"family":"x","split":"test"}');
    await writeFile(join(dir, 'a-3.layout.json'), 'not json');
    const read = () => readLayouts(dir, ['a-1', 'patient-smith', 'a-3']);
    expect(read).toThrow(UsageError);
    expect(read).toThrow('--dataset: 2 layout sidecars are not layout records');
    expect(read).not.toThrow(/smith|a-3/);
  });
});
