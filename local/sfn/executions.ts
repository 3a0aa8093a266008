/**
 * Runs executions of the prepared state machines: starts them on
 * aws-local-stepfunctions, calls the in-process Task handlers, enforces the
 * execution timeout, decides each final status and hands records to the store.
 */
import { ExecutionError, type RunOptions, type StateMachine } from 'aws-local-stepfunctions';
import * as z from 'zod';
import {
  type LocalStateMachineConfig,
  type PreparedMachine,
  prepareMachine,
  type TaskHandler,
} from './definition.ts';
import { HistoryRecorder, TaskAttemptLog } from './history.ts';
import { ExecutionStore } from './persistence.ts';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type HistoryEvent,
  startAndEndHistory,
  terminalEventOf,
} from './records.ts';

export type JsonValue = Parameters<StateMachine['run']>[0];
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const STOPPED_CAUSE = 'local runtime stopped';

export const jsonValue = z.json();

/** What the runtime needs to know about the machines it serves and where records go. */
export interface ExecutionsOptions {
  readonly region: string;
  readonly accountId: string;
  /** Folder for execution records; absent keeps everything in memory. */
  readonly dataDir?: string;
  readonly stateMachines: readonly LocalStateMachineConfig[];
}

export type StopRequest =
  | { readonly kind: 'aborted'; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'timeout' };

interface RunControl {
  stopRequest: StopRequest | undefined;
  /** The library's result has settled; a stop request after this is a no-op. */
  settled: boolean;
  abort: () => void;
}

export interface ExecutionEntry {
  record: ExecutionRecord;
  /** Present while this process runs (or ran) the execution. */
  recorder?: HistoryRecorder;
  control?: RunControl;
  done: Promise<void>;
}

type Settled =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Raised into the library so Retry/Catch match on `name` and Cause reads like Lambda's. */
class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

const toTaskFailure = (error: unknown): TaskFailure => {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage }));
};

/** Serialises a handler result as Lambda does: JSON round trip, `undefined` becomes null. */
const toJsonValue = (value: unknown): JsonValue => {
  const text = JSON.stringify(value);
  return text === undefined ? null : jsonValue.parse(JSON.parse(text));
};

/** The executions of one local Step Functions endpoint, running and finished. */
export class LocalExecutions {
  readonly region: string;
  readonly accountId: string;
  private readonly machinesByArn = new Map<string, PreparedMachine>();
  private readonly machinesByName = new Map<string, PreparedMachine>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly running = new Set<Promise<void>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly store: ExecutionStore;
  private nextSeq = 1;
  private readonly endedListeners = new Set<(record: ExecutionRecord) => void>();
  private persistError: unknown;
  private stopping: Promise<void> | undefined;

  constructor(options: ExecutionsOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.store = new ExecutionStore(options.dataDir);
    for (const config of options.stateMachines) {
      if (this.machinesByName.has(config.name)) {
        throw new Error(`STATE_MACHINE_DUPLICATE: ${config.name} is configured twice`);
      }
      const machine = prepareMachine(config, this.region, this.accountId);
      this.machinesByArn.set(machine.arn, machine);
      this.machinesByName.set(machine.name, machine);
    }
  }

  /** Reloads records; executions left RUNNING by a previous process are marked ABORTED. */
  async restore(): Promise<void> {
    for (const loaded of await this.store.loadRecords()) {
      let record = loaded;
      if (record.status === 'RUNNING') {
        record = { ...record, status: 'ABORTED', stopDate: Date.now(), cause: STOPPED_CAUSE };
        await this.store.saveRecord(record);
      }
      this.executions.set(record.executionArn, { record, done: Promise.resolve() });
      this.nextSeq = Math.max(this.nextSeq, record.seq + 1);
    }
  }

  /** True once {@link stopAll} has been called. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  stateMachineArn(name: string): string {
    const machine = this.machinesByName.get(name);
    if (machine === undefined) throw new Error(`STATE_MACHINE_UNKNOWN: ${name}`);
    return machine.arn;
  }

  machine(stateMachineArn: string): PreparedMachine | undefined {
    return this.machinesByArn.get(stateMachineArn);
  }

  machines(): PreparedMachine[] {
    return [...this.machinesByArn.values()];
  }

  execution(executionArn: string): ExecutionEntry | undefined {
    return this.executions.get(executionArn);
  }

  records(): ExecutionRecord[] {
    return [...this.executions.values()].map((entry) => entry.record);
  }

  /**
   * Records a new RUNNING execution and launches it once the record is on
   * disk. The entry is registered before the first await, so a repeated start
   * sees this one. No task runs before the record is durable: a crash can
   * lose a start nobody was told about, never an execution whose tasks
   * already wrote results or ledger entries (the document's history and
   * the reconciler read the execution an entry names; a lost record with
   * surviving side effects would be an execution nobody can describe).
   */
  async start(
    machine: PreparedMachine,
    executionArn: string,
    name: string,
    inputText: string,
    input: JsonValue,
  ): Promise<ExecutionRecord> {
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      seq: this.nextSeq++,
      status: 'RUNNING',
      startDate: Date.now(),
      input: inputText,
    };
    // A stop requested while the record is written (StopExecution, or the
    // runtime stopping) is seen at launch: the execution runs no task and ends ABORTED.
    const control: RunControl = { stopRequest: undefined, settled: false, abort: () => undefined };
    const entry: ExecutionEntry = { record, control, done: Promise.resolve() };
    this.executions.set(executionArn, entry);
    const launched = (async () => {
      try {
        await this.store.saveRecord(record);
      } catch (error) {
        this.executions.delete(executionArn);
        throw error;
      }
      if (this.stopping !== undefined) {
        control.stopRequest ??= { kind: 'aborted', cause: STOPPED_CAUSE };
      }
      this.launch(machine, entry, control, input);
    })();
    // Until launch sets the real one: resolves when the execution has ended.
    entry.done = launched.then(
      () => entry.done,
      () => undefined,
    );
    // A stop waits for starts still writing their record, then aborts what they launched.
    const pending = launched.catch(() => undefined);
    this.running.add(pending);
    try {
      await launched;
    } finally {
      this.running.delete(pending);
    }
    return entry.record;
  }

  /**
   * Calls `listener` with each execution's final record once it is on disk
   * (so a DescribeExecution after the call sees the end). Returns the unsubscribe.
   */
  onEnded(listener: (record: ExecutionRecord) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** Asks a running execution to stop and resolves once it has been recorded. */
  async stop(entry: ExecutionEntry, request: StopRequest): Promise<void> {
    this.requestStop(entry, request);
    await entry.done;
  }

  async historyOf(entry: ExecutionEntry): Promise<readonly HistoryEvent[]> {
    if (entry.recorder !== undefined) return entry.recorder.events;
    const stored = await this.store.loadHistory(entry.record.executionArn);
    return stored ?? startAndEndHistory(entry.record);
  }

  private launch(
    machine: PreparedMachine,
    entry: ExecutionEntry,
    control: RunControl,
    input: JsonValue,
  ): void {
    const record = entry.record;
    const attempts = new TaskAttemptLog();
    const recorder = new HistoryRecorder(machine, attempts, this.region);
    recorder.append('ExecutionStarted', record.startDate, 'executionStartedEventDetails', {
      input: record.input,
      inputDetails: { truncated: false },
      roleArn: machine.roleArn,
    });
    const handlers: LocalHandlers = {};
    for (const [stateName, handler] of Object.entries(machine.handlers)) {
      handlers[stateName] = (taskInput) =>
        this.invokeTask(stateName, handler, taskInput, control, attempts);
    }
    entry.recorder = recorder;

    const run = machine.runner.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: machine.roleArn,
          StartTime: new Date(record.startDate).toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    control.abort = run.abort;
    if (control.stopRequest !== undefined) run.abort();
    const drained = (async () => {
      for await (const event of run.eventLogs) recorder.onLibraryEvent(event);
    })().catch(() => undefined);
    const timer =
      machine.timeoutSeconds === undefined
        ? undefined
        : setTimeout(
            () => this.requestStop(entry, { kind: 'timeout' }),
            machine.timeoutSeconds * 1000,
          );

    const settled: Promise<Settled> = run.result.then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
    const done = settled
      .then(async (outcome) => {
        control.settled = true;
        clearTimeout(timer);
        await drained;
        await this.finish(entry, machine, recorder, outcome);
      })
      .catch((error: unknown) => {
        this.persistError ??= error;
      })
      .finally(() => this.running.delete(done));
    entry.done = done;
    this.running.add(done);
  }

  private async invokeTask(
    stateName: string,
    handler: TaskHandler,
    input: JsonValue,
    control: RunControl,
    attempts: TaskAttemptLog,
  ): Promise<JsonValue> {
    // After an abort the library may still retry a failed state; the task must not run again.
    if (control.stopRequest !== undefined) {
      throw new TaskFailure(
        'States.Runtime',
        JSON.stringify({ errorMessage: 'execution stopped' }),
      );
    }
    const attempt = attempts.begin(stateName, JSON.stringify(input));
    const call = (async () => handler(input))();
    this.inFlight.add(call);
    try {
      const value = toJsonValue(await call);
      attempt.outcome = { ok: true, output: JSON.stringify(value) };
      return value;
    } catch (error) {
      attempt.outcome = { ok: false };
      throw toTaskFailure(error);
    } finally {
      this.inFlight.delete(call);
    }
  }

  private requestStop(entry: ExecutionEntry, request: StopRequest): void {
    const control = entry.control;
    if (control === undefined || control.settled || control.stopRequest !== undefined) return;
    control.stopRequest = request;
    control.abort();
  }

  private async finish(
    entry: ExecutionEntry,
    machine: PreparedMachine,
    recorder: HistoryRecorder,
    outcome: Settled,
  ): Promise<void> {
    const stop = entry.control?.stopRequest;
    let status: ExecutionStatus;
    let result: { output?: string; error?: string; cause?: string } = {};
    if (stop?.kind === 'timeout') {
      status = 'TIMED_OUT';
      result = { error: 'States.Timeout' };
    } else if (stop?.kind === 'aborted') {
      status = 'ABORTED';
      result = { error: stop.error, cause: stop.cause };
    } else if (outcome.ok) {
      status = 'SUCCEEDED';
      result = { output: JSON.stringify(outcome.value ?? null) };
    } else {
      status = 'FAILED';
      result = this.failureOf(outcome.error, machine, recorder);
    }
    const record: ExecutionRecord = { ...entry.record, ...result, status, stopDate: Date.now() };
    entry.record = record;
    const terminal = terminalEventOf(record);
    if (terminal !== undefined) {
      recorder.append(terminal.type, record.stopDate ?? Date.now(), terminal.key, terminal.details);
    }
    await this.store.saveRecord(record);
    await this.store.saveHistory(record.executionArn, recorder.events);
    for (const listener of this.endedListeners) {
      try {
        listener(record);
      } catch {
        // A listener's failure is its own; the execution has ended either way.
      }
    }
  }

  private failureOf(
    error: unknown,
    machine: PreparedMachine,
    recorder: HistoryRecorder,
  ): { error?: string; cause?: string } {
    const root =
      error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    if (!(root instanceof Error)) return { error: 'States.Runtime', cause: String(root) };
    const last = recorder.lastEnteredState;
    const state = last === undefined ? undefined : machine.states.get(last);
    if (state?.type === 'Fail') {
      // The library fills in defaults for a Fail state without Error/Cause; AWS leaves them empty.
      return {
        error: state.declaresError ? root.name : undefined,
        cause: state.declaresCause ? root.message : undefined,
      };
    }
    return { error: root.name, cause: root.message };
  }

  /** Resolves once no execution is running, no task handler is in flight and records are written. */
  async waitForIdle(): Promise<void> {
    for (;;) {
      const pending = [...this.running, ...this.inFlight];
      if (pending.length === 0) break;
      await Promise.allSettled(pending);
    }
    await this.store.flush();
    this.throwPersistError();
  }

  /**
   * Aborts every running execution (ABORTED, cause `local runtime stopped`)
   * while the port closes, then waits for in-flight handlers and pending writes.
   */
  stopAll(closePort: () => Promise<void>): Promise<void> {
    this.stopping ??= (async () => {
      const closing = closePort();
      for (const entry of this.executions.values()) {
        this.requestStop(entry, { kind: 'aborted', cause: STOPPED_CAUSE });
      }
      try {
        await this.waitForIdle();
      } finally {
        await closing;
      }
    })();
    return this.stopping;
  }

  private throwPersistError(): void {
    if (this.persistError === undefined) return;
    const detail = this.persistError instanceof Error ? this.persistError.message : 'unknown';
    throw new Error(`EXECUTION_STORE_WRITE_FAILED: ${detail}`);
  }
}
