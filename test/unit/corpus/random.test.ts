/** The generator's seeded PRNG: reproducible, in range, and seed-sensitive. */

import { describe, expect, it } from 'vitest';
import { hashSeed, Random } from '#local/corpus/random.ts';

describe('Random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = new Random('seed');
    const b = new Random('seed');
    const c = new Random('seed2');

    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it('hashes text seeds with 32-bit FNV-1a', () => {
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(hashSeed('a')).toBe(0xe40c292c);
  });

  it('keeps integers and reals in range and hits both integer ends', () => {
    const random = new Random('range');
    const seen = new Set<number>();
    for (let draw = 0; draw < 500; draw += 1) {
      const value = random.int(1, 4);
      expect(value).toBeGreaterThanOrEqual(1);
      expect(value).toBeLessThanOrEqual(4);
      seen.add(value);
      const real = random.real(4.0, 5.6, 1);
      expect(real).toBeGreaterThanOrEqual(4.0);
      expect(real).toBeLessThanOrEqual(5.6);
      expect(Math.round(real * 10) / 10).toBe(real);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it('samples distinct elements and never picks a zero weight', () => {
    const random = new Random('sample');
    for (let draw = 0; draw < 100; draw += 1) {
      const sample = random.sample(['a', 'b', 'c', 'd'], 3);
      expect(new Set(sample).size).toBe(3);
      expect(
        random.weighted([
          ['never', 0],
          ['always', 1],
        ]),
      ).toBe('always');
    }
    expect(() => random.pick([])).toThrow(RangeError);
  });
});
