/**
 * Thread priority in the local runtime (ADR 70): every thread of the
 * process but the main thread, including workers started afterwards, runs
 * at nice 19; nice 0 and a call from a worker thread change nothing (each
 * thread keeps the nice value the process started with). Each
 * case runs in a child process, since nice values are the process's own.
 */
import { execFileSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import {
  BACKGROUND_THREAD_NICE,
  backgroundNiceSetting,
  lowerBackgroundThreads,
} from '#local/thread-priority.ts';

/** The nice value the child starts at: this process's (`nice npx vitest` runs it at 10, say). */
const startNice = getPriority();

interface ChildReport {
  readonly main: string;
  readonly nice: Record<string, number>;
  /** What `backgroundNiceInEffect` said where the threads were lowered. */
  readonly inEffect: number;
}

const child = (mode: 'main' | 'off' | 'in-worker' | 'stack'): ChildReport =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', fromRepoRoot('test/helpers/thread-priority-child.ts'), mode],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    ),
  ) as ChildReport;

/** The main thread at its own priority, and at least `atLeast` others, every one lowered. */
const expectOnlyMainAtNormalPriority = (report: ChildReport, atLeast: number): void => {
  const others = Object.entries(report.nice)
    .filter(([tid]) => tid !== report.main)
    .map(([, nice]) => nice);
  expect(report.nice[report.main]).toBe(startNice);
  expect(others.length).toBeGreaterThanOrEqual(atLeast);
  expect(others.every((nice) => nice === BACKGROUND_THREAD_NICE)).toBe(true);
};

describe.runIf(process.platform === 'linux')('background threads of the local runtime', () => {
  it('lowers every thread but the main one, workers started later too', () => {
    // Act
    const report = child('main');

    // Assess: V8's helpers, libuv's pool and both workers' threads.
    expectOnlyMainAtNormalPriority(report, 6);
    expect(report.inEffect).toBe(BACKGROUND_THREAD_NICE);
  }, 60_000);

  it('is what a local stack started on the main thread does', () => {
    // Act
    const report = child('stack');

    // Assess: the stack's own threads (its workers, V8's, libuv's) as well.
    expectOnlyMainAtNormalPriority(report, 6);
  }, 90_000);

  it('changes nothing with nice 0', () => {
    // Act
    const report = child('off');

    // Assess
    expect(Object.values(report.nice).every((nice) => nice === startNice)).toBe(true);
  }, 60_000);

  it('changes nothing when the stack runs in a worker thread', () => {
    // Act
    const report = child('in-worker');

    // Assess: the process's other threads (another test's, say) keep their priority.
    expect(Object.values(report.nice).every((nice) => nice === startNice)).toBe(true);
    expect(report.inEffect).toBe(0);
  }, 60_000);
});

describe('MEDEXTRACT_LOCAL_THREAD_NICE', () => {
  it('defaults to 19 and takes a whole number from 0 to 19', () => {
    expect(backgroundNiceSetting({})).toBe(19);
    expect(backgroundNiceSetting({ MEDEXTRACT_LOCAL_THREAD_NICE: '' })).toBe(19);
    expect(backgroundNiceSetting({ MEDEXTRACT_LOCAL_THREAD_NICE: '0' })).toBe(0);
    expect(backgroundNiceSetting({ MEDEXTRACT_LOCAL_THREAD_NICE: '7' })).toBe(7);
  });

  it('is refused as an option outside 0-19 before any thread is touched', () => {
    for (const nice of [20, -1, 2.5]) {
      expect(() => lowerBackgroundThreads(nice)).toThrow(/THREAD_NICE_INVALID/);
    }
  });

  it('refuses anything else with the reason code and the variable named', () => {
    for (const raw of ['20', '-1', '2.5', 'low']) {
      expect(() => backgroundNiceSetting({ MEDEXTRACT_LOCAL_THREAD_NICE: raw })).toThrow(
        /^THREAD_NICE_INVALID: MEDEXTRACT_LOCAL_THREAD_NICE/,
      );
    }
  });
});
