/**
 * `npx medextract process ... --json` as a user runs it: a subprocess that
 * starts its own local stack, prints one JSON array and exits 0 when every
 * file succeeded, 1 when any failed, 2 on usage errors.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { notPdf, recordPdf } from '#test/helpers/pdf-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

const medextract = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      'node',
      ['bin/medextract.mjs', ...args],
      { cwd: repo, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medextract-cli-'));
  await writeFile(join(dir, 'office note.pdf'), await recordPdf());
  await writeFile(join(dir, 'not-a-pdf.pdf'), notPdf());
});

describe('medextract process', () => {
  it('prints one JSON object per file and exits 1 when one failed', async () => {
    // Act
    const { code, stdout } = await medextract([
      'process',
      join(dir, 'office note.pdf'),
      join(dir, 'not-a-pdf.pdf'),
      '--json',
    ]);
    // Assess
    expect(code).toBe(1);
    const results: Array<Record<string, unknown>> = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      file: join(dir, 'office note.pdf'),
      key: 'incoming/office note.pdf',
      status: 'SUCCEEDED',
      reason: null,
      promptVersion: '2.1.0',
    });
    expect(results[0]?.documentId).toMatch(/^[0-9a-f]{64}$/);
    expect(results[0]?.completeness).toBeGreaterThan(0.5);
    expect(results[0]?.fields).toMatchObject({ patient: { name: 'Quillon Marbrey-Testcase' } });
    expect(results[1]).toMatchObject({
      key: 'incoming/not-a-pdf.pdf',
      status: 'FAILED',
      reason: 'NOT_PDF',
      fields: null,
    });
    expect(Object.keys(results[1] ?? {}).sort()).toEqual([
      'completeness',
      'documentId',
      'fields',
      'file',
      'key',
      'promptVersion',
      'reason',
      'status',
    ]);
  }, 200_000);

  it('exits 0 when every file succeeded', async () => {
    const { code, stdout } = await medextract(['process', join(dir, 'office note.pdf')]);
    expect(code).toBe(0);
    expect(stdout).toContain('SUCCEEDED');
  }, 200_000);

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await medextract(['process', join(dir, 'missing.pdf')]);
    expect(code).toBe(2);
    expect(stderr).toContain('no such file');
  }, 60_000);
});
