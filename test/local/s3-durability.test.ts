/**
 * The local S3 keeps every acknowledged write through a SIGKILL: a child
 * process uploads, copies and deletes, is killed without any shutdown, and a
 * new local S3 on the same data folder holds exactly what was acknowledged.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { localS3ClientConfig, startS3Sqs } from '#local/s3-sqs.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'medextract-s3-durable-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const runUntilAcked = (child: ChildProcess): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ACKED')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });

describe('local S3 durability', () => {
  it('keeps every acknowledged put, copy and delete after a SIGKILL', async () => {
    // Prepare
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fromRepoRoot('test/helpers/s3-crash-child.ts'), dataDir, '20'],
      { cwd: fromRepoRoot('.'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await runUntilAcked(child);

    // Act: no shutdown, no snapshot.
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    const server = await startS3Sqs({ dataDir });
    const s3 = new S3Client(localS3ClientConfig(server.endpoint));
    try {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'durable' }));
      const copy = await s3.send(
        new GetObjectCommand({ Bucket: 'durable', Key: 'incoming/copy.pdf' }),
      );
      const copyText = await copy.Body?.transformToString();

      // Assess
      const keys = (listing.Contents ?? []).map((o) => o.Key).sort();
      const expected = [
        ...Array.from({ length: 20 }, (_, i) => `incoming/Doe, Jane ${i}.pdf`).filter(
          (k) => k !== 'incoming/Doe, Jane 1.pdf',
        ),
        'incoming/copy.pdf',
      ].sort();
      expect(keys).toEqual(expected);
      expect(copyText).toBe('%PDF-1.7 document 0');
      expect(server.restoredObjects).toBe(0);
      expect(server.replayedWrites).toBe(1 + 20 + 1 + 1);
    } finally {
      s3.destroy();
      await server.stop();
    }

    // A clean stop folds the journal into the snapshot.
    const again = await startS3Sqs({ dataDir });
    await again.stop();
    expect(again.restoredObjects).toBe(20);
    expect(again.replayedWrites).toBe(0);
  }, 90_000);
});
