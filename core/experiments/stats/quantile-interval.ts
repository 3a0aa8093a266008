/**
 * Confidence interval for a latency quantile of one arm, read from its
 * histogram: the order statistics at ranks n·q ± z·√(n·q(1 − q)) (normal
 * approximation to the binomial count below the quantile; Conover,
 * "Practical Nonparametric Statistics", §3.2; the unclustered case of Deng,
 * Knoblich & Lu 2018). Ranks are rounded outwards, so the interval is
 * slightly conservative, and values carry the histogram's ±2 % bucket error.
 */
import { type Histogram, histogramCount, valueAtRank } from '#core/metrics/histogram.ts';
import { normalQuantile } from './distributions.ts';
import { assertAlpha } from './proportions.ts';
import type { Interval } from './types.ts';

/** Rank bounds (1-based, clamped to [1, n]) of the two-sided (1 − α) interval. */
export function quantileRankBounds(n: number, q: number, alpha: number): Interval {
  assertAlpha(alpha);
  if (!(q > 0 && q < 1)) throw new RangeError(`q must be in (0, 1), got ${q}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const z = normalQuantile(1 - alpha / 2);
  const centre = n * q;
  const half = z * Math.sqrt(n * q * (1 - q));
  return {
    lower: Math.min(n, Math.max(1, Math.floor(centre - half))),
    upper: Math.min(n, Math.max(1, Math.ceil(centre + half))),
  };
}

/** Interval for quantile q from a histogram, or null when it is empty. */
export function quantileInterval(hist: Histogram, q: number, alpha: number): Interval | null {
  const n = histogramCount(hist);
  if (n === 0) return null;
  const ranks = quantileRankBounds(n, q, alpha);
  const lower = valueAtRank(hist, ranks.lower);
  const upper = valueAtRank(hist, ranks.upper);
  if (lower === null || upper === null) return null;
  return { lower, upper };
}
