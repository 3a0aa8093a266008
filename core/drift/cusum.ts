/**
 * Page's CUSUM over hourly batches of log-likelihood ratios, and the
 * threshold that bounds how often a chart with no drift sits above it.
 *
 * A chart tests "no change" against "a shift of a stated size". Each hour
 * contributes the log-likelihood ratio of that hour's documents; the
 * statistic is S_t = max(0, S_{t-1} + llr_t). Under no drift exp(Σ llr) over
 * any run of hours ending at t is a non-negative martingale with mean 1 (read
 * backwards from t), so by Ville's inequality P(S_t ≥ h) ≤ e^{-h} at every
 * hour t, however many hours were looked at before. Starting the sum at the
 * start of a window can only lower S_t, so the bound holds for windowed
 * recomputation too. Run hourly over C charts, the expected number of
 * chart-hours in a finding with no drift is at most C · hours · e^{-h}; the
 * threshold is chosen to make that a stated budget per year.
 */

/** Hours in a (non-leap) year: the unit of the false-alarm budget. */
export const HOURS_PER_YEAR = 8760;

/**
 * Threshold h with charts · HOURS_PER_YEAR · e^{-h} = budget, i.e. at most
 * `falseAlarmHoursPerYear` chart-hours in a finding per year with no drift.
 */
export const cusumThreshold = (charts: number, falseAlarmHoursPerYear: number): number => {
  if (!(charts >= 1) || !Number.isInteger(charts)) {
    throw new RangeError(`charts must be a positive integer, got ${charts}`);
  }
  if (!(falseAlarmHoursPerYear > 0)) {
    throw new RangeError(`false-alarm budget must be positive, got ${falseAlarmHoursPerYear}`);
  }
  return Math.max(0, Math.log((charts * HOURS_PER_YEAR) / falseAlarmHoursPerYear));
};

/** The path of one CUSUM over a window of hours. */
export interface CusumPath {
  /** S_t after each hour, oldest first. */
  readonly statistics: readonly number[];
  /** Statistic after the last hour. */
  readonly last: number;
  /**
   * Index of the first hour of the current excursion above zero (the CUSUM
   * estimate of when the change began), or null when the statistic is zero.
   */
  readonly excursionStart: number | null;
}

/** Runs the recursion S_t = max(0, S_{t-1} + llr_t) from S = 0. */
export const cusum = (llrs: readonly number[]): CusumPath => {
  const statistics: number[] = [];
  let s = 0;
  let excursionStart: number | null = null;
  llrs.forEach((llr, index) => {
    if (!Number.isFinite(llr)) throw new RangeError(`log-likelihood ratio ${llr} at ${index}`);
    const next = Math.max(0, s + llr);
    if (next === 0) excursionStart = null;
    else if (s === 0) excursionStart = index;
    s = next;
    statistics.push(s);
  });
  return { statistics, last: s, excursionStart };
};

/**
 * Log-likelihood ratio of n observations with sum `sum` under N(μ0 + δ, σ²)
 * against N(μ0, σ²): (δ/σ²)·(sum − n·μ0 − n·δ/2). Needs only n and the sum,
 * which is what the roll-ups keep.
 */
export const normalShiftLlr = (
  n: number,
  sum: number,
  mu0: number,
  sigma: number,
  delta: number,
): number => {
  if (n === 0) return 0;
  if (!(sigma > 0)) throw new RangeError(`sigma must be positive, got ${sigma}`);
  return (delta / (sigma * sigma)) * (sum - n * mu0 - (n * delta) / 2);
};

/**
 * Log-likelihood ratio of `hits` out of `n` under Bernoulli(p1) against
 * Bernoulli(p0). Both probabilities must lie strictly inside (0, 1).
 */
export const bernoulliShiftLlr = (hits: number, n: number, p0: number, p1: number): number => {
  if (n === 0) return 0;
  for (const p of [p0, p1]) {
    if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  }
  return hits * Math.log(p1 / p0) + (n - hits) * Math.log((1 - p1) / (1 - p0));
};
