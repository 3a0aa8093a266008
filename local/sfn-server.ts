/**
 * Local Step Functions endpoint: runs the real ASL with aws-local-stepfunctions
 * and answers the Step Functions AWS JSON 1.0 API on 127.0.0.1, so
 * `@aws-sdk/client-sfn` and the AWS CLI work unchanged against it.
 *
 * Task states run in-process handlers (keyed by state name). Execution records
 * survive a restart when `dataDir` is set; history is rebuilt from the
 * library's event log in the AWS event shape (mapping in ADR 0008).
 */
import './polyfills.ts';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  ExecutionError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { z } from 'zod';
import {
  AWS_JSON_1_0,
  AwsProtocolError,
  closeServer,
  listenOnLoopback,
  parseJsonBody,
  readBody,
  sendAwsJsonError,
  sendJson,
} from './aws-json-protocol.ts';

/** An in-process stand-in for the resource of one Task state. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** One state machine served by the local endpoint. */
export interface LocalStateMachineConfig {
  /** State machine name; the ARN is `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  readonly name: string;
  /** ASL JSON after placeholder substitution (JSONPath only). */
  readonly definition: object;
  /**
   * One handler per Task state, keyed by state name. It receives the evaluated
   * `Parameters` and returns what the integration returns (a `lambda:invoke`
   * handler returns `{ Payload, StatusCode: 200 }`). A thrown error's `name`
   * is the ASL error name matched by Retry/Catch.
   */
  readonly taskHandlers: Readonly<Record<string, TaskHandler>>;
  /** Multiplies every Retry wait (IntervalSeconds, MaxDelaySeconds), e.g. 0.001 in tests. */
  readonly retryIntervalScale?: number;
  /** Overrides the definition's top-level `TimeoutSeconds` (fractions allowed). */
  readonly executionTimeoutSeconds?: number;
}

/** Options of {@link startStepFunctionsServer}. */
export interface StepFunctionsServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Folder for execution records; absent keeps everything in memory. */
  readonly dataDir?: string;
  readonly stateMachines: readonly LocalStateMachineConfig[];
}

/** A running local Step Functions endpoint. */
export interface StepFunctionsServer {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` or the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  /** ARN of a configured state machine; throws for an unknown name. */
  stateMachineArn(name: string): string;
  /** Resolves once no execution is running, no task handler is in flight and records are written. */
  waitForIdle(): Promise<void>;
  /**
   * Stops accepting requests, aborts running executions (ABORTED, cause
   * `local runtime stopped`), waits for in-flight task handlers and pending
   * writes, then closes the port.
   */
  stop(): Promise<void>;
}

type JsonValue = Parameters<StateMachine['run']>[0];
type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const STOPPED_CAUSE = 'local runtime stopped';
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_INPUT_BYTES = 256 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const TARGET_PREFIX = 'AWSStepFunctions.';

const jsonValue = z.json();
const STATE_TYPES = [
  'Task',
  'Parallel',
  'Map',
  'Pass',
  'Wait',
  'Choice',
  'Succeed',
  'Fail',
] as const;
const aslShape = z.looseObject({
  StartAt: z.string(),
  States: z.record(z.string(), z.looseObject({ Type: z.enum(STATE_TYPES) })),
  TimeoutSeconds: z.number().positive().optional(),
});

/**
 * Structural check only; the library's constructor then validates the whole
 * document against the ASL schema and throws with the findings.
 */
const isAslDefinition = (value: unknown): value is StateMachineDefinition =>
  aslShape.safeParse(value).success;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Visits every state, including those nested in Map iterators and Parallel branches. */
const forEachState = (
  machine: unknown,
  visit: (name: string, state: Record<string, unknown>) => void,
): void => {
  if (!isRecord(machine) || !isRecord(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isRecord(state)) continue;
    visit(name, state);
    forEachState(state.Iterator, visit);
    forEachState(state.ItemProcessor, visit);
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) forEachState(branch, visit);
    }
  }
};

interface StateInfo {
  readonly type: string;
  readonly resourceType: string;
  readonly resource: string;
  /** Fail states: whether `Error`/`Cause` are declared (AWS leaves undeclared ones empty). */
  readonly declaresError: boolean;
  readonly declaresCause: boolean;
}

/** Splits a Task resource the way the console shows it: `lambda` + `invoke`, `sqs` + `sendMessage`. */
const describeResource = (resource: string): { resourceType: string; resource: string } => {
  const integration = /^arn:aws[\w-]*:states:::(.+)$/.exec(resource)?.[1];
  if (integration !== undefined) {
    const parts = integration.split(':');
    const action = parts.pop() ?? integration;
    return { resourceType: parts.join(':') || integration, resource: action };
  }
  if (/^arn:aws[\w-]*:lambda:/.test(resource)) return { resourceType: 'lambda', resource };
  return { resourceType: 'activity', resource };
};

const readStateInfo = (state: Record<string, unknown>): StateInfo => {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  return {
    type: typeof state.Type === 'string' ? state.Type : 'Unknown',
    ...describeResource(resource),
    declaresError: typeof state.Error === 'string' || typeof state.ErrorPath === 'string',
    declaresCause: typeof state.Cause === 'string' || typeof state.CausePath === 'string',
  };
};

/** Scales one retrier's waits; the library computes interval * backoff^n, clamped to MaxDelaySeconds. */
const scaleRetrier = (retrier: unknown, scale: number): unknown => {
  if (!isRecord(retrier)) return retrier;
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
  const scaled: Record<string, unknown> = { ...retrier, IntervalSeconds: interval * scale };
  if (typeof retrier.MaxDelaySeconds === 'number') {
    scaled.MaxDelaySeconds = retrier.MaxDelaySeconds * scale;
  }
  return scaled;
};

const FORBIDDEN_NAME_CHARACTERS = new Set([...'<>{}[]?*"#%\\^|~`$&,;:/']);

/** AWS name rules for executions and state machines; returns why a name is invalid. */
const invalidNameReason = (name: string): string | undefined => {
  if (name.length === 0 || name.length > 80) return 'must be 1 to 80 characters long';
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
    if (control || /\s/u.test(character) || FORBIDDEN_NAME_CHARACTERS.has(character)) {
      return 'contains whitespace, a control character or one of < > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /';
    }
  }
  return undefined;
};

interface PreparedMachine {
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly createdAt: number;
  readonly definitionText: string;
  readonly runner: StateMachine;
  readonly states: ReadonlyMap<string, StateInfo>;
  readonly handlers: Readonly<Record<string, TaskHandler>>;
  readonly timeoutSeconds: number | undefined;
}

const prepareMachine = (
  config: LocalStateMachineConfig,
  region: string,
  accountId: string,
): PreparedMachine => {
  const { name, definition, taskHandlers, retryIntervalScale, executionTimeoutSeconds } = config;
  const nameProblem = invalidNameReason(name);
  if (nameProblem !== undefined) throw new Error(`STATE_MACHINE_NAME_INVALID: name ${nameProblem}`);
  if (!isAslDefinition(definition)) {
    throw new Error(
      `ASL_INVALID: ${name}: not an ASL document (StartAt and typed States required)`,
    );
  }
  if (retryIntervalScale !== undefined && !(retryIntervalScale >= 0)) {
    throw new Error(`RETRY_SCALE_INVALID: ${name}: retryIntervalScale must be >= 0`);
  }
  if (executionTimeoutSeconds !== undefined && !(executionTimeoutSeconds > 0)) {
    throw new Error(`TIMEOUT_INVALID: ${name}: executionTimeoutSeconds must be > 0`);
  }

  // The execution timeout is enforced here rather than by the library, so
  // fractional timeouts work and TIMED_OUT is decided in one place.
  const runDefinition = structuredClone(definition);
  delete runDefinition.TimeoutSeconds;
  const states = new Map<string, StateInfo>();
  forEachState(runDefinition, (stateName, state) => {
    states.set(stateName, readStateInfo(state));
    if (retryIntervalScale !== undefined && Array.isArray(state.Retry)) {
      state.Retry = state.Retry.map((retrier) => scaleRetrier(retrier, retryIntervalScale));
    }
  });

  const taskStates = [...states].filter(([, info]) => info.type === 'Task').map(([n]) => n);
  const missing = taskStates.filter((stateName) => !Object.hasOwn(taskHandlers, stateName));
  if (missing.length > 0) {
    throw new Error(
      `TASK_HANDLER_MISSING: ${name}: no handler for Task state(s) ${missing.join(', ')}`,
    );
  }
  const stray = Object.keys(taskHandlers).filter((stateName) => !taskStates.includes(stateName));
  if (stray.length > 0) {
    throw new Error(`TASK_HANDLER_UNKNOWN_STATE: ${name}: no Task state named ${stray.join(', ')}`);
  }

  let runner: StateMachine;
  try {
    runner = new StateMachine(runDefinition);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`ASL_INVALID: ${name}: ${detail}`);
  }
  return {
    name,
    arn: `arn:aws:states:${region}:${accountId}:stateMachine:${name}`,
    roleArn: `arn:aws:iam::${accountId}:role/${name}-local`,
    createdAt: Date.now(),
    definitionText: JSON.stringify(definition),
    runner,
    states,
    handlers: taskHandlers,
    timeoutSeconds: executionTimeoutSeconds ?? definition.TimeoutSeconds,
  };
};

const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

const executionRecordSchema = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  /** Start order; ListExecutions sorts on it, newest first. */
  seq: z.number().int(),
  status: z.enum(EXECUTION_STATUSES),
  /** Epoch milliseconds (the wire uses epoch seconds). */
  startDate: z.number(),
  stopDate: z.number().optional(),
  input: z.string(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
type ExecutionRecord = z.infer<typeof executionRecordSchema>;

const historyEventSchema = z.looseObject({
  id: z.number().int(),
  previousEventId: z.number().int(),
  timestamp: z.number(),
  type: z.string(),
});
type HistoryEvent = z.infer<typeof historyEventSchema>;

/** What a Task handler was called with, and how that call ended. */
interface TaskAttempt {
  readonly parameters: string;
  outcome?: { readonly ok: true; readonly output: string } | { readonly ok: false };
}

/**
 * Task calls in call order per state. The library runs a handler in the same
 * tick as it logs StateEntered/StateRetried, so by the time the history
 * consumer sees that event the matching attempt is already queued here.
 */
class TaskAttemptLog {
  private readonly queued = new Map<string, TaskAttempt[]>();

  begin(stateName: string, parameters: string): TaskAttempt {
    const attempt: TaskAttempt = { parameters };
    const queue = this.queued.get(stateName);
    if (queue) queue.push(attempt);
    else this.queued.set(stateName, [attempt]);
    return attempt;
  }

  next(stateName: string): TaskAttempt | undefined {
    return this.queued.get(stateName)?.shift();
  }
}

type TerminalDetails = { readonly type: string; readonly key: string; readonly details: object };

const terminalEventOf = (record: ExecutionRecord): TerminalDetails | undefined => {
  const failure = { error: record.error, cause: record.cause };
  switch (record.status) {
    case 'SUCCEEDED':
      return {
        type: 'ExecutionSucceeded',
        key: 'executionSucceededEventDetails',
        details: { output: record.output, outputDetails: { truncated: false } },
      };
    case 'FAILED':
      return { type: 'ExecutionFailed', key: 'executionFailedEventDetails', details: failure };
    case 'ABORTED':
      return { type: 'ExecutionAborted', key: 'executionAbortedEventDetails', details: failure };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', key: 'executionTimedOutEventDetails', details: failure };
    case 'RUNNING':
      return undefined;
  }
};

const stringifyCause = (cause: unknown): string | undefined =>
  cause === undefined || typeof cause === 'string' ? cause : JSON.stringify(cause);

/** Builds the AWS-shaped execution history from the library's event log. */
class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  /** Last state entered; decides whether a Fail state declared its Error/Cause. */
  lastEnteredState: string | undefined;
  private readonly running = new Map<string, TaskAttempt>();

  constructor(
    private readonly machine: PreparedMachine,
    private readonly attempts: TaskAttemptLog,
    private readonly region: string,
  ) {}

  append(type: string, timestampMs: number, key?: string, details?: object): void {
    const id = this.events.length + 1;
    const event: HistoryEvent = {
      id,
      previousEventId: id - 1,
      timestamp: timestampMs / 1000,
      type,
    };
    if (key !== undefined && details !== undefined) event[key] = details;
    this.events.push(event);
  }

  onLibraryEvent(event: LibraryEvent): void {
    switch (event.type) {
      case 'StateEntered': {
        const { name, type, input } = event.state;
        this.lastEnteredState = name;
        this.append(`${type}StateEntered`, event.timestamp, 'stateEnteredEventDetails', {
          name,
          input: JSON.stringify(input),
          inputDetails: { truncated: false },
        });
        if (type === 'Task') this.schedule(name, event.timestamp);
        return;
      }
      case 'StateRetried':
        if (event.state.type === 'Task') this.schedule(event.state.name, event.timestamp);
        return;
      case 'StateFailed':
        this.onStateFailed(event.state.name, event.state.type, event.timestamp, event);
        return;
      case 'StateExited': {
        const { name, type, output } = event.state;
        if (type === 'Task') this.taskSucceeded(name, event.timestamp);
        if (type === 'Fail') return;
        this.append(`${type}StateExited`, event.timestamp, 'stateExitedEventDetails', {
          name,
          output: JSON.stringify(output ?? null),
          outputDetails: { truncated: false },
        });
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.append(event.type, event.timestamp, key, {
          name: event.parentState.name,
          index: event.index,
        });
        return;
      }
      default:
        // Execution* events are written by the server itself (it owns the
        // terminal status); StateCaught and Parallel branch events have no
        // counterpart in the AWS history.
        return;
    }
  }

  private resourceOf(stateName: string): { resourceType: string; resource: string } {
    const info = this.machine.states.get(stateName);
    return { resourceType: info?.resourceType ?? 'unknown', resource: info?.resource ?? '' };
  }

  private schedule(stateName: string, timestampMs: number): void {
    const attempt = this.attempts.next(stateName);
    if (attempt === undefined) return;
    this.running.set(stateName, attempt);
    const resource = this.resourceOf(stateName);
    this.append('TaskScheduled', timestampMs, 'taskScheduledEventDetails', {
      ...resource,
      region: this.region,
      parameters: attempt.parameters,
    });
    this.append('TaskStarted', timestampMs, 'taskStartedEventDetails', resource);
  }

  private taskSucceeded(stateName: string, timestampMs: number): void {
    const attempt = this.running.get(stateName);
    this.running.delete(stateName);
    if (attempt?.outcome?.ok !== true) return;
    this.append('TaskSucceeded', timestampMs, 'taskSucceededEventDetails', {
      ...this.resourceOf(stateName),
      output: attempt.outcome.output,
      outputDetails: { truncated: false },
    });
  }

  private onStateFailed(
    stateName: string,
    stateType: string,
    timestampMs: number,
    failure: { Error: string; Cause: unknown },
  ): void {
    if (stateType === 'Map' || stateType === 'Parallel') {
      this.append(`${stateType}StateFailed`, timestampMs);
      return;
    }
    if (stateType !== 'Task') return;
    const attempt = this.running.get(stateName);
    if (attempt === undefined) return;
    if (attempt.outcome?.ok === true) {
      // The call succeeded and the state failed afterwards (ResultSelector/ResultPath).
      this.taskSucceeded(stateName, timestampMs);
      return;
    }
    this.running.delete(stateName);
    const timedOut = failure.Error === 'States.Timeout';
    this.append(
      timedOut ? 'TaskTimedOut' : 'TaskFailed',
      timestampMs,
      timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails',
      { ...this.resourceOf(stateName), error: failure.Error, cause: stringifyCause(failure.Cause) },
    );
  }
}

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

const fileKey = (executionArn: string): string =>
  createHash('sha256').update(executionArn).digest('hex').slice(0, 40);

/** Execution records and final histories as JSON files, written atomically and in order. */
class ExecutionStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string | undefined) {}

  async loadRecords(): Promise<ExecutionRecord[]> {
    const dir = this.dir;
    if (dir === undefined) return [];
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
  flush(): Promise<void> {
    return this.chain;
  }

  private write(file: string, value: unknown): Promise<void> {
    const dir = this.dir;
    if (dir === undefined) return Promise.resolve();
    const run = this.chain.then(async () => {
      const path = join(dir, file);
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(value));
      await rename(temporary, path);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

type StopRequest =
  | { readonly kind: 'aborted'; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'timeout' };

interface RunControl {
  stopRequest: StopRequest | undefined;
  /** The library's result has settled; a stop request after this is a no-op. */
  settled: boolean;
  abort: () => void;
}

interface ExecutionEntry {
  record: ExecutionRecord;
  /** Present while this process runs (or ran) the execution. */
  recorder?: HistoryRecorder;
  control?: RunControl;
  done: Promise<void>;
}

type Settled =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

const arnSchema = z.string().min(1);
const startExecutionRequest = z.object({
  stateMachineArn: arnSchema,
  name: z.string().optional(),
  input: z.string().optional(),
  traceHeader: z.string().optional(),
});
const executionArnRequest = z.object({ executionArn: arnSchema });
const stopExecutionRequest = z.object({
  executionArn: arnSchema,
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});
const listExecutionsRequest = z.object({
  stateMachineArn: arnSchema,
  statusFilter: z.enum(EXECUTION_STATUSES).optional(),
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  nextToken: z.string().optional(),
});
const historyRequest = z.object({
  executionArn: arnSchema,
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  reverseOrder: z.boolean().optional(),
  nextToken: z.string().optional(),
  includeExecutionData: z.boolean().optional(),
});
const stateMachineArnRequest = z.object({ stateMachineArn: arnSchema });
const listStateMachinesRequest = z.object({
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  nextToken: z.string().optional(),
});
const pageToken = z.object({ position: z.number().int().min(0) });

const encodeToken = (position: number): string =>
  Buffer.from(JSON.stringify({ position })).toString('base64url');

const decodeToken = (token: string | undefined): number | undefined => {
  if (token === undefined) return undefined;
  try {
    return pageToken.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).position;
  } catch {
    throw new AwsProtocolError(
      400,
      'InvalidToken',
      'nextToken is not a token this endpoint issued',
    );
  }
};

const seconds = (epochMs: number): number => epochMs / 1000;

const requireArn = (arn: string, kind: 'execution' | 'stateMachine'): void => {
  if (!new RegExp(`^arn:aws[\\w-]*:states:[\\w-]+:\\d{12}:${kind}:`).test(arn)) {
    throw new AwsProtocolError(400, 'InvalidArn', `Invalid Arn: not a ${kind} ARN`);
  }
};

const EXECUTION_DATA_KEYS = new Set(['input', 'output', 'parameters']);

const withoutExecutionData = (event: HistoryEvent): HistoryEvent => {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || !isRecord(value)) continue;
    copy[key] = Object.fromEntries(
      Object.entries(value).filter(([field]) => !EXECUTION_DATA_KEYS.has(field)),
    );
  }
  return copy;
};

class StepFunctionsEmulator {
  private readonly machinesByArn = new Map<string, PreparedMachine>();
  private readonly machinesByName = new Map<string, PreparedMachine>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly running = new Set<Promise<void>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly store: ExecutionStore;
  private readonly region: string;
  private readonly accountId: string;
  private nextSeq = 1;
  private persistError: unknown;
  private stopping: Promise<void> | undefined;

  constructor(options: StepFunctionsServerOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
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

  stateMachineArn(name: string): string {
    const machine = this.machinesByName.get(name);
    if (machine === undefined) throw new Error(`STATE_MACHINE_UNKNOWN: ${name}`);
    return machine.arn;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = req.headers['x-amz-target'];
      if (
        req.method !== 'POST' ||
        typeof target !== 'string' ||
        !target.startsWith(TARGET_PREFIX)
      ) {
        throw new AwsProtocolError(400, 'UnknownOperationException', 'unknown operation');
      }
      if (this.stopping !== undefined) {
        throw new AwsProtocolError(503, 'ServiceUnavailable', 'the local runtime is stopping');
      }
      const body = parseJsonBody(await readBody(req, MAX_REQUEST_BYTES));
      const result = await this.dispatch(target.slice(TARGET_PREFIX.length), body);
      sendJson(res, 200, result, AWS_JSON_1_0);
    } catch (error) {
      if (error instanceof AwsProtocolError) {
        sendAwsJsonError(res, error);
      } else if (error instanceof z.ZodError) {
        sendAwsJsonError(
          res,
          new AwsProtocolError(400, 'ValidationException', z.prettifyError(error)),
        );
      } else {
        sendAwsJsonError(
          res,
          new AwsProtocolError(500, 'InternalFailure', 'the local Step Functions endpoint failed'),
        );
      }
    }
  }

  private dispatch(operation: string, body: unknown): Promise<object> | object {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(startExecutionRequest.parse(body));
      case 'DescribeExecution':
        return this.describeExecution(executionArnRequest.parse(body).executionArn);
      case 'StopExecution':
        return this.stopExecution(stopExecutionRequest.parse(body));
      case 'ListExecutions':
        return this.listExecutions(listExecutionsRequest.parse(body));
      case 'GetExecutionHistory':
        return this.getExecutionHistory(historyRequest.parse(body));
      case 'ListStateMachines':
        return this.listStateMachines(listStateMachinesRequest.parse(body));
      case 'DescribeStateMachine':
        return this.describeStateMachine(stateMachineArnRequest.parse(body).stateMachineArn);
      default:
        throw new AwsProtocolError(400, 'UnknownOperationException', 'unknown operation');
    }
  }

  private machineFor(stateMachineArn: string): PreparedMachine {
    requireArn(stateMachineArn, 'stateMachine');
    const machine = this.machinesByArn.get(stateMachineArn);
    if (machine === undefined) {
      throw new AwsProtocolError(400, 'StateMachineDoesNotExist', 'State Machine Does Not Exist');
    }
    return machine;
  }

  private executionFor(executionArn: string): ExecutionEntry {
    requireArn(executionArn, 'execution');
    const entry = this.executions.get(executionArn);
    if (entry === undefined) {
      throw new AwsProtocolError(400, 'ExecutionDoesNotExist', 'Execution Does Not Exist');
    }
    return entry;
  }

  private async startExecution(
    request: z.infer<typeof startExecutionRequest>,
  ): Promise<{ executionArn: string; startDate: number }> {
    const machine = this.machineFor(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    const nameProblem = invalidNameReason(name);
    if (nameProblem !== undefined) {
      throw new AwsProtocolError(400, 'InvalidName', `Invalid Name: the name ${nameProblem}`);
    }
    const inputText = request.input ?? '{}';
    if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) {
      throw new AwsProtocolError(400, 'InvalidExecutionInput', 'input exceeds 262144 bytes');
    }
    let input: JsonValue;
    try {
      input = jsonValue.parse(JSON.parse(inputText));
    } catch {
      throw new AwsProtocolError(
        400,
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not JSON',
      );
    }

    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing !== undefined) {
      // AWS: same name and input while RUNNING returns the original response.
      if (existing.record.status === 'RUNNING' && existing.record.input === inputText) {
        return { executionArn, startDate: seconds(existing.record.startDate) };
      }
      throw new AwsProtocolError(400, 'ExecutionAlreadyExists', 'Execution Already Exists');
    }

    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      seq: this.nextSeq++,
      status: 'RUNNING',
      startDate: Date.now(),
      input: inputText,
    };
    // Acknowledge only once the record is on disk, so a crash cannot lose a started execution.
    const saved = this.store.saveRecord(record);
    this.launch(machine, record, input);
    await saved;
    return { executionArn, startDate: seconds(record.startDate) };
  }

  private launch(machine: PreparedMachine, record: ExecutionRecord, input: JsonValue): void {
    const attempts = new TaskAttemptLog();
    const recorder = new HistoryRecorder(machine, attempts, this.region);
    recorder.append('ExecutionStarted', record.startDate, 'executionStartedEventDetails', {
      input: record.input,
      inputDetails: { truncated: false },
      roleArn: machine.roleArn,
    });
    const control: RunControl = { stopRequest: undefined, settled: false, abort: () => undefined };
    const handlers: LocalHandlers = {};
    for (const [stateName, handler] of Object.entries(machine.handlers)) {
      handlers[stateName] = (taskInput) =>
        this.invokeTask(stateName, handler, taskInput, control, attempts);
    }
    const entry: ExecutionEntry = { record, recorder, control, done: Promise.resolve() };
    this.executions.set(record.executionArn, entry);

    const run = machine.runner.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine.roleArn },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    control.abort = run.abort;
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

  private describeExecution(executionArn: string): object {
    const { record } = this.executionFor(executionArn);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDate),
      stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
      input: record.input,
      inputDetails: { included: true },
      output: record.output,
      outputDetails: record.output === undefined ? undefined : { included: true },
      error: record.error,
      cause: record.cause,
      redriveCount: 0,
    };
  }

  private async stopExecution(request: z.infer<typeof stopExecutionRequest>): Promise<object> {
    const entry = this.executionFor(request.executionArn);
    this.requestStop(entry, { kind: 'aborted', error: request.error, cause: request.cause });
    await entry.done;
    return { stopDate: seconds(entry.record.stopDate ?? Date.now()) };
  }

  private listExecutions(request: z.infer<typeof listExecutionsRequest>): object {
    const machine = this.machineFor(request.stateMachineArn);
    const after = decodeToken(request.nextToken);
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const matching = [...this.executions.values()]
      .map((entry) => entry.record)
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter(
        (record) => request.statusFilter === undefined || record.status === request.statusFilter,
      )
      .filter((record) => after === undefined || record.seq < after)
      .sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, pageSize);
    const last = page.at(-1);
    return {
      executions: page.map((record) => ({
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: seconds(record.startDate),
        stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
        redriveCount: 0,
      })),
      nextToken:
        matching.length > pageSize && last !== undefined ? encodeToken(last.seq) : undefined,
    };
  }

  private async historyOf(entry: ExecutionEntry): Promise<readonly HistoryEvent[]> {
    if (entry.recorder !== undefined) return entry.recorder.events;
    const stored = await this.store.loadHistory(entry.record.executionArn);
    if (stored !== undefined) return stored;
    // Execution left RUNNING by a stopped process: only its start and end are known.
    const { record } = entry;
    const events: HistoryEvent[] = [
      {
        id: 1,
        previousEventId: 0,
        timestamp: seconds(record.startDate),
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
      },
    ];
    const terminal = terminalEventOf(record);
    if (terminal !== undefined) {
      events.push({
        id: 2,
        previousEventId: 1,
        timestamp: seconds(record.stopDate ?? record.startDate),
        type: terminal.type,
        [terminal.key]: terminal.details,
      });
    }
    return events;
  }

  private async getExecutionHistory(request: z.infer<typeof historyRequest>): Promise<object> {
    const entry = this.executionFor(request.executionArn);
    const all = [...(await this.historyOf(entry))];
    if (request.reverseOrder === true) all.reverse();
    const start = decodeToken(request.nextToken) ?? 0;
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const page = all.slice(start, start + pageSize);
    const includeData = request.includeExecutionData ?? true;
    return {
      events: includeData ? page : page.map(withoutExecutionData),
      nextToken: start + pageSize < all.length ? encodeToken(start + pageSize) : undefined,
    };
  }

  private listStateMachines(request: z.infer<typeof listStateMachinesRequest>): object {
    const start = decodeToken(request.nextToken) ?? 0;
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const all = [...this.machinesByArn.values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      stateMachines: all.slice(start, start + pageSize).map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: seconds(machine.createdAt),
      })),
      nextToken: start + pageSize < all.length ? encodeToken(start + pageSize) : undefined,
    };
  }

  private describeStateMachine(stateMachineArn: string): object {
    const machine = this.machineFor(stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: seconds(machine.createdAt),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  async waitForIdle(): Promise<void> {
    for (;;) {
      const pending = [...this.running, ...this.inFlight];
      if (pending.length === 0) break;
      await Promise.allSettled(pending);
    }
    await this.store.flush();
    this.throwPersistError();
  }

  stop(closePort: () => Promise<void>): Promise<void> {
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

/**
 * Starts the local Step Functions endpoint on 127.0.0.1. Rejects when a
 * definition is invalid or a Task state has no handler (a Task without one
 * would try to call real AWS).
 */
export const startStepFunctionsServer = async (
  options: StepFunctionsServerOptions,
): Promise<StepFunctionsServer> => {
  const emulator = new StepFunctionsEmulator(options);
  await emulator.restore();
  const server = createServer((req, res) => {
    void emulator.handle(req, res);
  });
  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stateMachineArn: (name) => emulator.stateMachineArn(name),
    waitForIdle: () => emulator.waitForIdle(),
    stop: () => emulator.stop(() => closeServer(server)),
  };
};
