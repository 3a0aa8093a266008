/**
 * `medextract eval` end to end, as a user runs it: a generated, labelled
 * corpus goes through the real local pipeline (S3 notification, ingest queue,
 * starter, state machine, rule-based Bedrock stand-in, result row) and is
 * scored against its truth files.
 *
 * Each run is a subprocess (`medextract eval ...`, the run's bundle of the
 * CLI from test/helpers/cli-bundle.ts), not an in-process call: the
 * handlers create their SDK clients and read their configuration once per
 * process, so a second local stack in the same process would talk to the
 * first one's endpoints. A subprocess per run is
 * also what a user gets, exit code and stdout included. Each run's private
 * stack keeps its tables on the run's shared DynamoDB Local
 * (MEDEXTRACT_DYNAMODB_ENDPOINT) under a stage of its own instead of
 * starting a JVM (cli-process.test.ts proves the tables go when it ends).
 *
 * Measured on the shared development machine (rule-based extractor, seed
 * `eval-e2e`): 24 documents take about 14 s including the stack start, with
 * micro-F1 1.000 (0.999 on other seeds); the floor below leaves a margin so
 * that a real regression trips it and a small rule change does not.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { generateCorpus } from '#local/corpus/generate.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Measured micro-F1 on this corpus: 1.000; the floor allows for small rule changes. */
const F1_FLOOR = 0.95;
const CORPUS_SEED = 'eval-e2e';
const BROKEN_ID = 'dis-0099';

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

type Json = Record<string, unknown>;
const asJson = (value: unknown): Json => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('expected a JSON object');
  }
  return Object.fromEntries(Object.entries(value));
};

const v2Fields = loadPromptRegistry(familyDir()).get('2.0.0').metadata.fields;

const isBlank = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);

/** What a document predicted as nothing must score: one FN per stated value or list item, one TN per empty field. */
const expectedAllMissed = (truth: unknown): { fn: number; tn: number } => {
  let fn = 0;
  let tn = 0;
  for (const path of Object.keys(v2Fields)) {
    let value: unknown = truth;
    for (const key of path.split('.')) value = value === null ? null : asJson(value)[key];
    if (isBlank(value)) tn += 1;
    else fn += Array.isArray(value) ? value.filter((item) => !isBlank(item)).length : 1;
  }
  return { fn, tn };
};

let root: string;
let clean: string;
let broken: string;
let brokenTruth: unknown;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medextract-eval-'));
  clean = join(root, 'clean');
  broken = join(root, 'broken');
  await generateCorpus({ outDir: clean, count: 24, seed: CORPUS_SEED });

  // Four good documents plus a discharge summary cut off halfway, as a
  // damaged scan upload would be; its truth still says what it should hold.
  const good = await generateCorpus({ outDir: broken, count: 4, seed: `${CORPUS_SEED}-broken` });
  const source = good.find((entry) => entry.documentType === 'discharge_summary');
  if (!source) throw new Error('the corpus generator made no discharge summary');
  const bytes = await readFile(source.pdfPath);
  await writeFile(
    join(broken, `${BROKEN_ID}.pdf`),
    bytes.subarray(0, Math.floor(bytes.length / 2)),
  );
  await copyFile(source.truthPath, join(broken, `${BROKEN_ID}.truth.json`));
  brokenTruth = JSON.parse(await readFile(source.truthPath, 'utf-8'));
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('medextract eval --version', () => {
  it('scores 24 documents through the local pipeline and writes the report', async () => {
    // Prepare
    const report = join(root, 'report.md');
    // Act
    const run = await medextract([
      'eval',
      '--dataset',
      clean,
      '--version',
      '2.0.0',
      '--json',
      '--out',
      report,
    ]);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const json = asJson(JSON.parse(run.stdout));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['version', 'documents', 'failed', 'overall', 'fields']),
    );
    expect(json.version).toBe('2.0.0');
    expect(json.documents).toBe(24);
    expect(json.failed).toBe(0);
    // No layout sidecars in this corpus: no layout part in any output.
    expect(json).not.toHaveProperty('layouts');
    const overall = asJson(json.overall);
    expect(Object.keys(overall).sort()).toEqual(['f1', 'precision', 'recall']);
    expect(overall.f1).toBeGreaterThan(F1_FLOOR);
    const fields = asJson(json.fields);
    expect(Object.keys(fields).sort()).toEqual(Object.keys(v2Fields).sort());
    for (const field of Object.values(fields)) {
      expect(Object.keys(asJson(field)).sort()).toEqual(
        ['f1', 'fa', 'fd', 'fn', 'precision', 'recall', 'tn', 'tp'].sort(),
      );
    }
    // Every truth file has the key, so the field is scored once per document.
    const name = asJson(fields['patient.name']);
    expect(['tp', 'fa', 'fd', 'fn', 'tn'].reduce((sum, key) => sum + Number(name[key]), 0)).toBe(
      24,
    );
    const byType = asJson(json.byType);
    expect(Object.keys(byType).sort()).toEqual([
      'attending_physician_statement',
      'discharge_summary',
      'lab_report',
      'office_note',
    ]);
    for (const entry of Object.values(byType)) expect(asJson(entry).documents).toBe(6);

    const markdown = await readFile(report, 'utf-8');
    expect(markdown).toContain('# Evaluation of prompt version 2.0.0');
    expect(markdown).toContain('24 documents, 24 succeeded, 0 failed.');
    expect(markdown).toMatch(
      /\| office_note \| 6 \| 0 \| [01]\.\d{3} \| [01]\.\d{3} \| [01]\.\d{3} \|/,
    );
    expect(markdown).toContain('| `vitals.bmi` | 1 | 24 |');
    expect(markdown).not.toContain('layout');
  }, 240_000);

  it('counts a broken PDF as failed, scores it all-FN and exits 1', async () => {
    // Prepare
    const expected = expectedAllMissed(brokenTruth);
    // Act
    const run = await medextract(['eval', '--dataset', broken, '--version', 'v2.0.0', '--json']);
    // Assess
    expect(run.code, run.stderr).toBe(1);
    const json = asJson(JSON.parse(run.stdout));
    expect(json.documents).toBe(5);
    expect(json.failed).toBe(1);
    expect(json.failedDocuments).toEqual([{ id: BROKEN_ID, reason: 'INVALID_PDF' }]);
    const results = Array.isArray(json.documentResults) ? json.documentResults.map(asJson) : [];
    const failed = results.find((result) => result.id === BROKEN_ID);
    expect(failed).toEqual({
      id: BROKEN_ID,
      type: 'discharge_summary',
      status: 'FAILED',
      outcome: 'FAILED',
      reason: 'INVALID_PDF',
      tp: 0,
      fa: 0,
      fd: 0,
      fn: expected.fn,
      tn: expected.tn,
      f1: 0,
    });
    expect(expected.fn).toBeGreaterThan(10);
    expect(asJson(json.overall).recall).toBeLessThan(1);
  }, 240_000);
});

describe('medextract eval --compare', () => {
  it('runs both versions on the same documents and tests the difference', async () => {
    // Prepare
    const report = join(root, 'compare.md');
    // Act
    const run = await medextract([
      'eval',
      '--dataset',
      broken,
      '--compare',
      '1.1.0',
      '2.0.0',
      '--json',
      '--out',
      report,
    ]);
    // Assess
    expect(run.code, run.stderr).toBe(1);
    const json = asJson(JSON.parse(run.stdout));
    expect(asJson(json.a)).toMatchObject({ version: '1.1.0', documents: 5, failed: 1 });
    expect(asJson(json.b)).toMatchObject({ version: '2.0.0', documents: 5, failed: 1 });
    // 1.1.0 declares 17 of the 20 fields of 2.0.0 (no social history, no risk factors).
    expect(json.comparedFields).toHaveLength(17);
    const overall = asJson(json.overall);
    const f1 = (side: unknown) => Number(asJson(side).f1);
    expect(overall.difference).toBeCloseTo(f1(overall.b) - f1(overall.a), 12);
    const [lower, upper] = Array.isArray(overall.interval) ? overall.interval.map(Number) : [];
    expect(lower).toBeLessThanOrEqual(Number(overall.difference));
    expect(upper).toBeGreaterThanOrEqual(Number(overall.difference));
    expect(['better', 'worse', 'inconclusive']).toContain(overall.verdict);
    expect(asJson(json.fields).riskFactors).toMatchObject({ a: null, delta: null });
    expect(asJson(json.failedDocuments)).toEqual({
      a: [{ id: BROKEN_ID, reason: 'INVALID_PDF' }],
      b: [{ id: BROKEN_ID, reason: 'INVALID_PDF' }],
    });
    const markdown = await readFile(report, 'utf-8');
    expect(markdown).toContain('# Comparison of prompt versions 1.1.0 and 2.0.0');
    expect(markdown).toContain(`: ${String(overall.verdict)}.`);
  }, 240_000);
});

describe('medextract eval usage errors', () => {
  it('exits 2 on a missing dataset, no PDFs or a missing truth file, 1 on an unknown version', async () => {
    // Prepare
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    const untruthed = join(root, 'untruthed');
    await mkdir(untruthed, { recursive: true });
    await copyFile(join(clean, 'aps-0001.pdf'), join(untruthed, 'aps-0001.pdf'));
    // Act
    const runs = await Promise.all([
      medextract(['eval', '--dataset', join(root, 'missing'), '--version', '2.0.0']),
      medextract(['eval', '--dataset', empty, '--version', '2.0.0']),
      medextract(['eval', '--dataset', untruthed, '--version', '2.0.0']),
      medextract(['eval', '--dataset', clean, '--version', '9.9.9']),
      medextract(['eval', '--dataset', clean, '--version', '2.0.0', '--compare', '1.0.0', '2.0.0']),
    ]);
    // Assess
    // An unknown version is a request the use case rejects (exit 1), the rest are usage errors.
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 1, 2]);
    expect(runs.map((run) => run.stdout)).toEqual(['', '', '', '', '']);
    const [missing, none, noTruth, unknown, both] = runs.map((run) => run.stderr);
    expect(missing).toContain('--dataset: folder not found');
    expect(none).toContain('--dataset: the folder holds no <id>.pdf');
    expect(noTruth).toContain('1 of 1 PDFs have no <id>.truth.json');
    expect(unknown).toContain(
      'unknown prompt version 9.9.9; known: 1.0.0, 1.1.0, 2.0.0, 2.1.0, 2.2.0',
    );
    expect(both).toContain('give either --version <v> or --compare <a> <b>');
  }, 120_000);
});
