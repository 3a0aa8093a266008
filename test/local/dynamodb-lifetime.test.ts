/**
 * DynamoDB Local as the runtime runs it: listening on 127.0.0.1 only (checked
 * with `ss`), gone when the process that started it is SIGKILLed, and a stale
 * instance left on the data folder stopped and reported at the next start,
 * while an unrelated process that reused the pid is left alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { writePidFile } from '#local/child-processes.ts';
import { DYNAMODB_LOCAL_MARKER, startDynamoDbLocal } from '#local/dynamodb.ts';

/** Local addresses of listening TCP sockets on `port`, from `ss -ltnH`. */
const listeningAddresses = (port: number): string[] =>
  execFileSync('ss', ['-ltnH'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3] ?? '')
    .filter((local) => local.endsWith(`:${port}`))
    .map((local) => local.slice(0, local.length - `:${port}`.length));

const LOOPBACK = new Set(['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitFor = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
};

describe('DynamoDB Local lifetime and exposure', () => {
  it('listens on the loopback address only', async () => {
    // Prepare
    const ddb = await startDynamoDbLocal();
    try {
      // Act
      const addresses = listeningAddresses(ddb.port);

      // Assess
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(LOOPBACK).toContain(address);
    } finally {
      await ddb.stop();
    }
  }, 60_000);

  it('exits when the process that started it is killed with SIGKILL', async () => {
    // Prepare
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', fromRepoRoot('test/helpers/dynamodb-parent.ts')],
      { cwd: fromRepoRoot('.'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const jvm = await new Promise<number>((resolve, reject) => {
      let output = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /JVM (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      parent.once('exit', () => reject(new Error('parent exited before DynamoDB Local started')));
    });
    expect(alive(jvm)).toBe(true);

    // Act
    parent.kill('SIGKILL');
    const gone = await waitFor(() => !alive(jvm), 15_000);

    // Assess
    expect(gone).toBe(true);
  }, 90_000);

  it('stops and reports a stale instance on its data folder, and leaves a reused pid alone', async () => {
    // Prepare: a stand-in for a stale JVM (its command line carries the marker)
    // and an unrelated process whose pid a pid file wrongly names.
    const dataDir = mkdtempSync(join(tmpdir(), 'medextract-ddb-stale-'));
    const otherDir = mkdtempSync(join(tmpdir(), 'medextract-ddb-reused-'));
    const stale = spawn(process.execPath, [
      '-e',
      'setInterval(() => {}, 1000)',
      DYNAMODB_LOCAL_MARKER,
    ]);
    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    writePidFile(
      join(dataDir, 'medextract-dynamodb-local.pid'),
      stale.pid ?? 0,
      DYNAMODB_LOCAL_MARKER,
    );
    writePidFile(
      join(otherDir, 'medextract-dynamodb-local.pid'),
      unrelated.pid ?? 0,
      DYNAMODB_LOCAL_MARKER,
    );

    try {
      // Act
      const first = await startDynamoDbLocal({ dataDir });
      await first.stop();
      const second = await startDynamoDbLocal({ dataDir: otherDir });
      await second.stop();

      // Assess
      expect(first.staleChild).toEqual({
        found: true,
        pid: stale.pid,
        stopped: true,
        forced: false,
      });
      expect(await waitFor(() => stale.exitCode !== null || stale.signalCode !== null, 5_000)).toBe(
        true,
      );
      expect(second.staleChild).toEqual({ found: true, pid: unrelated.pid, stopped: false });
      expect(unrelated.exitCode).toBeNull();
      expect(unrelated.signalCode).toBeNull();
    } finally {
      stale.kill('SIGKILL');
      unrelated.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, 120_000);
});
