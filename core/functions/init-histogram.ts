/**
 * Cold-start distribution: counts of init durations in fixed millisecond
 * buckets, the same edges for every function and every source, so the
 * Functions page can draw one histogram per function and compare them.
 */

/** Bucket lower edges in ms; the last bucket is open-ended. */
export const INIT_BUCKET_EDGES_MS = [
  0, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
] as const;

export interface InitBucket {
  /** Inclusive lower edge, ms. */
  readonly fromMs: number;
  /** Exclusive upper edge, ms; null for the open last bucket. */
  readonly toMs: number | null;
  readonly count: number;
}

/**
 * The histogram of the given init durations over every bucket (empty ones
 * included, so charts share one x axis). Negative values count in the first.
 */
export const initHistogram = (initDurationsMs: readonly number[]): InitBucket[] => {
  const counts: number[] = INIT_BUCKET_EDGES_MS.map(() => 0);
  for (const value of initDurationsMs) {
    let index = 0;
    for (let i = INIT_BUCKET_EDGES_MS.length - 1; i >= 0; i -= 1) {
      if (value >= (INIT_BUCKET_EDGES_MS[i] ?? 0)) {
        index = i;
        break;
      }
    }
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return INIT_BUCKET_EDGES_MS.map((fromMs, i) => ({
    fromMs,
    toMs: INIT_BUCKET_EDGES_MS[i + 1] ?? null,
    count: counts[i] ?? 0,
  }));
};
