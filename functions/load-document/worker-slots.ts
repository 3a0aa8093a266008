/**
 * One pdf.js worker at a time per process. The worker's memory cap watches
 * the process's resident memory, which is only a fair measure of one
 * document when one worker runs; and parallel workers in one process (the
 * local runtime runs every execution in one) would share the CPU and time
 * out healthy documents. On Lambda a container handles one invocation at a
 * time, so nothing ever waits there.
 */

let busy = false;
const waiting: Array<() => void> = [];

/** Runs `job` once no other worker job of this process is running. */
export const inWorkerSlot = async <T>(job: () => Promise<T>): Promise<T> => {
  if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
  busy = true;
  try {
    return await job();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else busy = false;
  }
};
