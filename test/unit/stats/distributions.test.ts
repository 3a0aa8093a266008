/**
 * The distribution wrappers against printed statistical-table values.
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  studentTQuantile,
  studentTTwoSidedP,
} from '#core/experiments/stats/distributions.ts';

describe('normal', () => {
  it('matches the standard normal table', () => {
    // Act / Assess: z(0.975) = 1.959964, z(0.95) = 1.644854, Φ(1.96) = 0.975002.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 6);
    expect(normalTwoSidedP(1.959964)).toBeCloseTo(0.05, 6);
  });

  it('keeps precision in the far tail and rejects probabilities outside (0, 1)', () => {
    // Act / Assess: 2·Φ(−8) = 1.2442e-15.
    expect(normalTwoSidedP(8)).toBeGreaterThan(1.2e-15);
    expect(normalTwoSidedP(8)).toBeLessThan(1.3e-15);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('Student t', () => {
  it('matches the t table', () => {
    // Act / Assess: t(0.975; 10) = 2.228, t(0.975; 1) = 12.706, t(0.995; 30) = 2.750.
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.749996, 5);
    expect(studentTTwoSidedP(2.228139, 10)).toBeCloseTo(0.05, 6);
  });
});

describe('chi-square', () => {
  it('matches the chi-square table at the 5% point', () => {
    // Act / Assess: critical values 3.841459 (df 1), 5.991465 (df 2), 7.814728 (df 3).
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(7.814728, 3)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(0, 1)).toBe(1);
  });
});
