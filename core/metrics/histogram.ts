/**
 * Log-bucketed latency histogram: the shape latency takes in the DynamoDB
 * roll-ups (a map of bucket index to count), so percentiles can be read from
 * hourly aggregates and merged across hours and arms without keeping samples.
 *
 * Bucket i covers [BASE^i, BASE^(i+1)) milliseconds and is reported as its
 * geometric midpoint BASE^(i+½). Any value in the bucket is then within a factor
 * √BASE of the representative, so with BASE = 1.04 the relative error is at
 * most √1.04 − 1 ≈ 1.98 % (and 1 − 1/√1.04 ≈ 1.94 % on the low side). A
 * 1 ms .. 1 h range needs ln(3.6e6)/ln(1.04) ≈ 386 buckets, far below the
 * DynamoDB item limit, and real traffic fills only a few dozen of them.
 */
import * as z from 'zod/mini';

/** Growth factor between bucket boundaries. */
export const HISTOGRAM_BASE = 1.04;

/** Worst-case relative error of a reported value: √BASE − 1. */
export const HISTOGRAM_MAX_RELATIVE_ERROR = Math.sqrt(HISTOGRAM_BASE) - 1;

const LN_BASE = Math.log(HISTOGRAM_BASE);

/** Bucket index (decimal integer string, >= 0) -> number of observations. */
export type Histogram = Readonly<Record<string, number>>;

/** Latency percentiles in milliseconds (bucket representatives). */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Parses a histogram read from storage: integer bucket keys, non-negative integer counts. */
export const HistogramSchema = z.record(
  z.string().check(z.regex(/^(0|[1-9]\d*)$/, 'bucket index must be a non-negative integer')),
  z.int().check(z.nonnegative()),
);

/**
 * Bucket that holds `ms`. Sub-millisecond values (including 0) share bucket 0
 * with [1, 1.04) ms: timings are whole milliseconds and nothing in the pipeline
 * is that fast, so a separate underflow bucket would add a special case for no
 * information. Throws RangeError for negative, NaN or infinite input.
 */
export function bucketIndex(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`latency must be a finite, non-negative number of ms, got ${ms}`);
  }
  if (ms < 1) return 0;
  let i = Math.floor(Math.log(ms) / LN_BASE);
  // log() rounding can land one bucket off exactly at a boundary; correct it
  // against the same pow() that defines the boundaries.
  if (bucketLowerBound(i) > ms) i -= 1;
  else if (bucketLowerBound(i + 1) <= ms) i += 1;
  return i;
}

/** Inclusive lower boundary of bucket `i` in ms: BASE^i. */
export function bucketLowerBound(i: number): number {
  return HISTOGRAM_BASE ** i;
}

/** Representative value of bucket `i` in ms: the geometric midpoint BASE^(i+½). */
export function bucketValue(i: number): number {
  return HISTOGRAM_BASE ** (i + 0.5);
}

/** A histogram with one more observation of `ms`. */
export function recordLatency(hist: Histogram, ms: number): Histogram {
  const key = String(bucketIndex(ms));
  return { ...hist, [key]: (hist[key] ?? 0) + 1 };
}

/** Builds a histogram from raw latencies. */
export function histogramOf(latenciesMs: Iterable<number>): Histogram {
  const counts: Record<string, number> = {};
  for (const ms of latenciesMs) {
    const key = String(bucketIndex(ms));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Sum of two histograms (hours into a day, or arms into a total). */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  const merged: Record<string, number> = { ...a };
  for (const [key, count] of Object.entries(b)) {
    merged[key] = (merged[key] ?? 0) + count;
  }
  return merged;
}

/** Number of observations in a histogram. */
export function histogramCount(hist: Histogram): number {
  let total = 0;
  for (const count of Object.values(hist)) total += count;
  return total;
}

/**
 * Representative value of the observation at 1-based `rank` (ascending), or
 * null when the histogram holds fewer than `rank` observations.
 */
export function valueAtRank(hist: Histogram, rank: number): number | null {
  let seen = 0;
  for (const [index, count] of sortedBuckets(hist)) {
    seen += count;
    if (seen >= rank) return bucketValue(index);
  }
  return null;
}

/**
 * Nearest-rank quantile: the representative value of the bucket holding the
 * observation of rank ⌈q·N⌉ (at least 1). Because bucketing is monotone, this
 * is the bucket of the exact nearest-rank sample quantile, so the result is
 * within HISTOGRAM_MAX_RELATIVE_ERROR of it. Returns null for an empty histogram.
 */
export function quantile(hist: Histogram, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const total = histogramCount(hist);
  if (total === 0) return null;
  return valueAtRank(hist, nearestRank(q, total));
}

/**
 * ⌈q·n⌉ (at least 1), computed so that binary rounding cannot push an exact
 * product up a rank (0.07 × 100 is 7.000000000000001 in floating point).
 */
export function nearestRank(q: number, n: number): number {
  const product = Number((q * n).toPrecision(12));
  return Math.min(n, Math.max(1, Math.ceil(product)));
}

/** p50, p95 and p99 in ms, or null for an empty histogram. */
export function percentiles(hist: Histogram): LatencyPercentiles | null {
  const p50 = quantile(hist, 0.5);
  const p95 = quantile(hist, 0.95);
  const p99 = quantile(hist, 0.99);
  if (p50 === null || p95 === null || p99 === null) return null;
  return { p50, p95, p99 };
}

function sortedBuckets(hist: Histogram): [number, number][] {
  return Object.entries(hist)
    .map(([key, count]): [number, number] => [Number(key), count])
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
}
