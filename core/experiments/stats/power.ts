/**
 * Planning numbers: how many documents per arm a fixed-horizon test needs to
 * detect the minimum detectable effect, so "keep running" can say how long.
 */
import { normalQuantile } from './distributions.ts';
import { assertAlpha } from './proportions.ts';

/** Inputs of {@link sampleSizePerArm}. */
export interface SampleSizeInput {
  /** Per-observation variance in the control arm. */
  readonly varianceControl: number;
  /** Per-observation variance expected in the treatment arm. */
  readonly varianceTreatment: number;
  /** Absolute difference to detect (for a relative MDE: MDE·|control mean|). */
  readonly delta: number;
  readonly alpha: number;
  /** Probability of detecting delta when it is real; 0.8 by convention. */
  readonly power?: number;
}

/**
 * Two-sided normal-approximation sample size per arm (equal arms):
 * n = (z₁₋α/₂ + z_power)² · (σ²C + σ²T) / δ², rounded up.
 * Returns null when delta is 0 (nothing to detect).
 */
export function sampleSizePerArm(input: SampleSizeInput): number | null {
  const { varianceControl, varianceTreatment, delta, alpha, power = 0.8 } = input;
  assertAlpha(alpha);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (!(varianceControl >= 0 && varianceTreatment >= 0)) {
    throw new RangeError('sampleSizePerArm: variances must be non-negative');
  }
  if (delta === 0 || !Number.isFinite(delta)) return null;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((z * z * (varianceControl + varianceTreatment)) / (delta * delta));
}
