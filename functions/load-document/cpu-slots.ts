/**
 * LoadDocument's CPU-bound work in this process — rendering a document's
 * image pages and reading them with OCR — takes one slot per CPU, first come
 * first served. On Lambda an invocation has its process to itself, so this is
 * one slot and never waits; the local runtime runs many documents in one
 * process, where a renderer and OCR engines on more threads than CPUs make
 * every page late and push renders past their deadline (ADR 41).
 */
import { availableParallelism } from 'node:os';

const SLOTS = Math.max(1, availableParallelism());
let taken = 0;
const queued: Array<() => void> = [];

/**
 * Waits for a slot; with `deadline` (a `performance.now()` instant) gives up
 * then and answers false. Every true answer needs one releaseCpuSlot().
 */
export const acquireCpuSlot = async (deadline?: number): Promise<boolean> => {
  if (taken < SLOTS) {
    taken += 1;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  let granted: (() => void) | undefined;
  const got = await new Promise<boolean>((resolve) => {
    granted = () => resolve(true);
    queued.push(granted);
    if (deadline !== undefined) {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
    }
  });
  clearTimeout(timer);
  if (!got) {
    const at = granted ? queued.indexOf(granted) : -1;
    // Still queued: leave the queue. Handed the slot at the same instant: pass it on.
    if (at >= 0) queued.splice(at, 1);
    else releaseCpuSlot();
  }
  return got;
};

export const releaseCpuSlot = (): void => {
  const next = queued.shift();
  if (next) next();
  else taken -= 1;
};

/** Slots in this process (one per CPU). */
export const CPU_SLOTS = SLOTS;
