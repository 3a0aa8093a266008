/**
 * Persists the local Step Functions runtime's execution records and final
 * histories as JSON files, written atomically and in order.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import {
  type ExecutionRecord,
  executionRecordSchema,
  type HistoryEvent,
  historyEventSchema,
} from './records.ts';

const fileKey = (executionArn: string): string =>
  createHash('sha256').update(executionArn).digest('hex').slice(0, 40);

const readRecords = async (dir: string): Promise<ExecutionRecord[]> => {
  await mkdir(dir, { recursive: true });
  const files = (await readdir(dir)).filter((file) => file.endsWith('.record.json'));
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const parsed = executionRecordSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (!parsed.success) throw new Error(`EXECUTION_STORE_CORRUPT: ${path}`);
      return parsed.data;
    }),
  );
};

/** Records being read ahead of the store that loads them, by folder. */
const prefetched = new Map<string, Promise<ExecutionRecord[]>>();

/**
 * Starts reading the records in `dir` for the store that will load them
 * next, so a start overlaps the reading with other work. Nothing may write
 * there in between (the runtime is not started yet).
 */
export const prefetchExecutionRecords = (dir: string): void => {
  // A fresh read each time: one left by a start that failed may be stale.
  const reading = readRecords(dir);
  // Its failure is reported to the store's load, not as an unhandled rejection.
  reading.catch(() => undefined);
  prefetched.set(dir, reading);
};

/**
 * Execution records and final histories as JSON files, each written
 * atomically; writes of one file happen in the order they were asked for,
 * writes of different files run side by side.
 */
export class ExecutionStore {
  /** The last queued write of each file, until it settles. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly dir: string | undefined) {}

  async loadRecords(): Promise<ExecutionRecord[]> {
    const dir = this.dir;
    if (dir === undefined) return [];
    const early = prefetched.get(dir);
    prefetched.delete(dir);
    return early ?? readRecords(dir);
  }

  async loadHistory(executionArn: string): Promise<HistoryEvent[] | undefined> {
    if (this.dir === undefined) return undefined;
    const path = join(this.dir, `${fileKey(executionArn)}.history.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = z.array(historyEventSchema).safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`EXECUTION_STORE_CORRUPT: ${path}`);
    return parsed.data;
  }

  saveRecord(record: ExecutionRecord): Promise<void> {
    return this.write(`${fileKey(record.executionArn)}.record.json`, record);
  }

  saveHistory(executionArn: string, events: readonly HistoryEvent[]): Promise<void> {
    return this.write(`${fileKey(executionArn)}.history.json`, events);
  }

  /** Resolves when every write queued so far has finished (failed writes reject their own promise). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private write(file: string, value: unknown): Promise<void> {
    const dir = this.dir;
    if (dir === undefined) return Promise.resolve();
    const text = JSON.stringify(value);
    const run = (this.chains.get(file) ?? Promise.resolve()).then(async () => {
      const path = join(dir, file);
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, path);
    });
    const settled = run.catch(() => undefined);
    this.chains.set(file, settled);
    void settled.then(() => {
      if (this.chains.get(file) === settled) this.chains.delete(file);
    });
    return run;
  }
}
