/**
 * The local EMF hand-off survives a SIGKILL: events journaled before
 * delivery and not acknowledged are delivered again at the next start with
 * their original ids; acknowledged ones are not; a torn last line is skipped.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { openEmfJournal } from '#local/emf-journal.ts';
import { decodeLogsSubscriptionEvent, installLogCapture } from '#local/log-capture.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'medextract-emf-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const emf = (n: number) =>
  `${JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{}] }, Documents: 1, n })}\n`;

describe('EMF journal', () => {
  it('keeps unacknowledged events in order across reopening and skips a torn line', async () => {
    // Prepare
    const dir = freshDir();
    const journal = openEmfJournal(dir);
    await Promise.all(
      ['1', '2', '3'].map((id) =>
        journal.append({ functionName: 'record-result', id, timestamp: 5, message: `m${id}` }),
      ),
    );
    journal.acknowledge(['2']);
    await journal.close();
    appendFileSync(join(dir, 'events.ndjson'), '{"functionName":"record-res');

    // Act
    const reopened = openEmfJournal(dir);
    const again = openEmfJournal(dir);

    // Assess
    expect(reopened.pending.map((e) => e.id)).toEqual(['1', '3']);
    expect(reopened.pending[1]).toEqual({
      functionName: 'record-result',
      id: '3',
      timestamp: 5,
      message: 'm3',
    });
    expect(again.pending.map((e) => e.id)).toEqual(['1', '3']);
    await reopened.close();
    await again.close();
  });

  it('redelivers, with the same ids, events a SIGKILLed process never saw acknowledged', async () => {
    // Prepare: the child's listener prints the ids it got and never finishes.
    const dir = freshDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fromRepoRoot('test/helpers/emf-crash-child.ts'), dir, '12'],
      { cwd: fromRepoRoot('.'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('DELIVERED')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const sent = [...output.matchAll(/^IDS (.*)$/gm)].flatMap((m) => (m[1] ?? '').split(','));

    // Act: no shutdown at all, then a new capture on the same folder.
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    const capture = installLogCapture({
      dataDir: dir,
      journalFunctions: ['record-result'],
      flushIntervalMs: 10,
    });
    const replayed: string[] = [];
    capture.onEmf(
      (event) => {
        replayed.push(...decodeLogsSubscriptionEvent(event).logEvents.map((e) => e.id));
      },
      { functionNames: ['record-result'] },
    );
    await capture.flush();
    await capture.restore();

    // Assess
    expect(sent).toHaveLength(12);
    expect(replayed).toEqual(sent);
  }, 60_000);

  it('has an event in its file as soon as the write that emitted it returns', async () => {
    // Prepare: a task writes its EMF record and goes on to its next write (RecordResult: the
    // ledger outcome); a process killed after that must not have lost the record.
    const dir = freshDir();
    const capture = installLogCapture({ dataDir: dir, journalFunctions: ['record-result'] });
    let inFileRightAway = '';

    // Act
    await capture.runAsFunction('record-result', async () => {
      process.stdout.write(emf(7));
      inFileRightAway = readFileSync(join(dir, 'emf-journal', 'events.ndjson'), 'utf8');
    });
    await capture.restore();

    // Assess
    expect(inFileRightAway).toContain('\\"n\\":7');
  });

  it('does not deliver acknowledged events again', async () => {
    // Prepare
    const dir = freshDir();
    const first = installLogCapture({ dataDir: dir, journalFunctions: ['record-result'] });
    const got: string[] = [];
    first.onEmf((event) => {
      got.push(...decodeLogsSubscriptionEvent(event).logEvents.map((e) => e.id));
    });
    await first.runAsFunction('record-result', async () => {
      process.stdout.write(emf(1));
      process.stdout.write(emf(2));
    });
    // A function that is not journaled leaves nothing to replay either.
    await first.runAsFunction('score', async () => {
      process.stdout.write(emf(3));
    });
    await first.restore();

    // Act
    const second = installLogCapture({ dataDir: dir, journalFunctions: ['record-result'] });
    const replayed: string[] = [];
    second.onEmf((event) => {
      replayed.push(...decodeLogsSubscriptionEvent(event).logEvents.map((e) => e.id));
    });
    await second.flush();
    await second.restore();

    // Assess
    expect(got).toHaveLength(3);
    expect(replayed).toEqual([]);
  });
});
