/**
 * LoadDocument's CPU-bound work in this process — rendering a document's
 * image pages and reading them with OCR — takes one slot per CPU, first come
 * first served, and OCR engines take at most all CPUs but one (never fewer
 * than one). On Lambda an invocation has its process to itself, so that is
 * one slot each and never waits; the local runtime runs many documents in
 * one process, where renderers and OCR engines on more threads than CPUs
 * make every page late and push renders and text parses past their
 * deadlines (ADR 41).
 */
import { availableParallelism } from 'node:os';

interface Semaphore {
  /** With `deadline` (a `performance.now()` instant) gives up then and answers false. */
  acquire(deadline?: number): Promise<boolean>;
  release(): void;
}

const semaphore = (size: number): Semaphore => {
  let taken = 0;
  const queued: Array<() => void> = [];
  const release = (): void => {
    const next = queued.shift();
    if (next) next();
    else taken -= 1;
  };
  const acquire = async (deadline?: number): Promise<boolean> => {
    if (taken < size) {
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
      else release();
    }
    return got;
  };
  return { acquire, release };
};

/** Slots in this process (one per CPU). */
export const CPU_SLOTS = Math.max(1, availableParallelism());
/** OCR engines at once: all CPUs but one, so renders and text parses keep a core. */
export const OCR_SLOTS = Math.max(1, CPU_SLOTS - 1);

const cpu = semaphore(CPU_SLOTS);
const ocr = semaphore(OCR_SLOTS);

/** A CPU slot (for a render); every true answer needs one releaseCpuSlot(). */
export const acquireCpuSlot = (deadline?: number): Promise<boolean> => cpu.acquire(deadline);
export const releaseCpuSlot = (): void => cpu.release();

/** An OCR engine's turn, then its CPU slot; every true answer needs one releaseOcrSlot(). */
export const acquireOcrSlot = async (deadline?: number): Promise<boolean> => {
  if (!(await ocr.acquire(deadline))) return false;
  if (await cpu.acquire(deadline)) return true;
  ocr.release();
  return false;
};
export const releaseOcrSlot = (): void => {
  cpu.release();
  ocr.release();
};
