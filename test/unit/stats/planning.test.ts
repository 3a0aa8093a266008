/**
 * Sample-size planning and latency quantile intervals, against hand arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { sampleSizePerArm } from '#core/experiments/stats/power.ts';
import { quantileInterval, quantileRankBounds } from '#core/experiments/stats/quantile-interval.ts';
import { bucketValue } from '#core/metrics/histogram.ts';

describe('sampleSizePerArm', () => {
  it('needs 1562 per arm to move a 50% rate to 55% (alpha 0.05, power 0.8)', () => {
    // Prepare: (z0.975 + z0.8)² = (1.959964 + 0.841621)² = 2.801585² = 7.848880;
    // σ²C + σ²T = 0.25 + 0.55·0.45 = 0.4975; δ = 0.05;
    // n = 7.848880·0.4975/0.0025 = 1561.93 -> 1562.
    // Act
    const n = sampleSizePerArm({
      varianceControl: 0.25,
      varianceTreatment: 0.2475,
      delta: 0.05,
      alpha: 0.05,
    });

    // Assess
    expect(n).toBe(1562);
  });

  it('grows with the square of 1/δ and returns null when there is nothing to detect', () => {
    // Prepare: σ² = 1 each, δ = 0.1: 7.848880·2/0.01 = 1569.78 -> 1570; δ = 0.2: 392.44 -> 393.
    // Act / Assess
    expect(
      sampleSizePerArm({ varianceControl: 1, varianceTreatment: 1, delta: 0.1, alpha: 0.05 }),
    ).toBe(1570);
    expect(
      sampleSizePerArm({ varianceControl: 1, varianceTreatment: 1, delta: 0.2, alpha: 0.05 }),
    ).toBe(393);
    expect(
      sampleSizePerArm({ varianceControl: 1, varianceTreatment: 1, delta: 0, alpha: 0.05 }),
    ).toBeNull();
  });
});

describe('quantile intervals', () => {
  it('puts the median of 100 between ranks 40 and 60', () => {
    // Prepare: 100·0.5 ± 1.959964·√(100·0.25) = 50 ± 9.8 -> floor 40.2 = 40, ceil 59.8 = 60.
    // Act
    const ranks = quantileRankBounds(100, 0.5, 0.05);

    // Assess
    expect(ranks).toEqual({ lower: 40, upper: 60 });
  });

  it('clamps p95 ranks of a small sample to n', () => {
    // Prepare: 20·0.95 ± 1.959964·√(20·0.95·0.05) = 19 ± 1.9105 -> 17 and ceil 20.91 = 21 -> 20.
    // Act / Assess
    expect(quantileRankBounds(20, 0.95, 0.05)).toEqual({ lower: 17, upper: 20 });
  });

  it('reads the rank bounds off a histogram', () => {
    // Prepare: 100 observations: ranks 1..50 in bucket 100, 51..100 in bucket 120.
    const hist = { '100': 50, '120': 50 };

    // Act
    const ci = quantileInterval(hist, 0.5, 0.05);

    // Assess: rank 40 -> bucket 100, rank 60 -> bucket 120.
    expect(ci).toEqual({ lower: bucketValue(100), upper: bucketValue(120) });
    expect(quantileInterval({}, 0.5, 0.05)).toBeNull();
  });
});
