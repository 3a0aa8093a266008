/**
 * From its TypeScript sources, LoadDocument's pdf.js text worker starts the
 * prebuilt job bundle that `MEDEXTRACT_PDF_TEXT_JOB_BUNDLE` names (the test
 * run builds one, test/helpers/cli-bundle-setup.ts), and the job's sources
 * through tsx when the variable names no file. The variable is read when a
 * worker starts; this file runs in its own process, and a worker that fails
 * is never pooled, so each case below starts a new one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  extractInWorker,
  PDF_TEXT_JOB_BUNDLE_VARIABLE,
} from '#functions/load-document/pdf-text-worker.ts';
import { generateDocument } from '#local/corpus/generate.ts';

const limits = { maxPages: 100, heapMb: 384, rssGrowthMb: 640, deadlineMs: 60_000 };
const dir = mkdtempSync(join(tmpdir(), 'pdf-text-job-'));
const runBundle = process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE];
afterAll(() => {
  process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE] = runBundle;
  rmSync(dir, { recursive: true, force: true });
});

describe('pdf.js text worker entry', () => {
  it('starts the bundle the variable names, and the sources when that file is gone', async () => {
    // Arrange: a "bundle" that fails as it loads, so a parse can only fail if it ran.
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, "throw new Error('broken job bundle loaded');\n");
    const { pdf } = await generateDocument('job-bundle', 1, 'office_note');

    // Act
    process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE] = broken;
    const onBroken = await extractInWorker(pdf.slice(), limits).then(
      () => 'parsed',
      (error: unknown) => String(error),
    );
    process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE] = join(dir, 'missing.mjs');
    const onMissing = await extractInWorker(pdf.slice(), limits);

    // Assert
    expect(onBroken).toContain('broken job bundle loaded');
    expect(onMissing.reply.kind).toBe('pages');
  });
});
