/**
 * At most two pdf.js workers at a time per process. The worker's memory cap
 * watches the process's resident memory, which measures a document fairly
 * only when few workers share the process; and dozens of parallel workers
 * (the local runtime runs every execution in one process) would share the
 * CPU and blow healthy documents' deadlines. Two keeps both cores busy
 * without queueing so long that the ASL task timeout fires. On Lambda a
 * container handles one invocation at a time, so nothing ever waits there.
 */

const SLOTS = 2;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs `job` once fewer than `SLOTS` worker jobs of this process are running. */
export const inWorkerSlot = async <T>(job: () => Promise<T>): Promise<T> => {
  if (running >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await job();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next job, so `running` stays counted.
    if (next) next();
    else running -= 1;
  }
};
