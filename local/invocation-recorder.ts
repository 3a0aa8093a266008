/**
 * Records every in-process handler run with its REPORT-line figures
 * (duration, billed duration, memory size, memory used, init duration on a
 * cold start), kept in memory for the HTTP API and appended as JSON lines to
 * `<dataDir>/logs/invocations.jsonl` when the stack has a data folder (one
 * descriptor, kept open until `close`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionName } from '#contracts/functions.ts';
import type { InvocationReport } from '#contracts/invocation-reports.ts';
import { configFor } from '#infra/config.ts';
import { openAppendFiles } from './append-files.ts';

/** The most reports kept in memory (oldest dropped first). */
const KEEP = 20_000;

export interface InvocationRecorder {
  /** Times a handler module's import: the local cold start's init duration. */
  timeInit<T>(functionName: string, load: () => Promise<T>): Promise<T>;
  /** Runs one invocation and records its report, thrown or not. */
  record<T>(functionName: string, run: () => Promise<T>): Promise<T>;
  list(): readonly InvocationReport[];
  /** Closes the reports file (a later report opens it again). */
  close(): void;
}

/**
 * Resident memory is one figure for the whole process (every function runs
 * in it), so it is read at most this often rather than once per invocation:
 * on a busy event loop the read showed as 2% of the main thread's time.
 */
const RSS_READ_INTERVAL_MS = 250;
let rssRead = { at: Number.NEGATIVE_INFINITY, mb: 0 };
const residentMb = (): number => {
  const now = performance.now();
  if (now - rssRead.at >= RSS_READ_INTERVAL_MS) {
    rssRead = { at: now, mb: Math.round(process.memoryUsage.rss() / 1024 / 1024) };
  }
  return rssRead.mb;
};

const memorySizeOf = (functionName: string): number =>
  configFor('dev').functions[functionName as FunctionName]?.memoryMb ?? 512;

export const createInvocationRecorder = (dataDir?: string): InvocationRecorder => {
  const reports: InvocationReport[] = [];
  const pendingInit = new Map<string, number>();
  const file = dataDir ? join(dataDir, 'logs', 'invocations.jsonl') : undefined;
  if (dataDir) mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const files = openAppendFiles();
  return {
    async timeInit(functionName, load) {
      const started = performance.now();
      const loaded = await load();
      pendingInit.set(functionName, performance.now() - started);
      return loaded;
    },
    async record(functionName, run) {
      const initDurationMs = pendingInit.get(functionName);
      const coldStart = initDurationMs !== undefined;
      pendingInit.delete(functionName);
      const startedAt = new Date().toISOString();
      const started = performance.now();
      let error: string | null = null;
      try {
        return await run();
      } catch (thrown) {
        error = thrown instanceof Error ? thrown.name : 'Error';
        throw thrown;
      } finally {
        const durationMs = Math.round((performance.now() - started) * 100) / 100;
        const report: InvocationReport = {
          functionName,
          requestId: randomUUID(),
          startedAt,
          durationMs,
          billedDurationMs: Math.max(1, Math.ceil(durationMs)),
          memorySizeMb: memorySizeOf(functionName),
          maxMemoryUsedMb: residentMb(),
          initDurationMs: coldStart ? Math.round(initDurationMs * 100) / 100 : null,
          coldStart,
          error,
        };
        reports.push(report);
        if (reports.length > KEEP) reports.shift();
        if (file) files.append(file, `${JSON.stringify(report)}\n`);
      }
    },
    list: () => reports,
    close: () => files.close(),
  };
};
