/**
 * Small value types shared by the experiment statistics modules.
 */

/** A closed interval [lower, upper]. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Sample mean and unbiased (n − 1) sample variance of one arm. */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
  readonly n: number;
}

/** Running sums as kept in the roll-ups: count, Σx and Σx². */
export interface Sums {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}
