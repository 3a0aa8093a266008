/**
 * Paired bootstrap of the micro-F1 difference between two prompt versions run
 * on the same documents: is "0.84 vs 0.81" a real difference or noise?
 * Documents are resampled with replacement, keeping each document's two
 * results together, and micro F1 is recomputed from the summed counts of each
 * resample (F1 is not an average of per-document F1s, so the counts are
 * resampled, not the scores). Seeded, so a report can be reproduced.
 */

import { microF1 } from './metrics.ts';
import { addCounts, NO_OUTCOMES, type OutcomeCounts } from './outcomes.ts';

/** Settings of a paired bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples, e.g. 2000. */
  readonly iterations: number;
  /** Seed of the resampling; the same seed gives the same interval. */
  readonly seed: string | number;
  /** Two-sided confidence level of the percentile interval; default 0.95. */
  readonly confidence?: number;
}

/** `better`: B beats A (the interval lies above 0); `worse`: below 0; otherwise `inconclusive`. */
export type BootstrapVerdict = 'better' | 'worse' | 'inconclusive';

/** Result of a paired bootstrap of micro-F1(B) - micro-F1(A). */
export interface BootstrapResult {
  /** micro-F1(B) - micro-F1(A) on the documents as given. */
  readonly difference: number;
  /** Percentile interval of the difference: [lower, upper]. */
  readonly interval: readonly [number, number];
  readonly confidence: number;
  readonly iterations: number;
  readonly documents: number;
  readonly verdict: BootstrapVerdict;
}

/** 32-bit FNV-1a of a string: turns a text seed into a PRNG state. */
function hashSeed(seed: string | number): number {
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32 (Tommy Ettinger): small, fast, good enough for resampling indices. */
function mulberry32(state: number): () => number {
  let a = state;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile of sorted values with linear interpolation (Hyndman & Fan type 7). */
function quantile(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
}

function sum(counts: readonly OutcomeCounts[]): OutcomeCounts {
  return counts.reduce(addCounts, NO_OUTCOMES);
}

/**
 * Paired bootstrap confidence interval of micro-F1(B) - micro-F1(A), where
 * `a[i]` and `b[i]` are the summed outcome counts of the same document under
 * versions A and B. The verdict is `better`/`worse` only when the interval
 * excludes 0.
 * @throws RangeError when the lists differ in length or are empty, or the options are out of range.
 */
export function pairedBootstrap(
  a: readonly OutcomeCounts[],
  b: readonly OutcomeCounts[],
  options: BootstrapOptions,
): BootstrapResult {
  const confidence = options.confidence ?? 0.95;
  if (a.length !== b.length) throw new RangeError('paired samples differ in length');
  if (a.length === 0) throw new RangeError('no documents to resample');
  if (!Number.isInteger(options.iterations) || options.iterations < 1) {
    throw new RangeError('iterations must be a positive integer');
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');

  const random = mulberry32(hashSeed(options.seed));
  const n = a.length;
  const differences: number[] = [];
  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    let sampleA = NO_OUTCOMES;
    let sampleB = NO_OUTCOMES;
    for (let draw = 0; draw < n; draw += 1) {
      const index = Math.floor(random() * n);
      sampleA = addCounts(sampleA, a[index] ?? NO_OUTCOMES);
      sampleB = addCounts(sampleB, b[index] ?? NO_OUTCOMES);
    }
    differences.push(microF1(sampleB) - microF1(sampleA));
  }
  differences.sort((x, y) => x - y);

  const tail = (1 - confidence) / 2;
  const lower = quantile(differences, tail);
  const upper = quantile(differences, 1 - tail);
  const verdict: BootstrapVerdict = lower > 0 ? 'better' : upper < 0 ? 'worse' : 'inconclusive';
  return {
    difference: microF1(sum(b)) - microF1(sum(a)),
    interval: [lower, upper],
    confidence,
    iterations: options.iterations,
    documents: n,
    verdict,
  };
}
