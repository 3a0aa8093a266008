/**
 * `medextract invoke` with the fixtures, as a user runs it against a running
 * stack: each task fixture succeeds as is, on a fresh stack and again on
 * the second call, because the command first puts the fixture's document,
 * its ledger entry and the earlier steps' outputs in place; the document
 * then has its ledger outcome. The drift fixture runs on the stack's empty
 * roll-ups, and misuse is refused at once.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvent } from '#events/index.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { type RunningStack, startRunningStack } from '#test/helpers/running-stack.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;
let running: RunningStack | undefined;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const medextract = (args: string[], data: string = dataDir): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [medextractScript(), ...args],
      { cwd: repo, timeout: 150_000, env: { ...process.env, MEDEXTRACT_DATA_DIR: data } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const invoke = async (fn: string, fixture: string) => {
  const run = await medextract(['invoke', fn, '--event', fixture]);
  expect(run.code, run.stderr).toBe(0);
  const out: { function: string; stage: string; result: Record<string, unknown> } = JSON.parse(
    run.stdout,
  );
  expect(out).toMatchObject({ function: fn, stage: 'local' });
  return { out, stderr: run.stderr };
};

const documentIdOf = (fixture: 'tasks/record-result' | 'tasks/record-failure'): string =>
  (loadEvent(fixture) as { state: { documentId: string } }).state.documentId;

beforeAll(async () => {
  running = await startRunningStack('medextract-invoke-');
  ({ dataDir } = running);
}, 120_000);

afterAll(async () => running?.stop());

describe('medextract invoke on a running stack', () => {
  it('runs the score fixture on a fresh stack by running load-document and invoke-model first', async () => {
    // Act
    const { out, stderr } = await invoke('score', 'tasks/score');

    // Assess
    expect(stderr).toContain(
      'tasks/score: put the fixture document in the bucket; recorded it RECEIVED in the ledger; ran load-document for the text; ran invoke-model for the extraction',
    );
    expect(out.result.completeness).toEqual(expect.any(Number));
    expect(out.result.requiredTotal).toBeGreaterThan(0);
  }, 200_000);

  it.each([
    ['load-document', 'tasks/load-document', { pageCount: 3 }],
    ['invoke-model', 'tasks/invoke-model', { servedBy: 'local.rule-based-extractor-v1' }],
    ['score', 'tasks/score', { requiredTotal: expect.any(Number) }],
    ['record-result', 'tasks/record-result', { status: 'SUCCEEDED' }],
    ['record-result', 'tasks/record-result', { status: 'SUCCEEDED' }],
    ['load-document', 'tasks/load-document', { pageCount: 3 }],
  ])(
    'runs %s with %s as is, again and again',
    async (fn, fixture, expected) => {
      // Act
      const { out } = await invoke(fn, fixture);

      // Assess
      expect(out.result).toMatchObject(expected);
    },
    200_000,
  );

  it('records the fixture document SUCCEEDED after record-result', async () => {
    // Act
    const run = await medextract([
      'documents',
      'get',
      documentIdOf('tasks/record-result'),
      '--json',
    ]);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  }, 60_000);

  it('fails the not-PDF upload through load-document, then records it with record-failure', async () => {
    // Act
    const first = await invoke('record-failure', 'tasks/record-failure');
    const second = await invoke('record-failure', 'tasks/record-failure');
    const document = await medextract([
      'documents',
      'get',
      documentIdOf('tasks/record-failure'),
      '--json',
    ]);

    // Assess
    expect(first.stderr).toContain('ran load-document, which refused it NOT_PDF');
    for (const { out } of [first, second]) expect(out.result).toMatchObject({ reason: 'NOT_PDF' });
    expect(document.code, document.stderr).toBe(0);
    expect(JSON.parse(document.stdout)).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: 'NOT_PDF' }),
    ]);
  }, 200_000);

  it("runs the drift fixture on the stack's roll-ups and prints its report", async () => {
    // Act
    const { out } = await invoke('drift', 'drift/scheduled');

    // Assess
    expect(out.result.evaluatedHour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}$/);
    // A fresh stack has too few documents: every chart is skipped, none is a finding.
    expect(out.result.charts).toEqual(expect.arrayContaining([expect.anything()]));
    expect(out.result.findings).toEqual([]);
  }, 200_000);

  it('refuses a fixture given to the wrong function and a missing stack at once', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'medextract-invoke-none-'));

    // Act
    const [wrong, noStack] = await Promise.all([
      medextract(['invoke', 'starter', '--event', 'tasks/score']),
      medextract(['invoke', 'select-variant', '--event', 'tasks/select-variant'], empty),
    ]);
    await rm(empty, { recursive: true, force: true });

    // Assess
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('fixture tasks/score is an event for score, not starter');
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toContain('no local stack on 127.0.0.1; run npm start');
  }, 60_000);
});
