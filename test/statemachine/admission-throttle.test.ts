/**
 * A throttle of the admission function itself is never a document failure:
 * the ASL run locally, AdmitModelCall or ReportModelPressure refused with
 * `Lambda.TooManyRequestsException` through their whole retry ladder, is
 * caught into WaitForAdmissionCapacity and asks admission again, and the
 * document is processed. The stage's maximum admission wait still bounds the
 * loop: once the slot lies beyond it the document ends FAILED
 * ADMISSION_WAIT_EXCEEDED.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { ModelThrottledError } from '#contracts/errors.ts';
import { AdmitModelCallInputSchema } from '#contracts/model-admission.ts';
import { loadEvent } from '#events/index.ts';
import { admitModelCall } from '#functions/admit-model-call/admission.ts';
import { classifyFailure } from '#functions/record-failure/failure-reason.ts';
import { createObservability } from '#functions/shared/powertools.ts';
import { asLambdaInvokeTask } from '#local/lambda-invoke.ts';
import { LambdaThrottledError } from '#local/reserved-concurrency.ts';
import { runExtract, type TaskOverride } from '#test/helpers/extract-machine.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { memorySlotStore, slotPerSecond } from '#test/helpers/memory-slots.ts';
import {
  loadedDocument,
  modelAnswer,
  recorded,
  scored,
  selectedVariant,
} from '#test/helpers/task-outputs.ts';

const VERSION = '2.0.0';
const MINUTE = 60_000;
/** Attempts of one Lambda service-error retry ladder in the ASL: the call and six retries. */
const LADDER = 7;

beforeAll(() => setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }));

interface Scenario {
  /** AdmitModelCall invocations refused as throttled before the function runs. */
  readonly admitThrottles: number;
  /** ReportModelPressure invocations refused as throttled. */
  readonly pressureThrottles?: number;
  /** InvokeModel calls answered ModelThrottled before one succeeds. */
  readonly modelThrottles?: number;
  /** How long the execution has run when admission finally answers. */
  readonly startedMinutesAgo?: number;
  /** Slots already reserved ahead of this document. */
  readonly backlogMs?: number;
}

const run = async (scenario: Scenario) => {
  const modelId = bundledPrompts().get(VERSION).metadata.modelId;
  const now = Date.now();
  const startedAt = now - (scenario.startedMinutesAgo ?? 0) * MINUTE;
  const deps = {
    settings: slotPerSecond(modelId),
    store: memorySlotStore({ [modelId]: now + (scenario.backlogMs ?? 0) }),
    version: (v: string) => bundledPrompts().get(v),
    observability: createObservability('admit-model-call'),
    now: () => now,
  };
  const count: Record<string, number> = {};
  const reasons: string[] = [];
  const lambda = (state: string, result: (payload: unknown) => unknown): TaskOverride =>
    asLambdaInvokeTask(state, async (payload) => {
      count[state] = (count[state] ?? 0) + 1;
      return result(payload);
    });
  const admission = async (payload: unknown) => {
    const input = AdmitModelCallInputSchema.parse(payload);
    const answer = await admitModelCall(deps, {
      ...input,
      executionStartedAt: new Date(startedAt).toISOString(),
    });
    // Answer "now" so the slot Wait does not hold the test.
    return { ...answer, notBefore: new Date(now).toISOString() };
  };
  const tasks: Record<string, TaskOverride> = {
    LoadDocument: lambda('LoadDocument', loadedDocument),
    SelectVariant: lambda('SelectVariant', () => selectedVariant(VERSION)),
    AdmitModelCall: lambda('AdmitModelCall', (payload) => {
      if ((count.AdmitModelCall ?? 0) <= scenario.admitThrottles) {
        throw new LambdaThrottledError('medextract-test-admit-model-call');
      }
      return admission(payload);
    }),
    ReportModelPressure: lambda('ReportModelPressure', (payload) => {
      if ((count.ReportModelPressure ?? 0) <= (scenario.pressureThrottles ?? 0)) {
        throw new LambdaThrottledError('medextract-test-admit-model-call');
      }
      return admission(payload);
    }),
    InvokeModel: lambda('InvokeModel', () => {
      if ((count.InvokeModel ?? 0) <= (scenario.modelThrottles ?? 0)) {
        throw new ModelThrottledError('throttled');
      }
      return modelAnswer(modelId);
    }),
    Score: lambda('Score', scored),
    RecordResult: lambda('RecordResult', recorded),
    RecordFailure: lambda('RecordFailure', (payload) => {
      const { error } = (payload as { state: { error: { Error: string; Cause?: string } } }).state;
      const classified = classifyFailure(error);
      reasons.push(classified.reason);
      return classified;
    }),
    SendToDLQ: async (parameters) => ({ MessageId: 'm-1', body: parameters }),
  };
  const result = await runExtract(
    loadEvent('tasks/execution-input'),
    tasks,
    'throttled-admission',
    { WaitForAdmissionCapacity: 1 },
  );
  const entered = (name: string) =>
    result.events.filter(
      (e) => e.type === 'StateEntered' && (e.state as { name?: string } | undefined)?.name === name,
    ).length;
  return { result, count, reasons, waits: entered('WaitForAdmissionCapacity') };
};

describe('a throttled admission function', () => {
  it('waits and asks again after AdmitModelCall stays throttled through two retry ladders', async () => {
    const { result, count, reasons, waits } = await run({ admitThrottles: 2 * LADDER });
    expect(result.status).toBe('SUCCEEDED');
    expect(waits).toBe(2);
    expect(count.AdmitModelCall).toBe(2 * LADDER + 1);
    expect(count.InvokeModel).toBe(1);
    expect(count.RecordFailure).toBeUndefined();
    expect(reasons).toEqual([]);
  });

  it('sends the document back to admission when ReportModelPressure stays throttled', async () => {
    // InvokeModel throttled twice (the call and its one retry) goes to ReportModelPressure.
    const { result, count, waits } = await run({
      admitThrottles: 0,
      modelThrottles: 2,
      pressureThrottles: LADDER,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(waits).toBe(1);
    expect(count.ReportModelPressure).toBe(LADDER);
    expect(count.AdmitModelCall).toBe(2);
    expect(count.InvokeModel).toBe(3);
    expect(count.RecordFailure).toBeUndefined();
  });

  it('still ends ADMISSION_WAIT_EXCEEDED once the slot lies beyond the maximum wait', async () => {
    // 25 of 30 minutes gone, ten minutes of backlog ahead: no slot within the limit.
    const { result, count, reasons, waits } = await run({
      admitThrottles: LADDER,
      startedMinutesAgo: 25,
      backlogMs: 10 * MINUTE,
    });
    expect(result.status).toBe('FAILED');
    expect(waits).toBe(1);
    expect(count.AdmitModelCall).toBe(LADDER + 1);
    expect(count.InvokeModel).toBeUndefined();
    expect(reasons).toEqual(['ADMISSION_WAIT_EXCEEDED']);
  });
});
