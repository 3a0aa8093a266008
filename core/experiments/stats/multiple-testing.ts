/**
 * p-value adjustment across the secondary metrics of one experiment, so that
 * looking at several metrics does not make a chance "win" likely. Output order
 * matches input order; the values equal R's `p.adjust(p, "holm")` and
 * `p.adjust(p, "BH")`.
 */

export type AdjustmentMethod = 'holm' | 'benjamini-hochberg';

/**
 * Holm–Bonferroni step-down (Holm 1979), controls the family-wise error rate:
 * sort ascending, p₍ᵢ₎·(m − i + 1), running maximum, capped at 1.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  checkPValues(pValues);
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m).fill(0);
  let runningMax = 0;
  order.forEach((index, rank) => {
    const p = pValues[index] ?? 1;
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up (1995), controls the false discovery rate:
 * sort ascending, p₍ᵢ₎·m/i, running minimum from the largest, capped at 1.
 */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  checkPValues(pValues);
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m).fill(0);
  let runningMin = 1;
  for (let rank = m - 1; rank >= 0; rank -= 1) {
    const index = order[rank] ?? 0;
    const p = pValues[index] ?? 1;
    runningMin = Math.min(runningMin, (p * m) / (rank + 1));
    adjusted[index] = runningMin;
  }
  return adjusted;
}

/** Dispatches on the configured method. */
export function adjustPValues(pValues: readonly number[], method: AdjustmentMethod): number[] {
  return method === 'holm' ? holmAdjust(pValues) : benjaminiHochbergAdjust(pValues);
}

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => (pValues[i] ?? 1) - (pValues[j] ?? 1));
}

function checkPValues(pValues: readonly number[]): void {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
  }
}
