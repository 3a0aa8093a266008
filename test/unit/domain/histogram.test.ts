/**
 * Log-bucketed latency histogram: bucket boundaries, edge values, merging,
 * and percentile accuracy against exact sample quantiles.
 */
import { describe, expect, it } from 'vitest';
import {
  bucketIndex,
  bucketLowerBound,
  bucketValue,
  HISTOGRAM_BASE,
  HISTOGRAM_MAX_RELATIVE_ERROR,
  HistogramSchema,
  histogramCount,
  histogramOf,
  mergeHistograms,
  nearestRank,
  percentiles,
  quantile,
  recordLatency,
} from '#core/metrics/histogram.ts';

/** mulberry32: small seeded PRNG so the synthetic sample is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal latencies (median e^mu ms) by Box-Muller. */
function lognormalSample(n: number, mu: number, sigma: number, seed: number): number[] {
  const random = mulberry32(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u1 = random() || Number.MIN_VALUE;
    const u2 = random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out.push(Math.exp(mu + sigma * z));
  }
  return out;
}

/** Exact nearest-rank sample quantile: the ⌈q·n⌉-th smallest value. */
function exactQuantile(sorted: readonly number[], q: number): number {
  const value = sorted[Math.ceil(q * sorted.length) - 1];
  if (value === undefined) throw new Error('empty sample');
  return value;
}

describe('bucket geometry', () => {
  it('keeps the representative within 2% of any value in the bucket', () => {
    // Prepare: the worst case is a value at the bucket's lower edge.
    // Act
    const worst = bucketValue(0) / bucketLowerBound(0) - 1;

    // Assess: √1.04 − 1 = 0.019803903 (1.98%).
    expect(HISTOGRAM_BASE).toBe(1.04);
    expect(worst).toBeCloseTo(0.019803903, 8);
    expect(HISTOGRAM_MAX_RELATIVE_ERROR).toBeCloseTo(0.019803903, 8);
    expect(HISTOGRAM_MAX_RELATIVE_ERROR).toBeLessThan(0.02);
  });

  it('puts each lower boundary in its own bucket and the value just below in the previous one', () => {
    // Prepare
    const indices = Array.from({ length: 600 }, (_, i) => i);

    // Act
    const atBoundary = indices.map((i) => bucketIndex(bucketLowerBound(i)));
    const justBelow = indices.slice(1).map((i) => bucketIndex(bucketLowerBound(i) * (1 - 1e-12)));

    // Assess
    expect(atBoundary).toEqual(indices);
    expect(justBelow).toEqual(indices.slice(0, -1));
  });

  it('maps known values to hand-computed buckets', () => {
    // Prepare: ln(1000)/ln(1.04) = 6.907755/0.0392207 = 176.124 -> 176;
    // ln(100)/ln(1.04) = 117.42 -> 117; 1.04 itself is the start of bucket 1.
    // Act / Assess
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.04)).toBe(1);
    expect(bucketIndex(1.0399)).toBe(0);
    expect(bucketIndex(100)).toBe(117);
    expect(bucketIndex(1000)).toBe(176);
    // 1.04^176 = e^(176·0.0392207) = e^6.902846 = 995.10 <= 1000 < 1.04^177 = 1034.91
    expect(bucketLowerBound(176)).toBeCloseTo(995.1, 1);
    expect(bucketLowerBound(177)).toBeCloseTo(1034.91, 1);
  });

  it('records 0 ms and sub-millisecond values in bucket 0', () => {
    // Act / Assess
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.4)).toBe(0);
    expect(bucketValue(0)).toBeCloseTo(1.0198, 4);
  });

  it('handles huge values without overflow', () => {
    // Prepare: one day (8.64e7 ms) and 1e15 ms.
    // Act
    const day = bucketIndex(86_400_000);
    const huge = bucketIndex(1e15);

    // Assess: ln(8.64e7)/ln(1.04) = 18.2745/0.0392207 = 465.94 -> 465;
    // ln(1e15)/ln(1.04) = 34.5388/0.0392207 = 880.6 -> 880.
    expect(day).toBe(465);
    expect(huge).toBe(880);
    expect(Math.abs(bucketValue(day) / 86_400_000 - 1)).toBeLessThan(0.02);
  });

  it('rejects negative, NaN and infinite latencies', () => {
    // Act / Assess
    expect(() => bucketIndex(-1)).toThrow(RangeError);
    expect(() => bucketIndex(Number.NaN)).toThrow(RangeError);
    expect(() => bucketIndex(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('histogram operations', () => {
  it('merges by adding counts per bucket', () => {
    // Prepare
    const a = { '0': 2, '117': 3 };
    const b = { '117': 4, '176': 1 };

    // Act
    const merged = mergeHistograms(a, b);

    // Assess
    expect(merged).toEqual({ '0': 2, '117': 7, '176': 1 });
    expect(a).toEqual({ '0': 2, '117': 3 });
    expect(histogramCount(merged)).toBe(10);
  });

  it('builds the same histogram by recording one at a time or all at once', () => {
    // Prepare
    const values = [0, 100, 100, 1000, 5];

    // Act
    const incremental = values.reduce(recordLatency, {});
    const batch = histogramOf(values);

    // Assess
    expect(incremental).toEqual(batch);
    expect(batch).toEqual({ '0': 1, '41': 1, '117': 2, '176': 1 });
  });

  it('computes nearest ranks without floating-point creep', () => {
    // Act / Assess: 0.07 × 100 is 7.000000000000001 in binary floating point.
    expect(nearestRank(0.07, 100)).toBe(7);
    expect(nearestRank(0.95, 20)).toBe(19);
    expect(nearestRank(0.5, 3)).toBe(2);
    expect(nearestRank(0, 10)).toBe(1);
    expect(nearestRank(1, 10)).toBe(10);
  });

  it('returns null percentiles for an empty histogram and rejects q outside [0, 1]', () => {
    // Act / Assess
    expect(percentiles({})).toBeNull();
    expect(quantile({}, 0.5)).toBeNull();
    expect(() => quantile({ '1': 1 }, 1.5)).toThrow(RangeError);
  });

  it('reads quantiles by nearest rank over buckets', () => {
    // Prepare: 10 observations: 9 in bucket 117 (~100 ms), 1 in bucket 176 (~1000 ms).
    const hist = { '176': 1, '117': 9 };

    // Act
    const p50 = quantile(hist, 0.5);
    const p90 = quantile(hist, 0.9);
    const p95 = quantile(hist, 0.95);

    // Assess: ranks ⌈5⌉ = 5 and ⌈9⌉ = 9 fall in bucket 117, ⌈9.5⌉ = 10 in bucket 176.
    expect(p50).toBe(bucketValue(117));
    expect(p90).toBe(bucketValue(117));
    expect(p95).toBe(bucketValue(176));
  });

  it('parses stored histograms and rejects bad keys or counts', () => {
    // Act / Assess
    expect(HistogramSchema.safeParse({ '0': 1, '12': 3 }).success).toBe(true);
    expect(HistogramSchema.safeParse({ '-1': 1 }).success).toBe(false);
    expect(HistogramSchema.safeParse({ '01': 1 }).success).toBe(false);
    expect(HistogramSchema.safeParse({ '3': 1.5 }).success).toBe(false);
  });
});

describe('percentile accuracy on 10,000 synthetic latencies', () => {
  it('is within 2% of the exact nearest-rank p50, p95 and p99', () => {
    // Prepare: lognormal, median e^8 ≈ 2981 ms, sigma 0.6 (a long right tail).
    const sample = lognormalSample(10_000, 8, 0.6, 20_240_601);
    const sorted = [...sample].sort((a, b) => a - b);
    const hist = histogramOf(sample);

    // Act
    const p = percentiles(hist);

    // Assess
    expect(p).not.toBeNull();
    const exact = {
      p50: exactQuantile(sorted, 0.5),
      p95: exactQuantile(sorted, 0.95),
      p99: exactQuantile(sorted, 0.99),
    };
    expect(Math.abs((p?.p50 ?? 0) / exact.p50 - 1)).toBeLessThan(0.02);
    expect(Math.abs((p?.p95 ?? 0) / exact.p95 - 1)).toBeLessThan(0.02);
    expect(Math.abs((p?.p99 ?? 0) / exact.p99 - 1)).toBeLessThan(0.02);
    // The sample is what it claims: median near e^8, p95 near e^(8 + 1.645·0.6).
    expect(exact.p50).toBeGreaterThan(2800);
    expect(exact.p50).toBeLessThan(3150);
    expect(exact.p95).toBeGreaterThan(7500);
    expect(exact.p95).toBeLessThan(8800);
  });

  it('gives the same percentiles after splitting and merging the sample', () => {
    // Prepare
    const sample = lognormalSample(10_000, 6, 0.8, 7);
    const whole = histogramOf(sample);
    const merged = mergeHistograms(
      histogramOf(sample.slice(0, 3333)),
      histogramOf(sample.slice(3333)),
    );

    // Act / Assess
    expect(merged).toEqual(whole);
    expect(percentiles(merged)).toEqual(percentiles(whole));
  });
});
