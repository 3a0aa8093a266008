/**
 * The local S3's write-ahead log: appends made together are all on disk
 * when they resolve, in order; a torn record left by a kill is cut off so
 * later appends stay readable; void marks and the earlier one-file-per-entry
 * layout are honoured.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openS3Journal } from '#local/s3-journal.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'medextract-s3-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const request = (n: number) => ({
  method: 'PUT' as const,
  url: `/bucket/incoming/doc-${n}.pdf`,
  headers: { 'content-type': 'application/pdf' },
});

describe('S3 journal', () => {
  it('writes concurrent appends in order and reads them back after reopening', async () => {
    // Prepare
    const dir = freshDir();
    const journal = openS3Journal(dir);

    // Act: twenty appends in one tick form one group.
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, n) => journal.append(request(n), Buffer.from(`body\n${n}`))),
    );
    journal.void(ids[3] ?? '');
    await journal.append(request(20), Buffer.alloc(0));
    const entries = openS3Journal(dir).entries();

    // Assess
    expect(new Set(ids).size).toBe(20);
    expect(entries.map((e) => e.request.url)).toEqual(
      [...Array.from({ length: 21 }, (_, n) => `/bucket/incoming/doc-${n}.pdf`)].filter(
        (url) => url !== '/bucket/incoming/doc-3.pdf',
      ),
    );
    expect(entries[0]?.body.toString()).toBe('body\n0');
    expect(entries.at(-1)?.body.length).toBe(0);
  });

  it('cuts off a torn last record so appends after a crash are read', async () => {
    // Prepare
    const dir = freshDir();
    const first = openS3Journal(dir);
    await first.append(request(1), Buffer.from('one'));
    appendFileSync(join(dir, 'journal.log'), '{"method":"PUT","url":"/bucket/torn","head');

    // Act
    const second = openS3Journal(dir);
    await second.append(request(2), Buffer.from('two'));
    const entries = openS3Journal(dir).entries();

    // Assess
    expect(entries.map((e) => e.body.toString())).toEqual(['one', 'two']);
    expect(readFileSync(join(dir, 'journal.log'), 'utf8')).not.toContain('torn');
  });

  it('replays entries of the one-file-per-entry layout first and continues their sequence', async () => {
    // Prepare
    const dir = freshDir();
    writeFileSync(join(dir, '000000000007.body'), 'old');
    writeFileSync(join(dir, '000000000007.json'), JSON.stringify(request(7)));
    writeFileSync(join(dir, '000000000008.body'), 'failed');
    writeFileSync(join(dir, '000000000008.json'), JSON.stringify(request(8)));
    writeFileSync(join(dir, '000000000008.void'), '');

    // Act
    const journal = openS3Journal(dir);
    const id = await journal.append(request(9), Buffer.from('new'));
    const entries = openS3Journal(dir).entries();

    // Assess
    expect(id).toBe('000000000009');
    expect(entries.map((e) => e.body.toString())).toEqual(['old', 'new']);
  });

  it('forgets everything once cleared', async () => {
    // Prepare
    const dir = freshDir();
    const journal = openS3Journal(dir);
    await journal.append(request(1), Buffer.from('one'));

    // Act
    await journal.clear();

    // Assess
    expect(openS3Journal(dir).entries()).toEqual([]);
  });
});
