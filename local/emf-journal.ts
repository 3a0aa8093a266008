/**
 * A durable hand-off for EMF log events in the local runtime, as CloudWatch
 * Logs is on AWS: each event is appended to a journal file (fdatasynced in
 * groups, off the event loop) before any subscriber sees it, and acknowledged once the subscribers have
 * taken it. Events not acknowledged when the process stopped, however it
 * stopped, are handed back at the next start with their original ids, so the
 * aggregator's per-event deduplication counts each of them once.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { openGroupCommitFile } from './group-commit-file.ts';

const journaledSchema = z.object({
  functionName: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.number(),
  message: z.string(),
});
/** One EMF log event and the function whose log group it belongs to. */
export type JournaledEvent = z.infer<typeof journaledSchema>;

export interface EmfJournal {
  /** Events written but not acknowledged before this journal was opened, oldest first. */
  readonly pending: readonly JournaledEvent[];
  /** Appends one event; resolves once it is on disk (writes of the same tick share one sync). */
  append(event: JournaledEvent): Promise<void>;
  /** Resolves once every event appended so far is on disk. */
  sync(): Promise<void>;
  /** Marks events as delivered; a lost acknowledgement only means a redelivery. */
  acknowledge(ids: readonly string[]): void;
  close(): Promise<void>;
}

const EVENTS = 'events.ndjson';
const ACKS = 'acks.ndjson';

/** Lines of a file; a torn last line (a kill mid-write) is skipped. */
const readLines = (path: string): string[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];

const parseEvent = (line: string): JournaledEvent | undefined => {
  try {
    const parsed = journaledSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const writeDurably = (path: string, text: string): void => {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Opens (creating) the journal in `folder`, keeps only the events still
 * unacknowledged (rewritten atomically) and starts a fresh acknowledgement file.
 */
export const openEmfJournal = (folder: string): EmfJournal => {
  mkdirSync(folder, { recursive: true });
  const eventsPath = join(folder, EVENTS);
  const acksPath = join(folder, ACKS);
  const acked = new Set(readLines(acksPath));
  const pending = readLines(eventsPath)
    .map(parseEvent)
    .filter((event): event is JournaledEvent => event !== undefined && !acked.has(event.id));
  const compacted = join(folder, `${EVENTS}.tmp`);
  writeDurably(compacted, pending.map((event) => `${JSON.stringify(event)}\n`).join(''));
  renameSync(compacted, eventsPath);
  writeDurably(acksPath, '');

  // Each event is written as it is appended: the task that emitted it goes on to its next
  // write (RecordResult: the ledger outcome), and a process killed after that write must not
  // lose the event. Only the fdatasync, for a machine that stops, is grouped.
  const events = openGroupCommitFile(eventsPath, { writeOnAppend: true });
  const acksFd = openSync(acksPath, 'a');
  let open = true;
  return {
    pending,
    append: (event) => events.append(`${JSON.stringify(event)}\n`),
    sync: () => events.sync(),
    acknowledge: (ids) => {
      if (!open || ids.length === 0) return;
      writeSync(acksFd, ids.map((id) => `${id}\n`).join(''));
    },
    close: async () => {
      if (!open) return;
      open = false;
      fsyncSync(acksFd);
      closeSync(acksFd);
      await events.close();
    },
  };
};
