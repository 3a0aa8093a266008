/**
 * Sample ratio mismatch (SRM) check: does the traffic each arm received match
 * the configured weights? A mismatch means assignment or logging is broken, so
 * every other number in the analysis is suspect and no decision is made.
 *
 * Pearson chi-square goodness of fit against the configured weights, as in
 * GrowthBook's `check_srm`: unhealthy at p < 0.001, no verdict below 8
 * documents per arm.
 */
import { chiSquareSurvival } from './distributions.ts';

/** p-value below which the split is declared broken. */
export const SRM_P_THRESHOLD = 0.001;

/** Fewer documents than this in an arm gives no verdict. */
export const SRM_MIN_PER_ARM = 8;

export type SrmStatus = 'healthy' | 'unhealthy' | 'not-enough-traffic';

/** Outcome of {@link srmCheck}. */
export interface SrmResult {
  /** Pearson statistic Σ (observed − expected)² / expected. */
  readonly chi2: number;
  /** Degrees of freedom: number of arms with positive weight, minus one. */
  readonly df: number;
  /** P(X²_df ≥ chi2). */
  readonly pValue: number;
  /** Expected count per arm, in input order (0 for arms with weight 0). */
  readonly expected: readonly number[];
  readonly status: SrmStatus;
}

/**
 * Chi-square goodness-of-fit of `counts` against `weights` (any positive
 * scale; they are normalised). Arms with weight 0 are left out of the test.
 *
 * Status: 'not-enough-traffic' while any arm expects fewer than 8 documents;
 * otherwise 'unhealthy' when p < 0.001; otherwise 'not-enough-traffic' while
 * any arm has observed fewer than 8; else 'healthy'. The expected count is
 * checked before the p-value so that an arm that receives nothing while
 * hundreds were expected (a broken assignment) is reported as unhealthy
 * rather than hidden behind "not enough traffic".
 */
export function srmCheck(counts: readonly number[], weights: readonly number[]): SrmResult {
  if (counts.length !== weights.length) {
    throw new RangeError(`srmCheck: ${counts.length} counts but ${weights.length} weights`);
  }
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(`srmCheck: counts must be non-negative integers, got ${c}`);
    }
  }
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) {
      throw new RangeError(`srmCheck: weights must be finite and non-negative, got ${w}`);
    }
  }
  const arms = counts
    .map((count, i) => ({ count, weight: weights[i] ?? 0 }))
    .filter((arm) => arm.weight > 0);
  if (arms.length < 2) throw new RangeError('srmCheck: needs at least two arms with weight > 0');

  const totalWeight = arms.reduce((s, a) => s + a.weight, 0);
  const total = arms.reduce((s, a) => s + a.count, 0);
  const expected = counts.map((_, i) => {
    const w = weights[i] ?? 0;
    return w > 0 ? (w / totalWeight) * total : 0;
  });

  let chi2 = 0;
  for (const arm of arms) {
    const e = (arm.weight / totalWeight) * total;
    if (e > 0) chi2 += (arm.count - e) ** 2 / e;
  }
  const df = arms.length - 1;
  const pValue = total === 0 ? 1 : chiSquareSurvival(chi2, df);

  const minExpected = Math.min(...arms.map((a) => (a.weight / totalWeight) * total));
  const minObserved = Math.min(...arms.map((a) => a.count));
  let status: SrmStatus;
  if (minExpected < SRM_MIN_PER_ARM) status = 'not-enough-traffic';
  else if (pValue < SRM_P_THRESHOLD) status = 'unhealthy';
  else if (minObserved < SRM_MIN_PER_ARM) status = 'not-enough-traffic';
  else status = 'healthy';

  return { chi2, df, pValue, expected, status };
}
