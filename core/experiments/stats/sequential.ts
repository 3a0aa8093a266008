/**
 * Always-valid ("sequential") intervals and p-values, so a running experiment
 * can be looked at every hour without inflating false positives. These are the
 * asymptotic confidence sequences of Waudby-Smith et al. (arXiv 2103.06476),
 * tuned as GrowthBook does: the sequence is tightest near the expected total
 * sample size N*, fixed per experiment before it starts.
 *
 * Notation: n is the total sample size over both arms, SE the standard error
 * of the estimate (difference or relative lift) and σ̂² = n·SE² the
 * per-observation variance the paper's formulas use.
 */
import { assertAlpha } from './proportions.ts';
import type { Interval } from './types.ts';

/** Shared arguments: estimate's standard error, total n, level and tuning N*. */
export interface SequentialParams {
  readonly se: number;
  readonly n: number;
  readonly alpha: number;
  /** N*: total documents (both arms) at which a decision is expected. */
  readonly expectedTotal: number;
}

/** Mixing parameter ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*) (paper eq. 161). */
export function sequentialRho(alpha: number, expectedTotal: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(expectedTotal > 0))
    throw new RangeError(`expectedTotal must be positive, got ${expectedTotal}`);
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / expectedTotal);
}

/**
 * Two-sided half-width (paper eq. 9):
 * σ̂·√( 2(nρ²+1)/(n²ρ²) · ln(√(nρ²+1)/α) ).
 */
export function sequentialHalfWidth({ se, n, alpha, expectedTotal }: SequentialParams): number {
  checkParams(se, n, alpha);
  const rho = sequentialRho(alpha, expectedTotal);
  return widthFactor(se, n, rho) * Math.sqrt(Math.log(Math.sqrt(n * rho * rho + 1) / alpha));
}

/**
 * One-sided half-width for guardrails (paper eq. 134, ρ tuned with 2α):
 * σ̂·√( 2(nρ²+1)/(n²ρ²) · ln(1 + √(nρ²+1)/(2α)) ).
 */
export function sequentialHalfWidthOneSided({
  se,
  n,
  alpha,
  expectedTotal,
}: SequentialParams): number {
  checkParams(se, n, alpha);
  const rho = sequentialRho(2 * alpha, expectedTotal);
  return (
    widthFactor(se, n, rho) * Math.sqrt(Math.log(1 + Math.sqrt(n * rho * rho + 1) / (2 * alpha)))
  );
}

/** estimate ± {@link sequentialHalfWidth}. */
export function sequentialInterval(estimate: number, params: SequentialParams): Interval {
  const half = sequentialHalfWidth(params);
  return { lower: estimate - half, upper: estimate + half };
}

/**
 * Always-valid two-sided p-value (paper eq. 155 form): with z = estimate/SE,
 * E = (nρ²+1)^(−½)·exp(ρ²·n·z² / (2(nρ²+1))) and p = min(1, 1/E).
 * Computed in log space so strong evidence gives a tiny p, not 1/Infinity
 * arithmetic. It is exactly 1 until evidence builds up; that is expected.
 */
export function alwaysValidPValue(estimate: number, params: SequentialParams): number {
  const { se, n, alpha, expectedTotal } = params;
  checkParams(se, n, alpha);
  if (se === 0) return estimate === 0 ? 1 : 0;
  const rho = sequentialRho(alpha, expectedTotal);
  const z = estimate / se;
  const k = n * rho * rho + 1;
  const logE = (rho * rho * n * z * z) / (2 * k) - 0.5 * Math.log(k);
  return logE <= 0 ? 1 : Math.exp(-logE);
}

/** σ̂·√(2(nρ²+1)/(n²ρ²)) with σ̂ = √n·SE. */
function widthFactor(se: number, n: number, rho: number): number {
  const sigma = Math.sqrt(n) * se;
  return sigma * Math.sqrt((2 * (n * rho * rho + 1)) / (n * n * rho * rho));
}

function checkParams(se: number, n: number, alpha: number): void {
  assertAlpha(alpha);
  if (!(se >= 0) || !Number.isFinite(se))
    throw new RangeError(`se must be finite and >= 0, got ${se}`);
  if (!(n >= 1)) throw new RangeError(`n must be >= 1, got ${n}`);
}
