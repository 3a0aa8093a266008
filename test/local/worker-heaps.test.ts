/**
 * The local runtime's worker heaps (ADR 69): a worker started after
 * `sizeWorkerHeaps()` runs far fewer full collections for the same
 * allocation, and its own heap cap still stops a runaway allocation. Each
 * case runs in a child process, since the setting is process-wide.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';

const child = (...args: string[]): string =>
  execFileSync(
    process.execPath,
    ['--import', 'tsx', fromRepoRoot('test/helpers/worker-heaps-child.ts'), ...args],
    { encoding: 'utf8', timeout: 60_000 },
  );

const majorCollections = (mode: 'plain' | 'sized'): number => {
  const match = /MAJOR (\d+)/.exec(child(mode));
  if (!match) throw new Error(`no collection count from the ${mode} child`);
  return Number(match[1]);
};

describe('worker heaps of the local runtime', () => {
  it('spaces out full collections in workers started after sizing', () => {
    // Act
    const plain = majorCollections('plain');
    const sized = majorCollections('sized');

    // Assess: the same allocation; V8's default start collects several times as often.
    expect(plain).toBeGreaterThan(8);
    expect(sized).toBeLessThan(plain / 2);
  }, 120_000);

  it('still ends a runaway worker at its own heap cap', () => {
    // Act
    const output = child('sized', 'oom');

    // Assess
    expect(output).toContain('ERROR ERR_WORKER_OUT_OF_MEMORY');
  }, 60_000);
});
