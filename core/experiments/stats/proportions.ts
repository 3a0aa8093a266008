/**
 * Proportion metrics (success rate, all-required-present rate): Wilson score
 * intervals for one arm, and the two-proportion comparison between arms.
 */
import { normalQuantile, normalTwoSidedP } from './distributions.ts';
import type { Interval } from './types.ts';

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998
 * method 3). Unlike the Wald interval it stays inside [0, 1] and keeps its
 * coverage at 0 or n successes and in small arms, such as a 5 % canary.
 */
export function wilsonInterval(successes: number, n: number, alpha = 0.05): Interval {
  assertCounts(successes, n);
  assertAlpha(alpha);
  if (n === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/** Outcome of {@link twoProportionTest}; arm 1 is control, arm 2 treatment. */
export interface TwoProportionResult {
  readonly rate1: number;
  readonly rate2: number;
  /** rate2 − rate1. */
  readonly diff: number;
  /** Pooled z statistic: diff / √(p̄(1 − p̄)(1/n1 + 1/n2)). */
  readonly z: number;
  /** Two-sided p-value of the pooled z test (equals R `prop.test(correct = FALSE)`). */
  readonly pValue: number;
  /** Newcombe hybrid score interval for diff (Newcombe 1998 method 10). */
  readonly ci: Interval;
  /** Unpooled standard error of diff, √(p1(1 − p1)/n1 + p2(1 − p2)/n2). */
  readonly se: number;
  /** (rate2 − rate1) / rate1; null when rate1 is 0. */
  readonly relativeLift: number | null;
  /** Delta-method standard error of relativeLift. */
  readonly relativeSe: number | null;
  /** relativeLift ± z·relativeSe. */
  readonly relativeCi: Interval | null;
}

/**
 * Compares two proportions x1/n1 (control) and x2/n2 (treatment).
 *
 * The p-value is the classical pooled z test. The interval for the difference
 * is Newcombe's hybrid score interval built from the two Wilson intervals: it
 * keeps nominal coverage for small arms and rates near 0 or 1, where the Wald
 * interval collapses. The two can disagree at the margin; decisions use the
 * p-value. The relative lift uses the delta method with σ² = p(1 − p), the same
 * machinery as {@link welchTest} for means.
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  alpha = 0.05,
): TwoProportionResult {
  assertCounts(x1, n1);
  assertCounts(x2, n2);
  assertAlpha(alpha);
  if (n1 === 0 || n2 === 0) throw new RangeError('twoProportionTest: both arms need n > 0');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const diff = p2 - p1;

  const pooled = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se0 === 0 ? 0 : diff / se0;
  const pValue = se0 === 0 ? 1 : normalTwoSidedP(z);

  const w1 = wilsonInterval(x1, n1, alpha);
  const w2 = wilsonInterval(x2, n2, alpha);
  const ci = {
    lower: diff - Math.sqrt((p2 - w2.lower) ** 2 + (w1.upper - p1) ** 2),
    upper: diff + Math.sqrt((w2.upper - p2) ** 2 + (p1 - w1.lower) ** 2),
  };

  const v1 = p1 * (1 - p1);
  const v2 = p2 * (1 - p2);
  const se = Math.sqrt(v1 / n1 + v2 / n2);

  let relativeLift: number | null = null;
  let relativeSe: number | null = null;
  let relativeCi: Interval | null = null;
  if (p1 > 0) {
    relativeLift = diff / p1;
    relativeSe = Math.sqrt(relativeVariance(p1, v1, n1, p2, v2, n2));
    const zCrit = normalQuantile(1 - alpha / 2);
    relativeCi = {
      lower: relativeLift - zCrit * relativeSe,
      upper: relativeLift + zCrit * relativeSe,
    };
  }
  return { rate1: p1, rate2: p2, diff, z, pValue, ci, se, relativeLift, relativeSe, relativeCi };
}

/**
 * Delta-method variance of (μT − μC)/μC for independent arms:
 * σ²T/(μC²·nT) + σ²C·μT²/(μC⁴·nC). Shared by proportions and means.
 */
export function relativeVariance(
  meanC: number,
  varC: number,
  nC: number,
  meanT: number,
  varT: number,
  nT: number,
): number {
  return varT / (meanC ** 2 * nT) + (varC * meanT ** 2) / (meanC ** 4 * nC);
}

function assertCounts(successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes must be an integer in [0, n], got ${successes} of ${n}`);
  }
}

/** Throws unless alpha is a usable significance level in (0, 0.5]. */
export function assertAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 0.5)) throw new RangeError(`alpha must be in (0, 0.5], got ${alpha}`);
}
