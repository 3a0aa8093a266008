/**
 * The state path folded from execution histories recorded on the local
 * stack (test/fixtures/sfn/record-histories.ts): a success whose model call
 * was throttled once and retried, and a NOT_PDF failure through the catch
 * path; plus the shapes AWS histories have that the local one lacks.
 */
import { describe, expect, it } from 'vitest';
import { type ExecutionHistoryEvent, foldStatePath } from '#core/workflow/state-path.ts';
import failed from '#test/fixtures/sfn/history-failed-3.json' with { type: 'json' };
import succeeded from '#test/fixtures/sfn/history-succeeded-0.json' with { type: 'json' };

describe('foldStatePath on recorded histories', () => {
  it('gives each state of a success in order, with the retried model call counted twice', () => {
    const path = foldStatePath(succeeded);
    expect(path.outcome).toBe('SUCCEEDED');
    expect(path.error).toBeNull();
    expect(path.states.map((s) => s.name)).toEqual([
      'LoadDocument',
      'SelectVariant',
      'InvokeModel',
      'Score',
      'RecordResult',
    ]);
    const invoke = path.states[2];
    expect(invoke).toMatchObject({
      type: 'Task',
      attempts: 2,
      attemptErrors: ['ModelThrottled'],
      error: null,
      enteredAt: '2026-12-01T11:42:21.491Z',
      exitedAt: '2026-12-01T11:42:22.440Z',
      durationMs: 949,
    });
    expect(path.states.filter((s) => s.name !== 'InvokeModel').every((s) => s.attempts === 1)).toBe(
      true,
    );
    expect(path.startedAt).toBe('2026-12-01T11:42:19.437Z');
    expect(path.endedAt).toBe('2026-12-01T11:42:22.749Z');
    const total = path.states.reduce((ms, s) => ms + (s.durationMs ?? 0), 0);
    expect(total).toBe(Date.parse(path.endedAt ?? '') - Date.parse(path.startedAt ?? '') - 1);
  });

  it('marks the state that failed with its error code and closes the Fail state with the execution', () => {
    const path = foldStatePath(failed);
    expect(path).toMatchObject({ outcome: 'FAILED', error: 'ExtractionFailed' });
    expect(path.states.map((s) => [s.name, s.type, s.error])).toEqual([
      ['LoadDocument', 'Task', 'BadDocument'],
      ['RecordFailure', 'Task', null],
      ['SendToDLQ', 'Task', null],
      ['Failed', 'Fail', 'ExtractionFailed'],
    ]);
    expect(path.states[3]).toMatchObject({ durationMs: 20, exitedAt: '2026-12-01T11:42:20.834Z' });
    // Causes may quote the document; only codes are kept.
    expect(JSON.stringify(path)).not.toContain('NOT_PDF');
  });
});

describe('foldStatePath on shapes the local history does not produce', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  it('ends a caught state at the next entry, reads SDK Dates, and leaves a running state open', () => {
    const events: ExecutionHistoryEvent[] = [
      { type: 'ExecutionStarted', timestamp: at(0) },
      { type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'A' } },
      { type: 'TaskScheduled', timestamp: at(1) },
      { type: 'TaskTimedOut', timestamp: at(3), taskTimedOutEventDetails: {} },
      { type: 'PassStateEntered', timestamp: at(4), stateEnteredEventDetails: { name: 'B' } },
      { type: 'PassStateExited', timestamp: at(4), stateExitedEventDetails: { name: 'B' } },
      { type: 'TaskStateEntered', timestamp: at(5), stateEnteredEventDetails: { name: 'C' } },
      { type: 'TaskScheduled', timestamp: at(5) },
    ];
    const path = foldStatePath(events);
    expect(path.outcome).toBe('RUNNING');
    expect(path.endedAt).toBeNull();
    expect(path.states).toEqual([
      {
        name: 'A',
        type: 'Task',
        enteredAt: '2026-01-01T00:00:01.000Z',
        exitedAt: '2026-01-01T00:00:04.000Z',
        durationMs: 3000,
        attempts: 1,
        attemptErrors: ['States.Timeout'],
        error: 'States.Timeout',
      },
      expect.objectContaining({ name: 'B', type: 'Pass', durationMs: 0, attempts: 1 }),
      expect.objectContaining({ name: 'C', exitedAt: null, durationMs: null }),
    ]);
  });

  it('closes the open state when the execution times out', () => {
    const path = foldStatePath([
      { type: 'ExecutionStarted', timestamp: 1_700_000_000 },
      {
        type: 'TaskStateEntered',
        timestamp: 1_700_000_001,
        stateEnteredEventDetails: { name: 'InvokeModel' },
      },
      { type: 'ExecutionTimedOut', timestamp: 1_700_000_061 },
    ]);
    expect(path).toMatchObject({ outcome: 'TIMED_OUT', error: 'States.Timeout' });
    expect(path.states[0]).toMatchObject({ durationMs: 60_000, error: null });
  });

  it('is empty for an empty history', () => {
    expect(foldStatePath([])).toEqual({
      outcome: 'RUNNING',
      startedAt: null,
      endedAt: null,
      error: null,
      states: [],
    });
  });
});
