/**
 * CloudWatch Logs stand-in for handlers run in process: stdout written while a
 * function runs goes to that function's log file, and its EMF lines are
 * delivered to subscribers in the real CloudWatch Logs subscription event
 * shape (base64 of gzipped JSON), as a subscription filter would. With a
 * journal, the EMF events of chosen functions are on disk before delivery
 * and redelivered after a crash (see emf-journal.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { openAppendFiles } from './append-files.ts';
import { type EmfJournal, openEmfJournal } from './emf-journal.ts';

/** One log event as CloudWatch Logs delivers it to a subscription. */
export interface LogEvent {
  /** Numeric string, unique, fixed when the line is captured (redeliveries keep it). */
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** The decoded payload of a CloudWatch Logs subscription event. */
export interface LogsSubscriptionPayload {
  readonly messageType: 'DATA_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly LogEvent[];
}

/** What a subscribed Lambda function receives: `awslogs.data` is base64(gzip(JSON)). */
export interface LogsSubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

export type EmfListener = (event: LogsSubscriptionEvent) => void | Promise<void>;

export interface LogCaptureOptions {
  /** Log files go to `<dataDir>/logs/<functionName>.log`; none without it. */
  readonly dataDir?: string;
  /** Also print captured lines to the terminal; default false. */
  readonly echo?: boolean;
  /** Delivery delay for a partly filled batch; default 250 ms. */
  readonly flushIntervalMs?: number;
  /** Events per delivery; default 100. */
  readonly batchSize?: number;
  /**
   * Functions whose EMF events are journaled under `<dataDir>/emf-journal`
   * before delivery and acknowledged once every matching listener took them;
   * needs `dataDir`. Unacknowledged events of an earlier run are delivered to
   * the first listener that subscribes to their function.
   */
  readonly journalFunctions?: readonly string[];
  /** Receives listener failures; default: a line with the error name on stderr. */
  readonly onError?: (error: unknown) => void;
}

export interface EmfSubscriptionOptions {
  /** Deliver only these functions' log groups; default all. */
  readonly functionNames?: readonly string[];
}

export interface LogCapture {
  /** Runs `fn` with stdout and stderr attributed to log group `/aws/lambda/<functionName>`. */
  runAsFunction<T>(functionName: string, fn: () => T | Promise<T>): Promise<T>;
  /** Subscribes to EMF log events; returns an unsubscribe function. */
  onEmf(listener: EmfListener, options?: EmfSubscriptionOptions): () => void;
  /** Delivers every pending batch now and waits for the listeners. */
  flush(): Promise<void>;
  /** Flushes, then puts the original `write` of stdout and stderr back. */
  restore(): Promise<void>;
}

/** Subscription filter name the local runtime reports, as the CDK app names it. */
export const EMF_SUBSCRIPTION_FILTER = 'emf-to-aggregator';
const OWNER = '000000000000';
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const payloadSchema = z.object({
  messageType: z.literal('DATA_MESSAGE'),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()),
  logEvents: z.array(z.object({ id: z.string(), timestamp: z.number(), message: z.string() })),
});

/** Decodes `awslogs.data` (base64, gzip, JSON) into its payload. */
export const decodeLogsSubscriptionEvent = (
  event: LogsSubscriptionEvent,
): LogsSubscriptionPayload =>
  payloadSchema.parse(
    JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')),
  );

/** Encodes a payload as CloudWatch Logs does for a subscription delivery. */
export const encodeLogsSubscriptionEvent = (
  payload: LogsSubscriptionPayload,
): LogsSubscriptionEvent => ({
  awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') },
});

const emfShape = z.object({
  _aws: z.object({ CloudWatchMetrics: z.array(z.unknown()) }).loose(),
});

/** True for a line that is an EMF document (JSON with `_aws.CloudWatchMetrics`). */
export const isEmfLine = (line: string): boolean => {
  // Every structured log line is JSON; only EMF documents carry the `_aws` key.
  if (!line.startsWith('{') || !line.includes('"_aws"')) return false;
  try {
    return emfShape.safeParse(JSON.parse(line)).success;
  } catch {
    return false;
  }
};

/**
 * Returns a generator of CloudWatch-style event ids: 56-digit numeric strings,
 * increasing within a process (millisecond clock first, then a per-process
 * random part, then a counter), so ids never repeat across restarts.
 */
export const createEventIdGenerator = (): ((timestamp: number) => string) => {
  const instance = `${randomInt(1e10)}`.padStart(10, '0') + `${randomInt(1e10)}`.padStart(10, '0');
  let counter = 0;
  return (timestamp) => {
    counter += 1;
    return `${String(timestamp).padStart(15, '0')}${instance}${String(counter).padStart(21, '0')}`;
  };
};

interface Invocation {
  readonly functionName: string;
  /** Unterminated line per stream, completed by the next write or at the end. */
  readonly partial: { out: string; err: string };
}

interface Batch {
  readonly functionName: string;
  readonly events: LogEvent[];
}

type StdoutWriteCallback = (error?: Error | null) => void;

let installed: LogCapture | undefined;

/**
 * Patches `process.stdout.write` once (only one capture may be installed at a
 * time) and returns the capture. Lines written outside `runAsFunction` pass
 * through untouched.
 */
export const installLogCapture = (options: LogCaptureOptions = {}): LogCapture => {
  if (installed) throw new Error('LOG_CAPTURE_INSTALLED: restore the current capture first');
  const echo = options.echo ?? false;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.stderr.write(
        `log-capture: listener failed: ${error instanceof Error ? error.name : 'Error'}\n`,
      ));
  const logDir = options.dataDir ? join(resolve(options.dataDir), 'logs') : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const journaled = new Set(options.journalFunctions ?? []);
  if (journaled.size > 0 && !options.dataDir) {
    throw new Error('LOG_CAPTURE_JOURNAL: journalFunctions needs dataDir');
  }
  const journal: EmfJournal | undefined =
    journaled.size > 0 && options.dataDir
      ? openEmfJournal(join(resolve(options.dataDir), 'emf-journal'))
      : undefined;
  /** Events of an earlier run waiting for a listener of their function. */
  let replay = [...(journal?.pending ?? [])];

  const storage = new AsyncLocalStorage<Invocation>();
  const nextId = createEventIdGenerator();
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const streamSuffix = randomBytes(16).toString('hex');
  const listeners = new Map<EmfListener, EmfSubscriptionOptions>();
  const batches = new Map<string, Batch>();
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  const originalStdout = process.stdout.write;

  const deliver = (batch: Batch) => {
    const payload: LogsSubscriptionPayload = {
      messageType: 'DATA_MESSAGE',
      owner: OWNER,
      logGroup: `/aws/lambda/${batch.functionName}`,
      logStream: `${day}/[$LATEST]${streamSuffix}`,
      subscriptionFilters: [EMF_SUBSCRIPTION_FILTER],
      logEvents: batch.events,
    };
    const event = encodeLogsSubscriptionEvent(payload);
    const works: Promise<void>[] = [];
    const isJournaled = journaled.has(batch.functionName);
    // A journaled event reaches no listener before it is on disk.
    const durable = isJournaled && journal ? journal.sync() : Promise.resolve();
    for (const [listener, filter] of listeners) {
      if (filter.functionNames && !filter.functionNames.includes(batch.functionName)) continue;
      // Outside any invocation, so a listener's own output is not attributed
      // to the function whose lines it receives.
      works.push(storage.exit(() => durable.then(() => listener(event))));
    }
    if (works.length === 0 && isJournaled) {
      // Nobody listens yet: kept for the first listener, as a subscription's backlog.
      replay.push(...batch.events.map((e) => ({ functionName: batch.functionName, ...e })));
      return;
    }
    // Acknowledged only when a listener took the batch and none failed: else it is redelivered.
    const work = Promise.all(works).then(() => {
      if (isJournaled) journal?.acknowledge(batch.events.map((e) => e.id));
    }, onError);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const deliverAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const ready = [...batches.values()];
    batches.clear();
    for (const batch of ready) deliver(batch);
  };

  const scheduleDelivery = () => {
    if (timer) return;
    timer = storage.exit(() => setTimeout(deliverAll, flushIntervalMs));
    timer.unref();
  };

  // One descriptor per function's log file while the capture is installed.
  const logFiles = openAppendFiles();

  const handleLine = (functionName: string, line: string) => {
    if (logDir) logFiles.append(join(logDir, `${functionName}.log`), `${line}\n`);
    if (echo) originalStdout.call(process.stdout, `${line}\n`);
    if (!isEmfLine(line)) return;
    const timestamp = Date.now();
    const batch = batches.get(functionName) ?? { functionName, events: [] };
    batches.set(functionName, batch);
    const event = { id: nextId(timestamp), timestamp, message: line };
    // Written before this returns (a kill after the task's next write loses none), fdatasynced
    // in groups off the event loop; the invocation ends only once they are on disk.
    if (journaled.has(functionName))
      void journal?.append({ functionName, ...event }).catch(onError);
    batch.events.push(event);
    if (batch.events.length >= batchSize) {
      batches.delete(functionName);
      deliver(batch);
    } else {
      scheduleDelivery();
    }
  };

  const consume = (invocation: Invocation, stream: 'out' | 'err', text: string) => {
    const lines = (invocation.partial[stream] + text).split('\n');
    invocation.partial[stream] = lines.pop() ?? '';
    for (const line of lines) handleLine(invocation.functionName, line);
  };

  /** Lambda sends both stdout and stderr to the function's log group; so does this. */
  const patch = (target: NodeJS.WriteStream, stream: 'out' | 'err') => {
    const originalWrite = target.write;
    function patchedWrite(
      chunk: Uint8Array | string,
      encodingOrCallback?: BufferEncoding | StdoutWriteCallback,
      callback?: StdoutWriteCallback,
    ): boolean {
      const invocation = storage.getStore();
      if (!invocation) {
        return typeof encodingOrCallback === 'function'
          ? originalWrite.call(target, chunk, undefined, encodingOrCallback)
          : originalWrite.call(target, chunk, encodingOrCallback, callback);
      }
      const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8';
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding);
      consume(invocation, stream, text);
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (done) process.nextTick(done);
      return true;
    }
    target.write = patchedWrite;
    return () => {
      if (target.write === patchedWrite) target.write = originalWrite;
    };
  };
  const unpatch = [patch(process.stdout, 'out'), patch(process.stderr, 'err')];

  const flush = async () => {
    deliverAll();
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };

  const capture: LogCapture = {
    runAsFunction: async (functionName, fn) => {
      if (!FUNCTION_NAME.test(functionName)) {
        throw new Error('INVALID_FUNCTION_NAME: use 1-64 letters, digits, - or _');
      }
      const invocation: Invocation = { functionName, partial: { out: '', err: '' } };
      try {
        return await storage.run(invocation, fn);
      } finally {
        for (const stream of ['out', 'err'] as const) {
          const rest = invocation.partial[stream];
          invocation.partial[stream] = '';
          if (rest !== '') handleLine(functionName, rest);
        }
        // An invocation ends only once its EMF events are on disk.
        if (journal && journaled.has(functionName)) await journal.sync();
      }
    },
    onEmf: (listener, subscription = {}) => {
      listeners.set(listener, subscription);
      const mine = (name: string) =>
        !subscription.functionNames || subscription.functionNames.includes(name);
      const replaying = replay.filter((event) => mine(event.functionName));
      replay = replay.filter((event) => !mine(event.functionName));
      for (const { functionName, ...event } of replaying) {
        const batch = batches.get(functionName) ?? { functionName, events: [] };
        batches.set(functionName, batch);
        batch.events.push(event);
      }
      if (replaying.length > 0) scheduleDelivery();
      return () => listeners.delete(listener);
    },
    flush,
    restore: async () => {
      await flush();
      await journal?.close();
      logFiles.close();
      for (const undo of unpatch) undo();
      if (installed === capture) installed = undefined;
    },
  };
  installed = capture;
  return capture;
};
