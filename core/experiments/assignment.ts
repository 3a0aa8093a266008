/**
 * Deterministic, sticky experiment assignment: a document id and an
 * experiment seed hash to a bucket in [0,1), and the bucket picks the arm.
 * The same document always lands in the same arm, so retries and redrives
 * keep their variant. The scheme follows GrowthBook's FNV-1a "v2" bucketing
 * (hash, re-hash the decimal string, 10,000 buckets), written from its spec.
 */

import * as z from 'zod/mini';

/** Number of buckets in [0,1): assignment resolution is 1e-4. */
const BUCKETS = 10_000;
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Tolerance on the sum of the weights. */
const WEIGHT_SUM_TOLERANCE = 0.001;
const utf8 = new TextEncoder();

/** How traffic is split: one weight per arm, and the share of documents enrolled at all. */
export interface Allocation {
  /** One weight per arm, each >= 0, summing to 1 (± 0.001). */
  readonly weights: readonly number[];
  /** Fraction of documents in the experiment, in [0,1]; the rest get no arm. */
  readonly coverage: number;
}

/** Half-open bucket range [start, end) owned by one arm. */
export interface BucketRange {
  readonly start: number;
  readonly end: number;
}

/** Input to `assignArm`. */
export interface AssignArmInput {
  /** Experiment seed (by default the experiment key); changing it re-randomises everyone. */
  readonly seed: string;
  readonly documentId: string;
  readonly allocation: Allocation;
  /** Arm names (e.g. prompt versions), in the same order as `allocation.weights`. */
  readonly arms: readonly string[];
}

/** An allocation (or arm list) that cannot be used to assign documents. */
export class InvalidAllocationError extends Error {
  override readonly name = 'InvalidAllocation';
}

/** zod schema for an allocation read from configuration or storage. */
export const AllocationSchema = z
  .object({
    weights: z.array(z.number().check(z.gte(0))).check(z.minLength(1)),
    coverage: z.number().check(z.gte(0), z.lte(1)),
  })
  .check(
    z.refine(
      (a) => Math.abs(a.weights.reduce((sum, w) => sum + w, 0) - 1) <= WEIGHT_SUM_TOLERANCE,
      {
        message: 'weights must sum to 1',
        path: ['weights'],
      },
    ),
  );

/** The allocations offered by the experiment tooling; all enrol every document. */
export const ALLOCATION_PRESETS = {
  '50/50': { weights: [0.5, 0.5], coverage: 1 },
  '80/20': { weights: [0.8, 0.2], coverage: 1 },
  '95/5': { weights: [0.95, 0.05], coverage: 1 },
} as const satisfies Record<string, Allocation>;

/** Name of an allocation preset. */
export type AllocationPreset = keyof typeof ALLOCATION_PRESETS;

/**
 * 32-bit FNV-1a over the string's UTF-8 bytes, as an unsigned integer.
 * UTF-8 (not UTF-16 code units) keeps the hash identical to byte-oriented
 * implementations in other languages; for ASCII ids both agree, so an ASCII
 * string is hashed from its char codes without encoding it first.
 */
export function fnv1a32(str: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < str.length; i += 1) {
    const code = str.charCodeAt(i);
    if (code > 0x7f) return fnv1a32Bytes(utf8.encode(str));
    hash ^= code;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * Bucket in [0,1) for a document in an experiment:
 * `fnv1a32(String(fnv1a32(seed + id))) % 10000 / 10000`. Hashing twice
 * decorrelates experiments that run side by side with different seeds.
 */
export function hashToUnit(seed: string, id: string): number {
  return (fnv1a32(String(fnv1a32(seed + id))) % BUCKETS) / BUCKETS;
}

/**
 * The bucket range each arm owns. Arm i starts at the cumulative sum of the
 * weights before it and covers `coverage x w_i` of its slot, so raising
 * coverage only adds documents and never moves an enrolled one; changing
 * weights does move documents and needs a new seed. Boundaries sit on the
 * 1e-4 bucket grid, so comparisons with `hashToUnit` are exact.
 *
 * @throws InvalidAllocationError when weights or coverage are out of range.
 */
export function bucketRanges(allocation: Allocation): BucketRange[] {
  const { weights, coverage } = parseAllocation(allocation);
  const ranges: BucketRange[] = [];
  let cumulative = 0;
  for (const weight of weights) {
    const startBucket = Math.round(cumulative * BUCKETS);
    cumulative += weight;
    const slotBuckets = Math.round(cumulative * BUCKETS) - startBucket;
    const endBucket = startBucket + Math.round(coverage * slotBuckets);
    ranges.push({ start: startBucket / BUCKETS, end: endBucket / BUCKETS });
  }
  return ranges;
}

/**
 * The arm a document is assigned to, or `null` when the document falls
 * outside the experiment's coverage (it then gets the default version and is
 * not analysed). Pure and deterministic: same inputs, same arm.
 *
 * @throws InvalidAllocationError for an invalid allocation, an arm list that
 *   does not match the weights, or an empty seed or document id.
 */
export function assignArm(input: AssignArmInput): string | null {
  const { seed, documentId, allocation, arms } = input;
  if (seed === '' || documentId === '') {
    throw new InvalidAllocationError('seed and documentId must be non-empty');
  }
  if (arms.length !== allocation.weights.length) {
    throw new InvalidAllocationError(
      `${arms.length} arms for ${allocation.weights.length} weights`,
    );
  }
  const unit = hashToUnit(seed, documentId);
  const index = bucketRanges(allocation).findIndex((r) => unit >= r.start && unit < r.end);
  return index === -1 ? null : (arms[index] ?? null);
}

function parseAllocation(allocation: Allocation): z.infer<typeof AllocationSchema> {
  const parsed = AllocationSchema.safeParse(allocation);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new InvalidAllocationError(`invalid allocation (${problems.join('; ')})`);
  }
  return parsed.data;
}
