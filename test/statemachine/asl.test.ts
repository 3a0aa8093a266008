/**
 * Static checks on the one workflow definition: valid ASL, the placeholder set
 * equals the exported constant, every state documented and bounded in time,
 * and the retry policy exactly as designed.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ERROR_NAMES } from '#contracts/errors.ts';
import { EXTRACT_PLACEHOLDERS, withExecutionTimeout } from '#statemachines/extract-placeholders.ts';
import { ASL_TEXT, definition } from '#test/helpers/extract-machine.ts';

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface State {
  Type: string;
  Comment?: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Next?: string;
  End?: boolean;
  Choices?: { Next: string }[];
  Default?: string;
}

const asl = definition() as {
  States: Record<string, State>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
};
const states = asl.States;
const retrierFor = (state: string, error: string): Retrier | undefined =>
  states[state]?.Retry?.find((r) => r.ErrorEquals.includes(error));

/**
 * The asl-validator package (untyped CommonJS) called in process, with the
 * checks its command line runs by default (paths and ARNs), instead of a
 * `npx asl-validator` subprocess doing the same.
 */
const validateAsl = z
  .custom<(definition: unknown, options: { checkArn: boolean; checkPaths: boolean }) => unknown>(
    (value) => typeof value === 'function',
  )
  .parse(createRequire(import.meta.url)('asl-validator'));
const ValidationSchema = z.object({ isValid: z.boolean(), errors: z.array(z.unknown()) });

const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

describe('extract.asl.json', () => {
  it('passes asl-validator', () => {
    // Act
    const result = ValidationSchema.parse(
      validateAsl(JSON.parse(ASL_TEXT), { checkArn: true, checkPaths: true }),
    );
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses exactly the exported placeholder set', () => {
    const tokens = new Set([...ASL_TEXT.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]));
    expect([...tokens].sort()).toEqual([...EXTRACT_PLACEHOLDERS].sort());
  });

  it('is JSONPath; its execution deadline is set where it is deployed or run', () => {
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(asl.TimeoutSeconds).toBeUndefined();
    const deployed = JSON.parse(withExecutionTimeout(ASL_TEXT, 15_300)) as typeof asl;
    expect(deployed.TimeoutSeconds).toBe(15_300);
    expect(deployed.States).toEqual(JSON.parse(ASL_TEXT).States);
    expect(() => withExecutionTimeout(ASL_TEXT, 0)).toThrow(/TIMEOUT_INVALID/);
  });

  it('never retries a refusal for exceeding the maximum admission wait', () => {
    const admit = states.AdmitModelCall;
    const first = admit?.Retry?.find((r) => r.ErrorEquals.includes('AdmissionWaitExceeded'));
    expect(first?.MaxAttempts).toBe(0);
    // The first matching retrier decides: it must come before the States.TaskFailed one.
    const retriers = admit?.Retry?.map((r) => r.ErrorEquals.join()) ?? [];
    expect(retriers.indexOf(ERROR_NAMES.admissionWaitExceeded)).toBeLessThan(
      retriers.indexOf('States.TaskFailed'),
    );
  });

  it('documents every state and bounds every task in time', () => {
    for (const [name, state] of Object.entries(states)) {
      expect(state.Comment?.length ?? 0, name).toBeGreaterThan(20);
      if (state.Type === 'Task') expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it('follows the designed flow and sends every failure through RecordFailure', () => {
    expect(states.LoadDocument?.Next).toBe('SelectVariant');
    expect(states.SelectVariant?.Next).toBe('ReuseOrInvoke');
    // No reuse goes on to the model call; a complete reuse skips admission and the model.
    expect(states.ReuseOrInvoke?.Choices?.[0]?.Next).toBe('PrepareAdmission');
    expect(states.ReuseOrInvoke?.Choices?.[1]?.Next).toBe('ReuseEarlierExtraction');
    expect(states.ReuseOrInvoke?.Default).toBe('PrepareAdmission');
    expect(states.ReuseEarlierExtraction?.Next).toBe('Score');
    expect(states.PrepareAdmission?.Next).toBe('AdmitModelCall');
    expect(states.AdmitModelCall?.Next).toBe('WaitForModelSlot');
    expect(states.WaitForModelSlot?.Next).toBe('ModelSlotReady');
    expect(states.InvokeModel?.Next).toBe('Score');
    expect(states.Score?.Next).toBe('RecordResult');
    expect(states.RecordResult?.End).toBe(true);
    const toRecordFailure = {
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.error',
      Next: 'RecordFailure',
    };
    // A version replaced by a newer upload before it was read is not a failure.
    expect(states.LoadDocument?.Catch).toEqual([
      { ErrorEquals: ['DocumentSuperseded'], ResultPath: null, Next: 'Superseded' },
      toRecordFailure,
    ]);
    expect(states.Superseded?.Type).toBe('Succeed');
    for (const name of ['SelectVariant', 'Score', 'RecordResult']) {
      expect(states[name]?.Catch).toEqual([toRecordFailure]);
    }
    // A throttled admission function waits and asks again; nothing else of it is retried here.
    for (const name of ['AdmitModelCall', 'ReportModelPressure']) {
      expect(states[name]?.Catch).toEqual([
        {
          ErrorEquals: ['Lambda.TooManyRequestsException'],
          ResultPath: '$.admission.throttle',
          Next: 'WaitForAdmissionCapacity',
        },
        toRecordFailure,
      ]);
    }
    expect(states.WaitForAdmissionCapacity?.Next).toBe('AdmitModelCall');
    // Throttling and 5xx after admission go back to admission; everything else fails.
    expect(states.InvokeModel?.Catch).toEqual([
      {
        ErrorEquals: [ERROR_NAMES.modelThrottled, ERROR_NAMES.modelUnavailable],
        ResultPath: '$.modelError',
        Next: 'ReportModelPressure',
      },
      toRecordFailure,
    ]);
    expect(states.ReportModelPressure?.Next).toBe('ReadmitOrGiveUp');
    expect(states.ModelPressureExhausted?.Next).toBe('RecordFailure');
    expect(states.RecordFailure?.Next).toBe('SendToDLQ');
    expect(states.SendToDLQ?.Resource).toBe('arn:aws:states:::sqs:sendMessage');
    expect(states.SendToDLQ?.Next).toBe('Failed');
    expect(states.Failed?.Type).toBe('Fail');
  });

  it('retries Lambda service errors on every Lambda task with the standard block', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Resource !== 'arn:aws:states:::lambda:invoke') continue;
      // LoadDocument meets a throttle with its own longer ladder first (ADR 41).
      const first = name === 'LoadDocument' ? 1 : 0;
      if (first === 1) {
        expect(state.Retry?.[0]?.ErrorEquals, name).toEqual(['Lambda.TooManyRequestsException']);
      }
      const retrier = state.Retry?.[first];
      expect(retrier?.ErrorEquals, name).toEqual(LAMBDA_SERVICE_ERRORS);
      expect(retrier).toMatchObject({ IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 });
    }
  });

  it('retries model throttling and unavailability once, then leaves it to admission', () => {
    for (const error of [ERROR_NAMES.modelThrottled, ERROR_NAMES.modelUnavailable]) {
      expect(retrierFor('InvokeModel', error)).toEqual({
        ErrorEquals: [ERROR_NAMES.modelThrottled, ERROR_NAMES.modelUnavailable],
        IntervalSeconds: 2,
        MaxAttempts: 1,
        BackoffRate: 2,
        MaxDelaySeconds: 60,
        JitterStrategy: 'FULL',
      });
    }
  });

  it('retries a model timeout and bad model output at most once', () => {
    expect(retrierFor('InvokeModel', ERROR_NAMES.modelTimeout)?.MaxAttempts).toBe(1);
    expect(retrierFor('InvokeModel', ERROR_NAMES.modelOutputInvalid)?.MaxAttempts).toBe(1);
    expect(retrierFor('InvokeModel', ERROR_NAMES.modelOutputTruncated)?.MaxAttempts).toBe(1);
  });

  it('never retries bad documents or rejected model requests', () => {
    for (const [name, state] of Object.entries(states)) {
      for (const retrier of state.Retry ?? []) {
        expect(retrier.ErrorEquals, name).not.toContain(ERROR_NAMES.badDocument);
        expect(retrier.ErrorEquals, name).not.toContain(ERROR_NAMES.modelRequestRejected);
        // Admission's tasks retry a lost write race on the slot record (States.TaskFailed).
        const mayRetryTaskFailed = [
          'SelectVariant',
          'AdmitModelCall',
          'ReportModelPressure',
          'RecordFailure',
          'SendToDLQ',
        ];
        if (!mayRetryTaskFailed.includes(name)) {
          expect(retrier.ErrorEquals, name).not.toContain('States.ALL');
          expect(retrier.ErrorEquals, name).not.toContain('States.TaskFailed');
        }
      }
    }
  });
});
