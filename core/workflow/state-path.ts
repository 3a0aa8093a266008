/**
 * Folds a Step Functions execution history into the path the execution
 * took: each state it entered, in order, with its type, entry and exit
 * times, duration, attempts (a retried Task is scheduled once per attempt)
 * and the error code it ended with. Error codes only: a cause may quote
 * document content and is never copied.
 */

/** The parts of a history event the folding reads (the AWS SDK's `HistoryEvent` fits). */
export interface ExecutionHistoryEvent {
  readonly timestamp?: Date | number | string | undefined;
  readonly type?: string | undefined;
  readonly stateEnteredEventDetails?: { readonly name?: string | undefined } | undefined;
  readonly stateExitedEventDetails?: { readonly name?: string | undefined } | undefined;
  readonly taskFailedEventDetails?: { readonly error?: string | undefined } | undefined;
  readonly taskTimedOutEventDetails?: { readonly error?: string | undefined } | undefined;
  readonly executionFailedEventDetails?: { readonly error?: string | undefined } | undefined;
  readonly executionTimedOutEventDetails?: { readonly error?: string | undefined } | undefined;
  readonly executionAbortedEventDetails?: { readonly error?: string | undefined } | undefined;
}

export type ExecutionOutcome = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One state on the path. */
export interface StateVisit {
  readonly name: string;
  /** `Task`, `Choice`, `Pass`, `Fail`, `Succeed`, `Wait`, `Map`, `Parallel`. */
  readonly type: string;
  readonly enteredAt: string;
  /** Null while the state is still running. */
  readonly exitedAt: string | null;
  readonly durationMs: number | null;
  /** Times the state's task was scheduled: 1 + retries (1 for states without a task). */
  readonly attempts: number;
  /** The error code of each failed attempt, in order. */
  readonly attemptErrors: readonly string[];
  /** The error the state ended with (caught or not); null when it exited normally. */
  readonly error: string | null;
}

export interface StatePath {
  readonly outcome: ExecutionOutcome;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** The execution's own error code when it did not succeed. */
  readonly error: string | null;
  readonly states: readonly StateVisit[];
}

const ENTERED = /^(\w+?)StateEntered$/;
const EXITED = /^(\w+?)StateExited$/;

const timeOf = (value: ExecutionHistoryEvent['timestamp']): number => {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') return Date.parse(value);
  return Number.NaN;
};

const iso = (ms: number): string | null =>
  Number.isFinite(ms) ? new Date(ms).toISOString() : null;

interface OpenVisit {
  name: string;
  type: string;
  enteredMs: number;
  exitedMs: number | null;
  scheduled: number;
  attemptErrors: string[];
  /** Error of the latest attempt, cleared when a later attempt succeeds. */
  lastError: string | null;
}

const TERMINAL: Record<string, ExecutionOutcome> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

const terminalError = (event: ExecutionHistoryEvent): string | null =>
  event.executionFailedEventDetails?.error ??
  event.executionTimedOutEventDetails?.error ??
  event.executionAbortedEventDetails?.error ??
  (event.type === 'ExecutionTimedOut' ? 'States.Timeout' : null);

/**
 * The path of one execution from its history (events in history order).
 * A state left through a Catch has no exit event of its own: it ends when
 * the next state is entered. A state still open when the execution ended
 * (a Fail state, an abort) ends with the execution.
 */
export const foldStatePath = (events: readonly ExecutionHistoryEvent[]): StatePath => {
  const visits: OpenVisit[] = [];
  let open: OpenVisit | undefined;
  let outcome: ExecutionOutcome = 'RUNNING';
  let startedMs = Number.NaN;
  let endedMs = Number.NaN;
  let executionError: string | null = null;

  const close = (at: number) => {
    if (open && open.exitedMs === null) open.exitedMs = at;
    open = undefined;
  };

  for (const event of events) {
    const type = event.type ?? '';
    const at = timeOf(event.timestamp);
    const entered = ENTERED.exec(type);
    if (type === 'ExecutionStarted') {
      startedMs = at;
    } else if (entered) {
      close(at);
      open = {
        name: event.stateEnteredEventDetails?.name ?? '',
        type: entered[1] ?? '',
        enteredMs: at,
        exitedMs: null,
        scheduled: 0,
        attemptErrors: [],
        lastError: null,
      };
      visits.push(open);
    } else if (EXITED.test(type)) {
      close(at);
    } else if (type === 'TaskScheduled' && open) {
      open.scheduled += 1;
      open.lastError = null;
    } else if ((type === 'TaskFailed' || type === 'TaskTimedOut') && open) {
      const error =
        event.taskFailedEventDetails?.error ??
        event.taskTimedOutEventDetails?.error ??
        (type === 'TaskTimedOut' ? 'States.Timeout' : 'States.TaskFailed');
      open.attemptErrors.push(error);
      open.lastError = error;
    } else if (type in TERMINAL) {
      outcome = TERMINAL[type] ?? outcome;
      endedMs = at;
      executionError = outcome === 'SUCCEEDED' ? null : terminalError(event);
      if (open && open.type === 'Fail') open.lastError = executionError;
      close(at);
    }
  }

  return {
    outcome,
    startedAt: iso(startedMs),
    endedAt: iso(endedMs),
    error: executionError,
    states: visits.map((visit) => ({
      name: visit.name,
      type: visit.type,
      enteredAt: iso(visit.enteredMs) ?? '',
      exitedAt: visit.exitedMs === null ? null : iso(visit.exitedMs),
      durationMs: visit.exitedMs === null ? null : Math.max(0, visit.exitedMs - visit.enteredMs),
      attempts: Math.max(1, visit.scheduled),
      attemptErrors: visit.attemptErrors,
      error: visit.lastError,
    })),
  };
};
