/**
 * `medextract invoke` with the fixtures, as a user runs it: the drift
 * fixture runs out of the box on a private stack (the bundled prompt
 * versions stand in for the CDK app's list), and a fixture that needs a
 * document the stack does not hold fails with a note saying what it needs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;

const medextract = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/medextract.mjs', ...args],
      { cwd: repo, timeout: 150_000, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'medextract-invoke-'));
});

describe('medextract invoke', () => {
  it('runs the drift fixture on a private stack and prints its report', async () => {
    const run = await medextract(['invoke', 'drift', '--event', 'drift/scheduled', '--ephemeral']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.function).toBe('drift');
    expect(out.result.evaluatedHour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}$/);
    // A fresh stack has no roll-ups: every chart is skipped, none is a finding.
    expect(out.result.charts.length).toBeGreaterThan(0);
    expect(out.result.findings).toEqual([]);
  }, 160_000);

  it('says what the load-document fixture needs when its document is not there', async () => {
    const run = await medextract([
      'invoke',
      'load-document',
      '--event',
      'tasks/load-document',
      '--ephemeral',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.message).toContain('no ledger entry for this document id');
    expect(run.stderr).toContain('medextract: tasks/load-document needs a ledger entry');
  }, 160_000);

  it('refuses a fixture given to the wrong function and a missing stack at once', async () => {
    const [wrong, noStack] = await Promise.all([
      medextract(['invoke', 'starter', '--event', 'tasks/score']),
      medextract(['invoke', 'select-variant', '--event', 'tasks/select-variant']),
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('fixture tasks/score is an event for score, not starter');
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toContain('no local stack on 127.0.0.1; run npm start');
  }, 60_000);
});
