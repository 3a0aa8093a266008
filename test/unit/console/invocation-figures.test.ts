/**
 * Per-function figures from invocation reports (nearest-rank percentiles,
 * cold starts, errors, per-minute series) and the local recorder that
 * writes those reports: timing, cold start only on the first run after an
 * import, a thrown error recorded by name and still thrown, each report a
 * JSON line in `invocations.jsonl` through one descriptor kept open until close.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type InvocationReport,
  percentilesOf,
  summariseInvocations,
} from '#core/functions/invocation-summary.ts';
import { configFor } from '#infra/config.ts';
import { createInvocationRecorder } from '#local/invocation-recorder.ts';
import { localFunctionsAnswer } from '#services/functions-report.ts';
import { descriptorsOpenOn } from '#test/helpers/open-descriptors.ts';

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

  it('appends each report as a JSON line to one kept-open file, released by close', async () => {
    // Prepare: a recorder with a data folder, as a stack with `.data/` has.
    const dataDir = mkdtempSync(join(tmpdir(), 'medextract-invocations-'));
    const file = join(dataDir, 'logs', 'invocations.jsonl');
    const recorder = createInvocationRecorder(dataDir);

    try {
      // Act: two reports, a close, then one more after it.
      await recorder.record('score', async () => 'one');
      await recorder.record('record-result', async () => 'two');
      const openBeforeClose = descriptorsOpenOn(file).length;
      recorder.close();
      const openAfterClose = descriptorsOpenOn(file).length;
      await recorder.record('score', async () => 'three');
      recorder.close();

      // Assess: every report in order, one descriptor while open, none after close.
      const lines = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.functionName)).toEqual(['score', 'record-result', 'score']);
      expect(lines).toEqual(recorder.list());
      if (process.platform === 'linux') expect(openBeforeClose).toBe(1);
      expect(openAfterClose).toBe(0);
      expect(descriptorsOpenOn(file)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('localFunctionsAnswer', () => {
  it('adds p99 memory, the cold-start histogram and a priced recommendation over the window', () => {
    // Prepare: 4 invocations of score in the 10 minutes before now, one cold.
    const reports = [
      report({ startedAt: '2026-12-01T10:00:00.000Z', coldStart: true, initDurationMs: 240 }),
      report({ startedAt: '2026-12-01T10:01:00.000Z', maxMemoryUsedMb: 90 }),
      report({ startedAt: '2026-12-01T10:02:00.000Z', maxMemoryUsedMb: 120 }),
      report({ startedAt: '2026-12-01T10:03:00.000Z', maxMemoryUsedMb: 100 }),
    ];

    // Act
    const answer = localFunctionsAnswer(reports, new Date('2026-12-01T10:10:00.000Z'));

    // Assess: p99 of 200, 90, 120, 100 MB is 200 -> 260 MB needed -> 512 MB: keep.
    // 4 calls of 10 ms in 600 s -> 17,520 calls and 175.2 s a month: 175.2 x 0.5 GB x 13.3334 µ$
    // = 1,168.01 µ$, plus 17,520 x 0.2 µ$ = 3,504 µ$ of requests: 4,672 µ$.
    expect(answer.source).toBe('local-runtime');
    expect(answer.window).toEqual({
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-01T10:10:00.000Z',
      seconds: 600,
    });
    const [score] = answer.functions;
    expect(score).toMatchObject({ maxMemoryUsedP99Mb: 200, peakConcurrentExecutions: null });
    expect(score?.initHistogram.find((b) => b.fromMs === 200)?.count).toBe(1);
    expect(answer.recommendations).toEqual([
      expect.objectContaining({
        functionName: 'score',
        action: 'keep',
        suggestedMemoryMb: 512,
        invocationsPerMonth: 17_520,
        monthlyCostMicroUsd: 4_672,
        monthlySavingMicroUsd: 0,
      }),
    ]);
    expect(localFunctionsAnswer([]).recommendations).toEqual([]);
  });

  it("takes throttles and peak concurrency from the runtime's concurrency limiters", () => {
    // Prepare: two functions ran; the limiter of one refused 3 invocations at its limit of 2.
    const reports = [report({ functionName: 'score' }), report({ functionName: 'invoke-model' })];
    const concurrency = {
      'invoke-model': { peak: 2, throttled: 3 },
      score: { peak: 1, throttled: 0 },
    };

    // Act
    const answer = localFunctionsAnswer(reports, new Date('2026-12-01T10:10:00.000Z'), concurrency);

    // Assess
    const byName = Object.fromEntries(answer.functions.map((fn) => [fn.functionName, fn]));
    expect(byName['invoke-model']).toMatchObject({ throttles: 3, peakConcurrentExecutions: 2 });
    expect(byName.score).toMatchObject({ throttles: 0, peakConcurrentExecutions: 1 });
  });
});
