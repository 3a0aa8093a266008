/**
 * `medextract` against a running stack (found through its stack file, as it
 * finds `npm start`): `process` uses it instead of starting its own, so a
 * failed document then shows in `dlq list` and `documents get`; `alerts`
 * analyses its roll-ups; `logs` shows its function logs; `dlq --queue
 * aggregator` says plainly that the local stack has no such queue. The
 * stack keeps its tables on the run's shared DynamoDB Local under a stage of
 * its own, which its stack file names.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { recordPdf, truncatedPdf } from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';
import { type RunningStack, startRunningStack } from '#test/helpers/running-stack.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;
let dir: string;
let running: RunningStack | undefined;

const medextract = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [medextractScript(), ...args],
      { cwd: repo, timeout: 120_000, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medextract-running-docs-'));
  await writeFile(join(dir, 'record.pdf'), await recordPdf());
  await writeFile(join(dir, 'broken.pdf'), await truncatedPdf());
  running = await startRunningStack('medextract-running-', sharedDynamoDb('cli-running'));
  ({ dataDir } = running);
}, 120_000);

afterAll(async () => running?.stop());

describe('medextract on a running stack', () => {
  it('processes on the running stack, so the failure is then in the DLQ and the documents', async () => {
    // Act
    const processed = await medextract(['process', dir, '--json']);
    const results: Array<{ documentId: string; status: string; reason: string | null }> =
      JSON.parse(processed.stdout);
    const failed = results.find((r) => r.status === 'FAILED');
    const dlq = await medextract(['dlq', 'list', '--json']);
    const document = await medextract(['documents', 'get', failed?.documentId ?? '', '--json']);

    // Assess
    expect(processed.code).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(failed?.reason).toBe('INVALID_PDF');
    // It used this stack, not a private one: its failure is in this stack's DLQ and table.
    expect(dlq.code).toBe(0);
    const entries: Array<{ documentId: string; reason: string }> = JSON.parse(dlq.stdout);
    expect(entries).toContainEqual(
      expect.objectContaining({ documentId: failed?.documentId, reason: 'INVALID_PDF' }),
    );
    expect(document.code).toBe(0);
    // One ledger entry per upload of the id: this document was uploaded once.
    expect(JSON.parse(document.stdout)).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: 'INVALID_PDF' }),
    ]);
  }, 150_000);

  it("runs the drift analyser on the stack's roll-ups", async () => {
    const run = await medextract(['alerts', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.charts.length).toBeGreaterThan(0);
    // Two documents are no baseline: every chart is skipped, not guessed.
    expect(
      report.charts.every((c: { status: string }) => c.status === 'insufficient-baseline'),
    ).toBe(true);
    const table = await medextract(['alerts']);
    expect(table.stdout).toContain('No drift findings.');
  }, 60_000);

  it("shows the stack's function logs, one function at a time", async () => {
    const run = await medextract(['logs', '--function', 'load-document', '--lines', '3']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(run.stderr).not.toContain('last run');
  }, 60_000);

  it('says the local stack has no aggregator failure queue', async () => {
    const run = await medextract(['dlq', 'list', '--queue', 'aggregator']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('this stack has no aggregator failure queue');
  }, 60_000);
});
