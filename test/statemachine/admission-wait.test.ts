/**
 * Waiting for admission longer than the work itself may take: the ASL run
 * locally with the real AdmitModelCall over an in-memory slot store and a
 * simulated clock (each Wait jumps the clock to the slot). A document whose
 * slot lies beyond the old 900 s deadline is admitted and processed; one whose
 * slot lies beyond the stage's maximum admission wait ends FAILED
 * ADMISSION_WAIT_EXCEEDED at once, reserving nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { AdmitModelCallInputSchema } from '#contracts/model-admission.ts';
import { loadEvent } from '#events/index.ts';
import { admitModelCall } from '#functions/admit-model-call/admission.ts';
import { classifyFailure } from '#functions/record-failure/failure-reason.ts';
import { createObservability } from '#functions/shared/powertools.ts';
import { asLambdaInvokeTask } from '#local/lambda-invoke.ts';
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
const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

beforeAll(() => setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }));

const run = async (backlogMs: number) => {
  const modelId = bundledPrompts().get(VERSION).metadata.modelId;
  // A backlog `backlogMs` long already reserved by other documents.
  const store = memorySlotStore({ [modelId]: T0 + backlogMs });
  const tat = () => store.state.get(modelId)?.tat ?? 0;
  const clock = { t: T0 };
  const count: Record<string, number> = {};
  const started: string[] = [];
  const reasons: string[] = [];
  let modelCalledAt: number | undefined;
  const lambda = (state: string, result: (payload: unknown) => unknown): TaskOverride =>
    asLambdaInvokeTask(state, async (payload) => {
      count[state] = (count[state] ?? 0) + 1;
      return result(payload);
    });
  const deps = {
    settings: slotPerSecond(modelId),
    store,
    version: (v: string) => bundledPrompts().get(v),
    observability: createObservability('admit-model-call'),
    now: () => clock.t,
  };
  const tasks: Record<string, TaskOverride> = {
    LoadDocument: lambda('LoadDocument', loadedDocument),
    SelectVariant: lambda('SelectVariant', () => selectedVariant(VERSION)),
    AdmitModelCall: lambda('AdmitModelCall', async (payload) => {
      const input = AdmitModelCallInputSchema.parse(payload);
      started.push(input.executionStartedAt ?? '');
      // The execution started at T0 on the simulated clock.
      const answer = await admitModelCall(deps, {
        ...input,
        executionStartedAt: new Date(T0).toISOString(),
      });
      // WaitForModelSlot: the clock moves on to the slot (or to the next ask).
      clock.t = Math.max(clock.t, Date.parse(answer.notBefore));
      return answer;
    }),
    ReportModelPressure: lambda('ReportModelPressure', () => {
      throw new Error('no model pressure in this test');
    }),
    InvokeModel: lambda('InvokeModel', () => {
      modelCalledAt = clock.t;
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
  const result = await runExtract(loadEvent('tasks/execution-input'), tasks);
  return { result, count, started, reasons, modelCalledAt, tat };
};

describe('admission waits longer than the work may take', () => {
  it('admits and processes a document whose slot is 20 minutes away, beyond the old 900 s deadline', async () => {
    const { result, count, started, modelCalledAt } = await run(20 * MINUTE);
    expect(result.status).toBe('SUCCEEDED');
    // Refused at the horizon once (slot 1,200 s away), reserved on the second ask.
    expect(count.AdmitModelCall).toBe(2);
    expect(count.InvokeModel).toBe(1);
    expect(count.RecordFailure).toBeUndefined();
    expect(((modelCalledAt ?? 0) - T0) / 1000).toBe(1200);
    // The ASL passes the execution's start time to every ask.
    for (const at of started) expect(Number.isNaN(Date.parse(at))).toBe(false);
  });

  it('fails ADMISSION_WAIT_EXCEEDED, reserving nothing, when the slot lies beyond the maximum wait', async () => {
    const { result, count, reasons, tat } = await run(40 * MINUTE);
    expect(result.status).toBe('FAILED');
    // Asks at 0, 10 and 20 minutes; the third sees the 30-minute limit inside the horizon.
    expect(count.AdmitModelCall).toBe(3);
    expect(count.InvokeModel).toBeUndefined();
    expect(reasons).toEqual(['ADMISSION_WAIT_EXCEEDED']);
    expect(tat()).toBe(T0 + 40 * MINUTE);
  });
});
