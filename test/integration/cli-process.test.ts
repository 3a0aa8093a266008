/**
 * `npx medextract process ... --json` as a user runs it: a subprocess that
 * starts its own local stack (no `npm start` runs on its data folder), takes
 * a folder's PDFs, prints one JSON array, reports progress on stderr and
 * exits 0 when every file succeeded, 1 when any failed, 2 on usage errors.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { recordPdf, truncatedPdf } from '#test/helpers/pdf-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

const medextract = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      'node',
      [medextractScript(), ...args],
      { cwd: repo, timeout: 180_000, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

let dir: string;
let dataDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medextract-cli-'));
  dataDir = await mkdtemp(join(tmpdir(), 'medextract-cli-data-'));
  await writeFile(join(dir, 'office note.pdf'), await recordPdf());
  // A PDF header with a broken body: it passes the CLI's check and fails in the pipeline.
  await writeFile(join(dir, 'truncated.PDF'), await truncatedPdf());
});

describe('medextract process', () => {
  it('prints one JSON object per file of a folder and exits 1 when one failed', async () => {
    // Act
    const { code, stdout, stderr } = await medextract(['process', dir, '--json']);
    // Assess
    expect(code).toBe(1);
    // Progress off a terminal: plain lines on stderr, the last one for the whole batch.
    expect(stderr).toContain('process: 2/2 documents done');
    const results: Array<Record<string, unknown>> = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      file: join(dir, 'office note.pdf'),
      key: 'incoming/office note.pdf',
      status: 'SUCCEEDED',
      reason: null,
      promptVersion: '2.2.0',
    });
    expect(results[0]?.documentId).toMatch(/^[0-9a-f]{64}$/);
    expect(results[0]?.completeness).toBeGreaterThan(0.5);
    expect(results[0]?.fields).toMatchObject({ patient: { name: 'Quillon Marbrey-Testcase' } });
    // Evidence beside the fields: the name's quote found verbatim on page 1, with its box.
    const evidence = results[0]?.evidence as Record<
      string,
      { page: number; match: string; bbox: unknown }
    >;
    expect(evidence['patient.name']).toMatchObject({ page: 1, match: 'exact' });
    expect(evidence['patient.name']?.bbox).toMatchObject({ width: expect.any(Number) });
    expect(Object.keys(results[0]?.confidence as object)).toEqual(Object.keys(evidence));
    expect(results[0]?.review).toMatchObject({ required: expect.any(Boolean) });
    // The ledger outcome follows the review verdict.
    const review = results[0]?.review as { required: boolean };
    expect(results[0]?.outcome).toBe(review.required ? 'NEEDS_REVIEW' : 'SUCCEEDED');
    expect(results[1]).not.toHaveProperty('evidence');
    expect(results[1]).toMatchObject({
      key: 'incoming/truncated.PDF',
      status: 'FAILED',
      reason: 'INVALID_PDF',
      fields: null,
    });
    expect(Object.keys(results[1] ?? {}).sort()).toEqual([
      'completeness',
      'documentId',
      'fields',
      'file',
      'key',
      'outcome',
      'promptVersion',
      'reason',
      'status',
    ]);
    expect(results[1]?.outcome).toBe('FAILED');
  }, 200_000);

  it('exits 0 when every file succeeded', async () => {
    const { code, stdout } = await medextract(['process', join(dir, 'office note.pdf')]);
    expect(code).toBe(0);
    expect(stdout).toContain('SUCCEEDED');
  }, 200_000);

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await medextract(['process', join(dir, 'missing.pdf')]);
    expect(code).toBe(2);
    expect(stderr).toContain('argument 1: no such file or folder');
  }, 60_000);
});
