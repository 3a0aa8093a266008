/**
 * `medextract eval` on a layout-family corpus, as a user runs it: documents
 * from one tuning and one held-out family, each with its `<id>.layout.json`
 * sidecar, go through the real local pipeline (rule-based Bedrock stand-in),
 * and the report shows the two splits side by side in the terminal, the
 * Markdown report and the `layouts` key of `--json`. A subprocess per run,
 * for the reasons given in eval-e2e.test.ts, its private stack's tables on
 * the run's shared DynamoDB Local (MEDEXTRACT_DYNAMODB_ENDPOINT).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { familyNamed, type LayoutFamily } from '#local/corpus/families.ts';
import { generateFamilyCorpus } from '#local/corpus/family-corpus.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TUNING = 'narrative-letter';
const HELD_OUT = 'consult-letter';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const medextract = (args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      'node',
      [medextractScript(), ...args],
      {
        cwd: repo,
        env: { ...process.env, MEDEXTRACT_DYNAMODB_ENDPOINT: inject('sharedDynamoDbEndpoint') },
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const family = (name: string): LayoutFamily => {
  const found = familyNamed(name);
  if (found === undefined) throw new Error(`no layout family ${name}`);
  return found;
};

const SplitJson = {
  documents: expect.any(Number),
  failed: 0,
  precision: expect.any(Number),
  recall: expect.any(Number),
  f1: expect.any(Number),
};

let root: string;
let dataset: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medextract-eval-layouts-'));
  dataset = join(root, 'families');
  const entries = await generateFamilyCorpus({
    outDir: dataset,
    count: 4,
    seed: 'eval-layouts-e2e',
    families: [family(TUNING), family(HELD_OUT)],
  });
  // The split comes from the generator's own rule, so check the premise.
  expect(entries.map((entry) => entry.layout.split)).toEqual([
    'tuning',
    'held-out',
    'tuning',
    'held-out',
  ]);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('medextract eval on a dataset with layout sidecars', () => {
  it('reports tuning and held-out side by side in --json and the Markdown report', async () => {
    // Prepare
    const report = join(root, 'report.md');
    // Act
    const run = await medextract([
      'eval',
      '--dataset',
      dataset,
      '--version',
      '2.0.0',
      '--json',
      '--out',
      report,
    ]);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.documents).toBe(4);
    expect(Object.keys(json.layouts.splits)).toEqual(['tuning', 'held-out']);
    expect(json.layouts.splits.tuning).toMatchObject({ ...SplitJson, documents: 2 });
    expect(json.layouts.splits['held-out']).toMatchObject({ ...SplitJson, documents: 2 });
    // The splits partition the run: their pooled counts are the run's.
    const results: { tp: number; fn: number }[] = json.documentResults;
    const total = (key: 'tp' | 'fn') => results.reduce((sum, result) => sum + result[key], 0);
    expect(json.layouts.splits.tuning.tp + json.layouts.splits['held-out'].tp).toBe(total('tp'));
    expect(json.layouts.splits.tuning.fn + json.layouts.splits['held-out'].fn).toBe(total('fn'));
    expect(
      json.layouts.families.map((entry: { family: string; split: string }) => [
        entry.family,
        entry.split,
      ]),
    ).toEqual([
      [TUNING, 'tuning'],
      [HELD_OUT, 'held-out'],
    ]);
    expect(Object.keys(json.layouts.fields).sort()).toEqual(Object.keys(json.fields).sort());
    const name = json.layouts.fields['patient.name'];
    expect(name.gap).toBeCloseTo(name.heldOut - name.tuning, 12);

    const markdown = await readFile(report, 'utf-8');
    expect(markdown).toContain('## By layout split (micro)');
    const row = (
      label: string,
      split: { documents: number; precision: number; recall: number; f1: number },
    ) =>
      `| ${label} | ${split.documents} | 0 | ${split.precision.toFixed(3)} | ${split.recall.toFixed(3)} | ${split.f1.toFixed(3)} |`;
    expect(markdown).toContain(row('tuning', json.layouts.splits.tuning));
    expect(markdown).toContain(row('held-out', json.layouts.splits['held-out']));
    expect(markdown).toContain(`| ${HELD_OUT} | held-out | 2 |`);
  }, 240_000);

  it('prints the split, family and field tables in the terminal', async () => {
    // Act
    const run = await medextract(['eval', '--dataset', dataset, '--version', '2.0.0']);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/│ layout split\s+│ documents\s+│ failed/);
    expect(run.stdout).toMatch(/│ tuning\s+│ 2\s+│ 0\s+│ [01]\.\d{3}/);
    expect(run.stdout).toMatch(/│ held-out\s+│ 2\s+│ 0\s+│ [01]\.\d{3}/);
    expect(run.stdout).toMatch(new RegExp(`│ ${HELD_OUT}\\s+│ held-out\\s+│ 2`));
    expect(run.stdout).toMatch(/│ field\s+│ f1 tuning\s+│ f1 held-out\s+│ gap/);
  }, 240_000);

  it('exits 2 on a sidecar that is not a layout record, before any document runs', async () => {
    // Prepare
    const bad = join(root, 'bad');
    await cp(dataset, bad, { recursive: true });
    await writeFile(join(bad, 'ltr-0001.layout.json'), '{"family":"narrative-letter"}');
    // Act
    const run = await medextract(['eval', '--dataset', bad, '--version', '2.0.0']);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--dataset: 1 layout sidecars are not layout records');
    expect(run.stderr).not.toContain('ltr-0001');
  }, 60_000);
});
