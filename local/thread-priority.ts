/**
 * Scheduling priority of the local runtime's threads (ADR 70). Every
 * document moves through the event loop of the thread that started the
 * stack: the emulators, the SDK clients and the handlers all run there. The
 * pdf.js and rule-based extractor workers, V8's compiler and GC helpers and
 * libuv's pool run beside it, and on a machine with fewer cores than
 * runnable threads Linux shares a core between the event loop and whichever
 * of them is runnable: the loop every document waits on then spends a fifth
 * of its time in the run queue. Here every other thread of the process runs
 * at the lowest priority (nice 19), so they take the core time the event
 * loop leaves, which on a busy pipeline is most of the second core.
 *
 * Linux only (the nice value is per thread there), and only when the stack
 * runs on the process's main thread: a stack inside a worker thread (a test
 * runner's pool) leaves the process's other threads, other tests among them,
 * alone. Threads started later (workers start on first use) are lowered by
 * a sweep of `/proc/self/task` once a second. Nothing here runs on AWS.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** The nice value of the threads beside the event loop; 0 leaves every thread as it is. */
export const BACKGROUND_THREAD_NICE = 19;

/** How often threads started since the last sweep are lowered. */
const SWEEP_INTERVAL_MS = 1000;

const NICE_RANGE = 'a whole number from 0 to 19';

const isNice = (nice: number): boolean => Number.isInteger(nice) && nice >= 0 && nice <= 19;

/** The nice value for the stack's background threads: `MEDEXTRACT_LOCAL_THREAD_NICE` or the default. */
export const backgroundNiceSetting = (env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.MEDEXTRACT_LOCAL_THREAD_NICE;
  if (raw === undefined || raw === '') return BACKGROUND_THREAD_NICE;
  const nice = Number(raw);
  if (!isNice(nice))
    throw new RangeError(`THREAD_NICE_INVALID: MEDEXTRACT_LOCAL_THREAD_NICE must be ${NICE_RANGE}`);
  return nice;
};

/**
 * The nice value the background threads get when a stack starts here with
 * `nice`: itself on Linux on the process's main thread, else 0 (left alone).
 */
export const backgroundNiceInEffect = (nice: number = backgroundNiceSetting()): number =>
  process.platform === 'linux' && isMainThread ? nice : 0;

export interface BackgroundThreads {
  /** Stops the sweep for this holder; lowered threads stay lowered. */
  release(): void;
}

interface Sweeper {
  readonly nice: number;
  readonly timer: NodeJS.Timeout;
  holders: number;
}

let sweeper: Sweeper | undefined;

/** Sets every thread of this process but the main one to `nice` (a thread that just ended is skipped). */
const sweepNow = (nice: number): void => {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of threads) {
    if (Number(tid) === process.pid) continue;
    try {
      setPriority(Number(tid), nice);
    } catch {
      // Ended between the listing and the call: nothing to lower.
    }
  }
};

const inactive: BackgroundThreads = { release: () => undefined };

/**
 * Lowers every thread of this process but the main thread to `nice`, now
 * and as threads start, until every holder has released it. A no-op off
 * Linux, off the main thread, or with `nice` 0.
 */
export const lowerBackgroundThreads = (
  nice: number = backgroundNiceSetting(),
): BackgroundThreads => {
  if (!isNice(nice)) throw new RangeError(`THREAD_NICE_INVALID: nice must be ${NICE_RANGE}`);
  if (backgroundNiceInEffect(nice) === 0) return inactive;
  if (sweeper && sweeper.nice !== nice) {
    throw new Error(`THREAD_PRIORITY_CONFLICT: threads already lowered to nice ${sweeper.nice}`);
  }
  const state: Sweeper = sweeper ?? {
    nice,
    timer: setInterval(() => sweepNow(nice), SWEEP_INTERVAL_MS).unref(),
    holders: 0,
  };
  sweeper = state;
  state.holders += 1;
  sweepNow(nice);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      state.holders -= 1;
      if (state.holders === 0) {
        clearInterval(state.timer);
        if (sweeper === state) sweeper = undefined;
      }
    },
  };
};
