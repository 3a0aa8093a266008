/**
 * Seeded pseudo-random numbers for the corpus generator, so the same seed
 * always produces byte-identical documents and truth files. mulberry32 over a
 * 32-bit FNV-1a hash of a text seed: tiny, fast, and stable across Node
 * versions (unlike Math.random, which cannot be seeded).
 */

/** 32-bit FNV-1a hash of a string. */
export function hashSeed(seed: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seeded stream of random choices. */
export class Random {
  #state: number;

  constructor(seed: string) {
    this.#state = hashSeed(seed);
  }

  /** Uniform in [0, 1) (mulberry32, Tommy Ettinger). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Number in [min, max) rounded to `decimals`. */
  real(min: number, max: number, decimals: number): number {
    const factor = 10 ** decimals;
    return Math.round((min + this.next() * (max - min)) * factor) / factor;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  /** One value, with probability proportional to its weight. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + Math.max(0, weight), 0);
    let target = this.next() * total;
    for (const [value, weight] of options) {
      if (weight <= 0) continue;
      target -= weight;
      if (target < 0) return value;
    }
    const last = options.findLast(([, weight]) => weight > 0);
    if (last === undefined) throw new RangeError('no positive weight');
    return last[0];
  }

  /** A copy in random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.next() * (index + 1));
      const held = copy[index];
      const swapped = copy[other];
      if (held === undefined || swapped === undefined) continue;
      copy[index] = swapped;
      copy[other] = held;
    }
    return copy;
  }

  /** `count` distinct elements in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, count));
  }
}
