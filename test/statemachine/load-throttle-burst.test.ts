/**
 * A burst of scans larger than LoadDocument's reserved concurrency delays and
 * never fails (ADR 41): the ASL run locally with its Retry waits scaled down,
 * LoadDocument behind a reserved-concurrency limiter that refuses with
 * `Lambda.TooManyRequestsException` while every slot is held by a slow scan,
 * and every document of the burst reaches the model and its result. The same
 * burst on the definition without the throttle ladder (the Lambda service
 * retrier alone) ends documents FAILED INTERNAL_ERROR, so the test can fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadEvent } from '#events/index.ts';
import { classifyFailure } from '#functions/record-failure/failure-reason.ts';
import { asLambdaInvokeTask } from '#local/lambda-invoke.ts';
import { concurrencyLimiter } from '#local/reserved-concurrency.ts';
import { prepareMachine, type TaskHandler } from '#local/sfn/definition.ts';
import { definition, lambdaShaped } from '#test/helpers/extract-machine.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import {
  admittedNow,
  loadedDocument,
  modelAnswer,
  recorded,
  scored,
  selectedVariant,
} from '#test/helpers/task-outputs.ts';

/** Real seconds to test seconds: a 0.4 s hold stands for an 80 s scan. */
const SCALE = 0.005;
const HOLD_MS = 400;
const RESERVED = 2;
const BURST = 8;

beforeAll(() => setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }));

type Definition = ReturnType<typeof definition>;

/** The definition with LoadDocument's throttle-only retrier removed: the ladder before ADR 41. */
const withoutThrottleLadder = (asl: Definition): Definition => {
  const copy = structuredClone(asl) as unknown as {
    States: Record<string, { Retry?: Array<{ ErrorEquals: string[] }> }>;
  };
  const load = copy.States.LoadDocument;
  if (!load?.Retry) throw new Error('LoadDocument has no Retry');
  load.Retry = load.Retry.filter(
    (retrier) => retrier.ErrorEquals.join() !== 'Lambda.TooManyRequestsException',
  );
  return copy as unknown as Definition;
};

const burst = async (asl: Definition) => {
  const limiter = concurrencyLimiter('load-document', RESERVED);
  const reasons: string[] = [];
  const lambda = (state: string, result: (payload: unknown) => unknown): TaskHandler =>
    lambdaShaped(asLambdaInvokeTask(state, async (payload) => result(payload)));
  const handlers: Record<string, TaskHandler> = {
    LoadDocument: lambdaShaped(
      asLambdaInvokeTask(
        'load-document',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
          return loadedDocument();
        },
        (run) => limiter.run(run),
      ),
    ),
    SelectVariant: lambda('SelectVariant', () => selectedVariant('2.0.0')),
    AdmitModelCall: lambda('AdmitModelCall', admittedNow),
    ReportModelPressure: lambda('ReportModelPressure', () => {
      throw new Error('not expected');
    }),
    InvokeModel: lambda('InvokeModel', () =>
      modelAnswer('m', 's3://b/work/x/extraction-2.0.0.json'),
    ),
    Score: lambda('Score', scored),
    RecordResult: lambda('RecordResult', recorded),
    RecordFailure: lambda('RecordFailure', (payload) => {
      const state = (payload as { state: { error: { Error: string; Cause?: string } } }).state;
      const classified = classifyFailure(state.error);
      reasons.push(classified.reason);
      return classified;
    }),
    SendToDLQ: async () => ({ MessageId: 'm-1' }),
  };
  const machine = prepareMachine(
    { name: 'extract', definition: asl, taskHandlers: handlers, retryIntervalScale: SCALE },
    'us-east-1',
    '000000000000',
  );
  const input = z.json().parse(loadEvent('tasks/execution-input'));
  const statuses = await Promise.all(
    Array.from({ length: BURST }, async (_, index) => {
      const name = `burst-${index}`;
      const execution = machine.runner.run(structuredClone(input), {
        overrides: {
          taskResourceLocalHandlers: Object.fromEntries(
            Object.entries(handlers).map(([state, handler]) => [
              state,
              async (taskInput: z.core.util.JSONType) => z.json().parse(await handler(taskInput)),
            ]),
          ),
        },
        context: {
          Execution: {
            Id: `arn:aws:states:us-east-1:000000000000:execution:extract:${name}`,
            Name: name,
            Input: input,
            StartTime: new Date().toISOString(),
          },
        },
      });
      return execution.result.then(
        () => 'SUCCEEDED',
        () => 'FAILED',
      );
    }),
  );
  return { statuses, reasons, stats: limiter.stats() };
};

describe('a burst of scans beyond LoadDocument reserved concurrency', () => {
  it('delays every document until a slot frees, and none fails', async () => {
    // Act
    const { statuses, reasons, stats } = await burst(definition());

    // Assess: throttled often, never failed.
    expect(stats.throttled).toBeGreaterThan(BURST - RESERVED);
    expect(stats.peak).toBe(RESERVED);
    expect(reasons).toEqual([]);
    expect(statuses).toEqual(Array.from({ length: BURST }, () => 'SUCCEEDED'));
  }, 60_000);

  it('fails documents INTERNAL_ERROR with the Lambda service retrier alone (the control)', async () => {
    // Act
    const { statuses, reasons } = await burst(withoutThrottleLadder(definition()));

    // Assess
    expect(statuses.filter((status) => status === 'FAILED').length).toBeGreaterThan(0);
    expect(new Set(reasons)).toEqual(new Set(['INTERNAL_ERROR']));
  }, 60_000);
});
