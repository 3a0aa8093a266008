/**
 * Per-function figures from invocation reports (nearest-rank percentiles,
 * cold starts, errors, per-minute series) and the local recorder that
 * writes those reports: timing, cold start only on the first run after an
 * import, a thrown error recorded by name and still thrown.
 */
import { describe, expect, it } from 'vitest';
import {
  type InvocationReport,
  percentilesOf,
  summariseInvocations,
} from '#core/functions/invocation-summary.ts';
import { configFor } from '#infra/config.ts';
import { createInvocationRecorder } from '#local/invocation-recorder.ts';

const report = (overrides: Partial<InvocationReport>): InvocationReport => ({
  functionName: 'score',
  startedAt: '2026-12-01T10:00:05.000Z',
  durationMs: 10,
  billedDurationMs: 10,
  memorySizeMb: 512,
  maxMemoryUsedMb: 200,
  initDurationMs: null,
  coldStart: false,
  error: null,
  ...overrides,
});

describe('summariseInvocations', () => {
  it('counts, takes nearest-rank percentiles and splits per minute', () => {
    // Prepare
    const reports = [
      ...Array.from({ length: 19 }, (_, i) =>
        report({ durationMs: i + 1, billedDurationMs: i + 1 }),
      ),
      report({
        durationMs: 100,
        billedDurationMs: 100,
        startedAt: '2026-12-01T10:01:00.000Z',
        coldStart: true,
        initDurationMs: 42,
        error: 'ModelTimeoutError',
        maxMemoryUsedMb: 300,
      }),
      report({ functionName: 'aggregator', durationMs: 7, billedDurationMs: 7 }),
    ];

    // Act
    const [aggregator, score] = summariseInvocations(reports);

    // Assess
    expect(aggregator?.functionName).toBe('aggregator');
    expect(score).toMatchObject({
      functionName: 'score',
      invocations: 20,
      errors: 1,
      coldStarts: 1,
      durationMs: { p50: 10, p95: 19, p99: 100 },
      initDurationMs: { p50: 42, p95: 42, p99: 42 },
      billedDurationMsTotal: 290,
      maxMemoryUsedMb: 300,
      throttles: 0,
    });
    expect(score?.series).toEqual([
      { minute: '2026-12-01T10:00Z', invocations: 19, p50: 10, p95: 19 },
      { minute: '2026-12-01T10:01Z', invocations: 1, p50: 100, p95: 100 },
    ]);
  });

  it('answers null percentiles for no values', () => {
    expect(percentilesOf([])).toBeNull();
    expect(summariseInvocations([])).toEqual([]);
  });
});

describe('createInvocationRecorder', () => {
  it('records a cold start with its init only on the first run after the import', async () => {
    // Prepare
    const recorder = createInvocationRecorder();
    const handler = await recorder.timeInit('score', async () => {
      await new Promise((r) => setTimeout(r, 20));
      return async () => 'scored';
    });

    // Act
    const first = await recorder.record('score', () => handler());
    await recorder.record('score', () => new Promise((r) => setTimeout(r, 15)));

    // Assess
    const [cold, warm] = recorder.list();
    expect(first).toBe('scored');
    expect(cold).toMatchObject({ functionName: 'score', coldStart: true, error: null });
    expect(cold?.initDurationMs).toBeGreaterThanOrEqual(15);
    expect(warm).toMatchObject({ coldStart: false, initDurationMs: null });
    expect(warm?.durationMs).toBeGreaterThanOrEqual(10);
    expect(warm?.billedDurationMs).toBe(Math.ceil(warm?.durationMs ?? 0));
    expect(warm?.maxMemoryUsedMb).toBeGreaterThan(10);
  });

  it('records a thrown error by name and throws it on', async () => {
    // Prepare
    const recorder = createInvocationRecorder();
    class ModelTimeoutError extends Error {
      override name = 'ModelTimeoutError';
    }

    // Act
    const run = recorder.record('invoke-model', async () => {
      throw new ModelTimeoutError('late');
    });

    // Assess
    await expect(run).rejects.toBeInstanceOf(ModelTimeoutError);
    expect(recorder.list()).toMatchObject([
      {
        functionName: 'invoke-model',
        error: 'ModelTimeoutError',
        memorySizeMb: configFor('dev').functions['invoke-model'].memoryMb,
      },
    ]);
  });
});
