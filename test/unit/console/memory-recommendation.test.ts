/**
 * Memory recommendations with exact figures (suggested size, monthly cost
 * and saving at the observed rate, the init-dominated flag) and the
 * cold-start histogram's buckets.
 */
import { describe, expect, it } from 'vitest';
import { AWS_PRICES } from '#core/costing/aws-prices.ts';
import { initHistogram } from '#core/functions/init-histogram.ts';
import {
  ARM_LAMBDA_PRICING,
  type MeasuredFunction,
  recommendMemory,
  suggestedSizeFor,
} from '#core/functions/memory-recommendation.ts';

const measured = (overrides: Partial<MeasuredFunction>): MeasuredFunction => ({
  functionName: 'load-document',
  invocations: 1000,
  billedDurationMsTotal: 500_000,
  memorySizeMb: 1024,
  maxMemoryUsedP99Mb: 180,
  durationMs: { p95: 900 },
  initDurationMs: { p95: 300 },
  ...overrides,
});

const HOUR = 3600;

describe('recommendMemory', () => {
  it('lowers 1024 MB to 256 MB and prices the month at the observed hourly rate', () => {
    // Act
    const [rec] = recommendMemory([measured({})], HOUR);

    // Assess: 1000 calls and 500 billed s an hour -> 730,000 calls and 365,000 s a month.
    // 365,000 GB-s x 13.3334 µ$ = 4,866,691 µ$ + 730,000 x 0.2 µ$ = 146,000 µ$.
    // At 256 MB: 91,250 GB-s x 13.3334 = 1,216,672.75 µ$ + 146,000 µ$.
    expect(rec).toEqual({
      functionName: 'load-document',
      action: 'lower',
      currentMemoryMb: 1024,
      suggestedMemoryMb: 256,
      headroomPercent: 42.2,
      invocationsPerMonth: 730_000,
      monthlyCostMicroUsd: 5_012_691,
      suggestedMonthlyCostMicroUsd: 1_362_673,
      monthlySavingMicroUsd: 3_650_018,
      initDominated: false,
      reason: expect.stringContaining('fits 256 MB with 42.2% headroom'),
    });
  });

  it('raises a size with under 30% headroom, keeps one that fits, and flags init-dominated starts', () => {
    // Act
    const [raise, keep] = recommendMemory(
      [
        measured({ memorySizeMb: 128, maxMemoryUsedP99Mb: 110 }),
        measured({
          memorySizeMb: 512,
          maxMemoryUsedP99Mb: 300,
          durationMs: { p95: 120 },
          initDurationMs: { p95: 400 },
        }),
      ],
      2 * HOUR,
    );

    // Assess: 110 MB x 1.3 = 143 MB -> 256; half the hourly rate of the first case.
    expect(raise).toMatchObject({
      action: 'raise',
      suggestedMemoryMb: 256,
      invocationsPerMonth: 365_000,
      // 22,812.5 GB-s x 13.3334 = 304,168.19 + 73,000; at 256 MB 45,625 GB-s = 608,336.38 + 73,000.
      monthlyCostMicroUsd: 377_168,
      suggestedMonthlyCostMicroUsd: 681_336,
      monthlySavingMicroUsd: -304_168,
      initDominated: false,
    });
    expect(keep).toMatchObject({ action: 'keep', suggestedMemoryMb: 512, initDominated: true });
    expect(keep?.monthlySavingMicroUsd).toBe(0);
  });

  it('suggests nothing without memory figures and refuses an empty window', () => {
    // Act
    const [none] = recommendMemory([measured({ maxMemoryUsedP99Mb: null })], HOUR);

    // Assess
    expect(none).toMatchObject({
      action: 'none',
      suggestedMemoryMb: null,
      monthlySavingMicroUsd: 0,
    });
    expect(() => recommendMemory([measured({})], 0)).toThrow('OBSERVED_WINDOW_EMPTY');
  });

  it('uses the Arm prices of the price table and the largest size when nothing has headroom', () => {
    expect(ARM_LAMBDA_PRICING.microUsdPerGbSecond).toBeCloseTo(
      AWS_PRICES.lambdaArmGbSecond.usd * 1_000_000,
      9,
    );
    expect(ARM_LAMBDA_PRICING.microUsdPerRequest).toBeCloseTo(0.2, 12);
    expect(suggestedSizeFor(98)).toBe(128);
    expect(suggestedSizeFor(99)).toBe(256);
    expect(suggestedSizeFor(9000)).toBe(10240);
  });
});

describe('initHistogram', () => {
  it('counts each init duration in its bucket, empty buckets included', () => {
    // Act
    const buckets = initHistogram([0, 49.9, 50, 120, 120, 999, 6000]);

    // Assess
    expect(buckets).toHaveLength(12);
    expect(buckets.slice(0, 3)).toEqual([
      { fromMs: 0, toMs: 50, count: 2 },
      { fromMs: 50, toMs: 100, count: 1 },
      { fromMs: 100, toMs: 200, count: 2 },
    ]);
    expect(buckets.find((b) => b.fromMs === 750)?.count).toBe(1);
    expect(buckets.at(-1)).toEqual({ fromMs: 5000, toMs: null, count: 1 });
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(7);
  });
});
