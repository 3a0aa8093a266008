/**
 * `processFiles`'s wait on an in-process runtime: results arrive on the
 * runtime's word of ended executions, and the safety sweep of every pending
 * execution runs only after a quiet spell, so a lost word still ends in a
 * result while a batch whose words keep coming is described twice per file;
 * a runtime that holds each execution's status is asked instead, with no
 * DescribeExecution at all.
 *
 * The clock is vitest's fake one (timers and `Date`): the waits the claims
 * are about (a word 1.2 s apart, the sweep 5 s after a quiet spell) pass in
 * order on it, without the file sleeping 12 s of real time. `runOnFakeClock`
 * moves the clock only while `processFiles` waits on a timer; the uploads'
 * real file reads come before it sets any.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceContext } from '#services/context.ts';
import { processFiles } from '#services/process-documents.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:medextract-test-extract';

/**
 * A fake stack: the n-th execution described for the first time (the check
 * after upload goes in input order) ends `endAfterMs[n]` after the batch
 * starts, with a word to listeners when `announce`.
 */
const fakeContext = (endAfterMs: readonly number[], announce: boolean) => {
  const started = Date.now();
  const ends = new Map<string, number>();
  const listeners = new Set<(arn: string) => void>();
  let describes = 0;
  let uploads = 0;
  const endOf = (arn: string): number => {
    const known = ends.get(arn);
    if (known !== undefined) return known;
    const at = started + (endAfterMs[ends.size] ?? 0);
    ends.set(arn, at);
    if (announce) {
      setTimeout(
        () => {
          for (const listener of listeners) listener(arn);
        },
        Math.max(0, at - Date.now()),
      );
    }
    return at;
  };
  const s3 = {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectCommand)) return {};
      uploads += 1;
      return { ETag: `"${String(uploads).padStart(32, '0')}"` };
    },
  };
  const sfn = {
    send: async (command: unknown) => {
      if (!(command instanceof DescribeExecutionCommand)) return {};
      describes += 1;
      const endsAt = endOf(command.input.executionArn ?? '');
      return { status: Date.now() >= endsAt ? 'SUCCEEDED' : 'RUNNING' };
    },
  };
  const dynamodb = { send: async () => ({}) };
  const ctx = {
    stage: 'test',
    bucket: 'medextract-test-documents',
    stateMachineArn: STATE_MACHINE,
    tables: { results: 'medextract-test-results' },
    clients: { s3, sfn, dynamodb },
    executionEvents: {
      onExecutionEnded: (listener: (arn: string) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  } as unknown as ServiceContext;
  return { ctx, describes: () => describes };
};

/** One turn of the real event loop (`setImmediate` is not faked): file reads and promise callbacks run, the fake clock stands still. */
const realTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `work` on the fake clock. While no timer is pending (the uploads read
 * their files, the fake stack answers) the clock stands still and real turns
 * of the event loop pass; once `work` waits on a timer (a word, the sweep),
 * and a few more turns have let anything else settle, the clock jumps to
 * that timer and never past it, so the waits end in the order and at the
 * time they would in real time.
 */
const runOnFakeClock = async <T>(work: Promise<T>): Promise<T> => {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  while (!settled) {
    await realTurn();
    if (settled || vi.getTimerCount() === 0) continue;
    for (let turn = 0; turn < 10 && !settled; turn += 1) await realTurn();
    if (!settled) await vi.advanceTimersToNextTimerAsync();
  }
  return done;
};

describe('processFiles waiting on an in-process runtime', () => {
  let dir: string;
  const paths: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medextract-sweep-'));
    for (let i = 0; i < 6; i += 1) {
      const path = join(dir, `doc-${i}.pdf`);
      await writeFile(path, `%PDF-1.4 synthetic ${i}`);
      paths.push(path);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('describes each file twice while words keep coming, with no sweep', async () => {
    // Prepare: one execution ends every 1.2 s, past the 5 s sweep interval in all.
    const fake = fakeContext(
      paths.map((_, i) => 1_200 * (i + 1)),
      true,
    );

    // Act
    const results = await runOnFakeClock(
      processFiles(
        fake.ctx,
        paths.map((path) => ({ path })),
        { keyPrefix: 'sweep/' },
      ),
    );

    // Assess
    expect(results.map((r) => r.status)).toEqual(paths.map(() => 'SUCCEEDED'));
    expect(fake.describes()).toBe(paths.length * 2);
  }, 20_000);

  it('still ends a file whose word was lost, through the sweep after a quiet spell', async () => {
    // Prepare: the execution ends after 1 s and nobody says so.
    const fake = fakeContext([1_000], false);

    // Act
    const started = Date.now();
    const [result] = await runOnFakeClock(
      processFiles(fake.ctx, [{ path: paths[0] ?? '' }], { keyPrefix: 'lost/' }),
    );

    // Assess: found by the first sweep, 5 s after the check that followed the upload.
    expect(result?.status).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(fake.describes()).toBe(2);
  }, 20_000);

  it('reads the status from a runtime that holds it: no DescribeExecution, same outcomes', async () => {
    // Prepare: the runtime knows no execution until it ends, 300 ms after the file's
    // first question for the first file and 600 ms for the second, which fails.
    const fake = fakeContext([], false);
    const words = [
      { status: 'SUCCEEDED' },
      { status: 'FAILED', error: 'Boom', cause: 'the task failed' },
    ];
    const held = new Map<string, { status: string; error?: string; cause?: string }>();
    const listeners = new Set<(arn: string) => void>();
    const arns: string[] = [];
    let asked = 0;
    const ctx = {
      ...fake.ctx,
      executionEvents: {
        onExecutionEnded: (listener: (arn: string) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        executionStatus: (arn: string) => {
          asked += 1;
          if (!arns.includes(arn)) {
            arns.push(arn);
            const index = arns.length - 1;
            setTimeout(
              () => end(index, words[index] ?? { status: 'SUCCEEDED' }),
              300 * (index + 1),
            );
          }
          return held.get(arn);
        },
      },
    } as unknown as ServiceContext;
    const end = (index: number, word: { status: string; error?: string; cause?: string }) => {
      const arn = arns[index] ?? '';
      held.set(arn, word);
      for (const listener of listeners) listener(arn);
    };
    const pair = [paths[0] ?? '', paths[1] ?? ''];

    // Act
    const results = await runOnFakeClock(
      processFiles(
        ctx,
        pair.map((path) => ({ path })),
        { keyPrefix: 'held/' },
      ),
    );

    // Assess: each file asked once after upload (unknown) and once on its word.
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['SUCCEEDED', null],
      ['FAILED', 'the task failed'],
    ]);
    expect(asked).toBe(4);
    expect(fake.describes()).toBe(0);
  }, 20_000);
});
