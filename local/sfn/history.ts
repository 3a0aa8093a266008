/**
 * Rebuilds the AWS-shaped execution history from the event log of
 * aws-local-stepfunctions, pairing each Task event with the handler call it
 * belongs to (mapping in ADR 0008).
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import type { PreparedMachine } from './definition.ts';
import type { HistoryEvent } from './records.ts';

type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** What a Task handler was called with, and how that call ended. */
export interface TaskAttempt {
  readonly parameters: string;
  outcome?: { readonly ok: true; readonly output: string } | { readonly ok: false };
}

/**
 * Task calls in call order per state. The library runs a handler in the same
 * tick as it logs StateEntered/StateRetried, so by the time the history
 * consumer sees that event the matching attempt is already queued here.
 */
export class TaskAttemptLog {
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

const stringifyCause = (cause: unknown): string | undefined =>
  cause === undefined || typeof cause === 'string' ? cause : JSON.stringify(cause);

/** Builds the AWS-shaped execution history from the library's event log. */
export class HistoryRecorder {
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
