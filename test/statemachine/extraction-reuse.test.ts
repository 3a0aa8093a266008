/**
 * The ASL's reuse path (ADR 40), executed locally with stubbed tasks: when
 * SelectVariant names an earlier extraction of the same bytes, admission and
 * InvokeModel are skipped and Score and RecordResult get the earlier output
 * with no tokens; without one (or with an incomplete one) the model is called.
 */
import { describe, expect, it } from 'vitest';
import type { ReuseOutput } from '#contracts/task-schemas.ts';
import { loadEvent } from '#events/index.ts';
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
const HASH = 'a'.repeat(64);
const EARLIER = 'b'.repeat(64);
const EARLIER_OUTPUT = `s3://b/work/${EARLIER}/extraction-2.0.0.json`;

const reuse: ReuseOutput = {
  reusedFrom: EARLIER,
  outputUri: EARLIER_OUTPUT,
  modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  servedBy: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  usageEstimated: false,
};

/** Every task stubbed; SelectVariant answers `answer` as its reuse. */
const stubs = (answer: unknown) => {
  const count: Record<string, number> = {};
  const payloads: Record<string, unknown[]> = {};
  const lambda = (state: string, result: (payload: unknown) => unknown): TaskOverride =>
    asLambdaInvokeTask(state, async (payload) => {
      count[state] = (count[state] ?? 0) + 1;
      payloads[state] = [...(payloads[state] ?? []), payload];
      return result(payload);
    });
  const tasks: Record<string, TaskOverride> = {
    LoadDocument: lambda('LoadDocument', () => ({ ...loadedDocument(), contentSha256: HASH })),
    SelectVariant: lambda('SelectVariant', () => ({ ...selectedVariant('2.0.0'), reuse: answer })),
    AdmitModelCall: lambda('AdmitModelCall', () => admittedNow()),
    InvokeModel: lambda('InvokeModel', () => modelAnswer('m')),
    Score: lambda('Score', () => ({ ...scored(), costMicroUsd: 0 })),
    RecordResult: lambda('RecordResult', recorded),
    RecordFailure: lambda('RecordFailure', () => ({ reason: 'X', error: 'X', cause: 'X' })),
    SendToDLQ: async () => ({ MessageId: 'm-1' }),
  };
  return { count, payloads, tasks };
};

describe('extract state machine, reuse of an identical document', () => {
  it('skips admission and the model call and scores the earlier extraction', async () => {
    // Prepare
    const { count, payloads, tasks } = stubs(reuse);

    // Act
    const run = await runExtract(input, tasks);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(count).toEqual({ LoadDocument: 1, SelectVariant: 1, Score: 1, RecordResult: 1 });
    expect(payloads.SelectVariant?.[0]).toMatchObject({ contentSha256: HASH });
    expect(payloads.Score?.[0]).toMatchObject({
      outputUri: EARLIER_OUTPUT,
      modelId: reuse.modelId,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    const [recordInput] = (payloads.RecordResult ?? []) as { state: Record<string, unknown> }[];
    const recordState = recordInput?.state ?? {};
    expect(recordState.model).toEqual({
      outputUri: EARLIER_OUTPUT,
      modelId: reuse.modelId,
      servedBy: reuse.servedBy,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      usageEstimated: false,
      modelLatencyMs: 0,
    });
    expect(recordState.variant).toMatchObject({ reuse: { reusedFrom: EARLIER } });
    expect(recordState).not.toHaveProperty('admission');
    const entered = run.events
      .filter((event) => event.type === 'StateEntered')
      .map((event) => (event.state as { name: string }).name);
    expect(entered).toContain('ReuseEarlierExtraction');
    expect(entered).not.toContain('InvokeModel');
  });

  it('calls the model when there is nothing to reuse', async () => {
    const { count, payloads, tasks } = stubs(null);
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('SUCCEEDED');
    expect(count.AdmitModelCall).toBe(1);
    expect(count.InvokeModel).toBe(1);
    expect(payloads.Score?.[0]).toMatchObject({ inputTokens: 100, outputTokens: 50 });
  });

  it('calls the model when the reuse answer is malformed, never scoring a bad reference', async () => {
    // SelectVariant's schema makes every field present; a wrong type still falls back.
    const { count, tasks } = stubs({ ...reuse, outputUri: 42 });
    const run = await runExtract(input, tasks);
    expect(run.status).toBe('SUCCEEDED');
    expect(count.InvokeModel).toBe(1);
  });
});
