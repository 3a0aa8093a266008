/**
 * The distribution functions the experiment statistics need (normal, Student t,
 * chi-square) and midranks, in one place so the numeric library can be swapped or checked
 * without touching the tests that use them.
 */
import jStat from 'jstat';

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return jStat.normal.cdf(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p), for p in (0, 1). */
export function normalQuantile(p: number): number {
  assertOpenUnit(p, 'normalQuantile');
  return jStat.normal.inv(p, 0, 1);
}

/** Two-sided p-value of a z statistic: 2·(1 − Φ(|z|)). */
export function normalTwoSidedP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? Number.NaN : 0;
  // 2·Φ(−|z|) keeps precision in the far tail where 1 − Φ(|z|) would round to 0.
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** Student t CDF with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTCdf(t: number, df: number): number {
  assertPositive(df, 'studentTCdf df');
  return jStat.studentt.cdf(t, df);
}

/** Student t quantile for probability p in (0, 1). */
export function studentTQuantile(p: number, df: number): number {
  assertOpenUnit(p, 'studentTQuantile');
  assertPositive(df, 'studentTQuantile df');
  return jStat.studentt.inv(p, df);
}

/** Two-sided p-value of a t statistic: 2·F_t(−|t|, df). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0;
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

/** Chi-square survival function P(X² ≥ x) with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  assertPositive(df, 'chiSquareSurvival df');
  if (x <= 0) return 1;
  return Math.max(0, 1 - jStat.chisquare.cdf(x, df));
}

function assertOpenUnit(p: number, what: string): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${what}: probability must be in (0, 1), got ${p}`);
}

function assertPositive(x: number, what: string): void {
  if (!(x > 0)) throw new RangeError(`${what} must be positive, got ${x}`);
}

/** Ranks from 1 in ascending order; tied values share the mean of the ranks they span (midranks). */
export function midRanks(values: readonly number[]): number[] {
  return jStat.rank(values);
}
