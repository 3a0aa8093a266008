/**
 * Mean metrics (completeness, cost per document, tokens): moments recovered
 * from the roll-up sums, and Welch's unequal-variance t test on the difference
 * of arm means, with the relative lift by the delta method.
 */
import { studentTQuantile, studentTTwoSidedP } from './distributions.ts';
import { assertAlpha, relativeVariance } from './proportions.ts';
import type { Interval, Moments } from './types.ts';

/**
 * Mean and unbiased sample variance from n, Σx and Σx²:
 * mean = Σx/n, variance = (Σx² − (Σx)²/n)/(n − 1).
 * Needs n ≥ 2. Rounding in the subtraction can leave a tiny negative number
 * when all values are equal; that is clamped to 0.
 */
export function momentsFromSums(n: number, sum: number, sumSq: number): Moments {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`momentsFromSums needs an integer n >= 2, got ${n}`);
  }
  if (!Number.isFinite(sum) || !Number.isFinite(sumSq) || sumSq < 0) {
    throw new RangeError('momentsFromSums: sums must be finite and sumSq non-negative');
  }
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
  return { mean, variance, n };
}

/** Outcome of {@link welchTest}; all differences are b − a (treatment − control). */
export interface WelchResult {
  readonly diff: number;
  /** √(σ²a/na + σ²b/nb). */
  readonly se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** diff / se; ±Infinity when both variances are 0 and the means differ. */
  readonly t: number;
  /** Two-sided p-value from Student t with df degrees of freedom. */
  readonly pValue: number;
  /** diff ± t(1 − α/2, df)·se. */
  readonly ci: Interval;
  /** (μb − μa)/μa; null when μa is 0. */
  readonly relativeLift: number | null;
  /** Delta-method standard error of relativeLift. */
  readonly relativeSe: number | null;
  /** relativeLift ± t(1 − α/2, df)·relativeSe. */
  readonly relativeCi: Interval | null;
}

/**
 * Welch's two-sample t test on b − a (Welch 1947), with the relative lift
 * (μb − μa)/μa and its delta-method variance
 * σ²b/(μa²·nb) + σ²a·μb²/(μa⁴·na), read off the same t distribution as
 * GrowthBook's frequentist engine does.
 */
export function welchTest(a: Moments, b: Moments, alpha = 0.05): WelchResult {
  assertAlpha(alpha);
  for (const arm of [a, b]) {
    if (!Number.isInteger(arm.n) || arm.n < 2)
      throw new RangeError('welchTest needs n >= 2 per arm');
    if (!(arm.variance >= 0)) throw new RangeError('welchTest: variance must be non-negative');
  }
  const diff = b.mean - a.mean;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);

  if (se === 0) {
    // Both arms constant: the difference is known exactly.
    const t = diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY;
    const relativeLift = a.mean === 0 ? null : diff / a.mean;
    const point = (x: number): Interval => ({ lower: x, upper: x });
    return {
      diff,
      se,
      df: a.n + b.n - 2,
      t,
      pValue: diff === 0 ? 1 : 0,
      ci: point(diff),
      relativeLift,
      relativeSe: relativeLift === null ? null : 0,
      relativeCi: relativeLift === null ? null : point(relativeLift),
    };
  }

  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = diff / se;
  const pValue = studentTTwoSidedP(t, df);
  const tCrit = studentTQuantile(1 - alpha / 2, df);
  const ci = { lower: diff - tCrit * se, upper: diff + tCrit * se };

  let relativeLift: number | null = null;
  let relativeSe: number | null = null;
  let relativeCi: Interval | null = null;
  if (a.mean !== 0) {
    relativeLift = diff / a.mean;
    relativeSe = Math.sqrt(relativeVariance(a.mean, a.variance, a.n, b.mean, b.variance, b.n));
    relativeCi = {
      lower: relativeLift - tCrit * relativeSe,
      upper: relativeLift + tCrit * relativeSe,
    };
  }
  return { diff, se, df, t, pValue, ci, relativeLift, relativeSe, relativeCi };
}
