/**
 * Pid files for the local runtime's long-lived child processes, so one left
 * running by a runtime that died (a stale DynamoDB Local holding the data
 * folder) is found at the next start, stopped and reported. A pid is only
 * acted on when its command line still carries the child's marker, so a
 * recycled pid belonging to something else is left alone.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as z from 'zod';

const PidFileSchema = z.object({ pid: z.number().int().positive(), marker: z.string().min(1) });

/** Records that `pid` is the child identified by `marker` (a string in its command line). */
export const writePidFile = (path: string, pid: number, marker: string): void =>
  writeFileSync(path, JSON.stringify({ pid, marker }));

export const removePidFile = (path: string): void => rmSync(path, { force: true });

const commandLine = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type StaleChild =
  | { readonly found: false }
  /** The pid in the file is gone or is now another program; nothing was signalled. */
  | { readonly found: true; readonly pid: number; readonly stopped: false }
  | {
      readonly found: true;
      readonly pid: number;
      readonly stopped: true;
      readonly forced: boolean;
    };

/**
 * Stops the child a previous run recorded in `path`, if it still runs:
 * SIGTERM, then SIGKILL after `graceMs`. Removes the pid file either way.
 */
export const stopStaleChild = async (path: string, graceMs = 5_000): Promise<StaleChild> => {
  if (!existsSync(path)) return { found: false };
  const parsed = PidFileSchema.safeParse(
    (() => {
      try {
        return JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        return undefined;
      }
    })(),
  );
  removePidFile(path);
  if (!parsed.success) return { found: false };
  const { pid, marker } = parsed.data;
  if (!alive(pid) || !(commandLine(pid) ?? '').includes(marker)) {
    return { found: true, pid, stopped: false };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  const forced = alive(pid);
  if (forced) {
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
  }
  return { found: true, pid, stopped: true, forced };
};
