/** Transition counts read from the real extract ASL and from small definitions with known answers. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countTransitions, UncountableDefinitionError } from '#core/costing/asl-transitions.ts';

const extractAsl: unknown = JSON.parse(
  readFileSync(new URL('../../../statemachines/extract.asl.json', import.meta.url), 'utf-8'),
);

describe('countTransitions on statemachines/extract.asl.json', () => {
  it('follows the success path through the task states and the admission wait', () => {
    // Act
    const counts = countTransitions(extractAsl);

    // Assess
    expect(counts.successPath).toEqual([
      'LoadDocument',
      'SelectVariant',
      'ReuseOrInvoke',
      'PrepareAdmission',
      'AdmitModelCall',
      'WaitForModelSlot',
      'ModelSlotReady',
      'InvokeModel',
      'Score',
      'RecordResult',
    ]);
    expect(counts.successTransitions).toBe(10);
  });

  it('counts each catch path to the Fail state', () => {
    // Act
    const byState = Object.fromEntries(
      countTransitions(extractAsl).failurePaths.map((p) => [p.failedState, p.transitions]),
    );

    // Assess: the failed state's prefix, then RecordFailure, SendToDLQ, Failed.
    expect(byState).toEqual({
      LoadDocument: 4,
      SelectVariant: 5,
      AdmitModelCall: 8,
      InvokeModel: 11,
      Score: 12,
      RecordResult: 13,
    });
  });

  it('reads the retriers and the function behind each task state', () => {
    // Act
    const counts = countTransitions(extractAsl);

    // Assess
    expect(counts.retriers.InvokeModel?.map((r) => r.maxExtraTransitions)).toEqual([6, 1, 1, 1]);
    expect(counts.taskFunctions).toEqual({
      LoadDocument: 'load-document',
      SelectVariant: 'select-variant',
      // Admission has its own function, apart from the model calls' concurrency.
      AdmitModelCall: 'admit-model-call',
      InvokeModel: 'invoke-model',
      ReportModelPressure: 'admit-model-call',
      Score: 'score',
      RecordResult: 'record-result',
      RecordFailure: 'record-failure',
    });
  });
});

describe('countTransitions on small definitions', () => {
  it('uses the ASL default of three attempts when MaxAttempts is absent', () => {
    // Prepare
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Next: 'B', Retry: [{ ErrorEquals: ['States.ALL'] }] },
        B: { Type: 'Succeed' },
      },
    };

    // Act
    const counts = countTransitions(definition);

    // Assess
    expect(counts.successTransitions).toBe(2);
    expect(counts.retriers.A?.[0]?.maxExtraTransitions).toBe(3);
    expect(counts.failurePaths).toEqual([]);
  });

  it.each([
    ['a Choice state without rules', { StartAt: 'A', States: { A: { Type: 'Choice' } } }],
    ['a loop', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A' } } }],
    ['a dangling Next', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Z' } } }],
  ])('refuses %s', (_label, definition) => {
    // Act / Assess
    expect(() => countTransitions(definition)).toThrow(UncountableDefinitionError);
  });
});
