/**
 * Checks and prepares one state machine for the local Step Functions runtime:
 * name rules, ASL shape, Task handler coverage, scaled Retry waits.
 */
import '../polyfills.ts';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import * as z from 'zod';

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
  /**
   * Retriers matching only these errors keep their real waits under
   * `retryIntervalScale` (a load bench scales the quota's minute, not how
   * long a throttled Lambda invocation takes to find a free instance).
   */
  readonly realTimeRetryErrors?: readonly string[];
  /** Overrides the definition's top-level `TimeoutSeconds` (fractions allowed). */
  readonly executionTimeoutSeconds?: number;
  /**
   * This exact definition passed the library's ASL schema check before (the
   * caller keeps the proof, e.g. on disk): skip that check, keep every other.
   */
  readonly validatedBefore?: boolean;
}

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

export const isRecord = (value: unknown): value is Record<string, unknown> =>
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

export interface StateInfo {
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
export const invalidNameReason = (name: string): string | undefined => {
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

export interface PreparedMachine {
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

export const prepareMachine = (
  config: LocalStateMachineConfig,
  region: string,
  accountId: string,
): PreparedMachine => {
  const { name, definition, taskHandlers, retryIntervalScale, executionTimeoutSeconds } = config;
  const realTime = new Set(config.realTimeRetryErrors ?? []);
  const keepsRealTime = (retrier: unknown): boolean =>
    realTime.size > 0 &&
    isRecord(retrier) &&
    Array.isArray(retrier.ErrorEquals) &&
    retrier.ErrorEquals.every((error) => typeof error === 'string' && realTime.has(error));
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
      state.Retry = state.Retry.map((retrier) =>
        keepsRealTime(retrier) ? retrier : scaleRetrier(retrier, retryIntervalScale),
      );
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
    runner = new StateMachine(
      runDefinition,
      config.validatedBefore ? { validationOptions: { noValidate: true } } : undefined,
    );
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
