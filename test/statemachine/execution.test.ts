/**
 * The ASL executed locally with every task stubbed per path: success, each
 * retryable error retried exactly per its policy then caught, model throttling
 * and 5xx sent back to admission a bounded number of times, each
 * non-retryable error caught at once, and the failure path ending FAILED with
 * exactly one DLQ message carrying the reason.
 */
import { describe, expect, it } from 'vitest';
import {
  BadDocumentError,
  ModelOutputInvalidError,
  ModelOutputTruncatedError,
  ModelRequestRejectedError,
  ModelThrottledError,
  ModelTimeoutError,
  ModelUnavailableError,
} from '#contracts/errors.ts';
import { loadEvent } from '#events/index.ts';
import { classifyFailure } from '#functions/record-failure/failure-reason.ts';
import { asLambdaInvokeTask } from '#local/lambda-invoke.ts';
import { runExtract, type TaskOverride } from '#test/helpers/extract-machine.ts';
import {
  admittedNow,
  loadedDocument,
  modelAnswer,
  recorded,
  scored,
  selectedVariant,
} from '#test/helpers/task-outputs.ts';

const input = loadEvent('tasks/execution-input');

interface Calls {
  readonly count: Record<string, number>;
  readonly dlq: unknown[];
}

/** Stubs for every task; `failInvoke` decides whether attempt n of InvokeModel throws. */
const stubs = (failInvoke: (attempt: number) => Error | null = () => null) => {
  const calls: Calls = { count: {}, dlq: [] };
  const lambda = (state: string, result: (payload: unknown) => unknown): TaskOverride =>
    asLambdaInvokeTask(state, async (payload) => {
      calls.count[state] = (calls.count[state] ?? 0) + 1;
      return result(payload);
    });
  const tasks: Record<string, TaskOverride> = {
    LoadDocument: lambda('LoadDocument', loadedDocument),
    SelectVariant: lambda('SelectVariant', () => selectedVariant('2.0.0')),
    AdmitModelCall: lambda('AdmitModelCall', admittedNow),
    ReportModelPressure: lambda('ReportModelPressure', (payload) => ({
      admitted: false,
      notBefore: new Date(0).toISOString(),
      modelId: 'm',
      readmissions: (payload as { readmissions: number }).readmissions + 1,
      breakerOpen: false,
    })),
    InvokeModel: lambda('InvokeModel', () => {
      const error = failInvoke(calls.count.InvokeModel ?? 0);
      if (error) throw error;
      return modelAnswer('m', 's3://b/work/x/extraction-2.0.0.json');
    }),
    Score: lambda('Score', scored),
    RecordResult: lambda('RecordResult', recorded),
    RecordFailure: lambda('RecordFailure', (payload) => {
      const state = (payload as { state: { error: { Error: string; Cause?: string } } }).state;
      return classifyFailure(state.error);
    }),
    SendToDLQ: async (parameters) => {
      calls.dlq.push((parameters as { MessageBody: unknown }).MessageBody);
      return { MessageId: `m-${calls.dlq.length}` };
    },
  };
  return { calls, tasks };
};

const always = (make: () => Error) => () => make();

describe('extract state machine, local execution', () => {
  it('succeeds through every task once and sends nothing to the DLQ', async () => {
    // Prepare
    const { calls, tasks } = stubs();
    // Act
    const run = await runExtract(input, tasks);
    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(calls.count).toEqual({
      LoadDocument: 1,
      SelectVariant: 1,
      AdmitModelCall: 1,
      InvokeModel: 1,
      Score: 1,
      RecordResult: 1,
    });
    expect(calls.dlq).toEqual([]);
    expect(run.output).toMatchObject({
      document: { pageCount: 2 },
      variant: { promptVersion: '2.0.0' },
      score: { completeness: 0.9, costMicroUsd: 350 },
      result: { status: 'SUCCEEDED' },
    });
  });

  it('recovers when throttling clears: one quick retry, then back to admission', async () => {
    const { calls, tasks } = stubs((n) => (n <= 3 ? new ModelThrottledError('throttled') : null));
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('SUCCEEDED');
    // Two attempts per admission: attempts 1-2 fail, back to admission, 3 fails, 4 succeeds.
    expect(calls.count.InvokeModel).toBe(4);
    expect(calls.count.ReportModelPressure).toBe(1);
    expect(calls.count.AdmitModelCall).toBe(2);
    expect(run.output).toMatchObject({ admission: { readmissions: 1, admitted: true } });
  });

  it('asks admission again while a slot is refused, without calling the model', async () => {
    const { calls, tasks } = stubs();
    tasks.AdmitModelCall = asLambdaInvokeTask('AdmitModelCall', async () => {
      calls.count.AdmitModelCall = (calls.count.AdmitModelCall ?? 0) + 1;
      return {
        admitted: (calls.count.AdmitModelCall ?? 0) >= 3,
        notBefore: new Date(0).toISOString(),
        modelId: 'm',
        readmissions: 0,
        breakerOpen: false,
      };
    });
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('SUCCEEDED');
    expect(calls.count.AdmitModelCall).toBe(3);
    expect(calls.count.InvokeModel).toBe(1);
  });

  it.each([
    // Six admissions (five readmissions) of two attempts each.
    ['ModelThrottled', () => new ModelThrottledError('429'), 12, 'MODEL_THROTTLED'],
    ['ModelUnavailable', () => new ModelUnavailableError('503'), 12, 'MODEL_UNAVAILABLE'],
    ['ModelTimeout', () => new ModelTimeoutError('408'), 2, 'MODEL_TIMEOUT'],
    ['ModelOutputInvalid', () => new ModelOutputInvalidError('no tool'), 2, 'MODEL_OUTPUT_INVALID'],
    [
      'ModelOutputTruncated',
      () => new ModelOutputTruncatedError('max_tokens'),
      2,
      'MODEL_OUTPUT_TRUNCATED',
    ],
    [
      'ModelRequestRejected',
      () => new ModelRequestRejectedError('403'),
      1,
      'MODEL_REQUEST_REJECTED',
    ],
  ])(
    '%s: retried per policy, then FAILED with one DLQ message',
    async (_name, make, attempts, reason) => {
      // Prepare
      const { calls, tasks } = stubs(always(make));
      // Act
      const run = await runExtract(input, tasks);
      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error?.name).toBe('ExtractionFailed');
      expect(run.error?.cause).toBe(reason);
      expect(calls.count.InvokeModel).toBe(attempts);
      expect(calls.count.Score).toBeUndefined();
      expect(calls.count.RecordResult).toBeUndefined();
      expect(calls.count.RecordFailure).toBe(1);
      expect(calls.dlq).toHaveLength(1);
      expect(calls.dlq[0]).toMatchObject({
        reason,
        documentId: (input as { documentId: string }).documentId,
      });
    },
  );

  it('catches a bad document at once: no retry, no model call, reason in the DLQ', async () => {
    // Prepare
    const { calls, tasks } = stubs();
    tasks.LoadDocument = asLambdaInvokeTask('LoadDocument', async () => {
      calls.count.LoadDocument = (calls.count.LoadDocument ?? 0) + 1;
      throw new BadDocumentError('ENCRYPTED');
    });
    // Act
    const run = await runExtract(input, tasks);
    // Assess
    expect(run.status).toBe('FAILED');
    expect(calls.count.LoadDocument).toBe(1);
    expect(calls.count.InvokeModel).toBeUndefined();
    expect(calls.dlq).toEqual([
      expect.objectContaining({
        reason: 'ENCRYPTED',
        error: 'BadDocument',
        cause: 'ENCRYPTED',
        recorded: true,
      }),
    ]);
  });

  it('still dead-letters the document when recording the failure fails', async () => {
    const { calls, tasks } = stubs(always(() => new ModelRequestRejectedError('400')));
    tasks.RecordFailure = asLambdaInvokeTask('RecordFailure', async () => {
      calls.count.RecordFailure = (calls.count.RecordFailure ?? 0) + 1;
      throw new Error('table unavailable');
    });
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('FAILED');
    expect(calls.count.RecordFailure).toBe(3);
    expect(calls.dlq).toEqual([
      expect.objectContaining({ reason: 'INTERNAL_ERROR', recorded: false }),
    ]);
  });

  it('retries a Lambda service error on a task and then continues', async () => {
    const { calls, tasks } = stubs();
    let failures = 0;
    tasks.Score = asLambdaInvokeTask('Score', async () => {
      calls.count.Score = (calls.count.Score ?? 0) + 1;
      failures += 1;
      if (failures <= 2) {
        const error = new Error('Rate exceeded');
        error.name = 'Lambda.TooManyRequestsException';
        throw error;
      }
      return {
        completeness: 1,
        allRequiredPresent: true,
        requiredPresent: 8,
        requiredTotal: 8,
        costMicroUsd: 1,
        grounding: null,
      };
    });
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('SUCCEEDED');
    expect(calls.count.Score).toBe(3);
  });
});
