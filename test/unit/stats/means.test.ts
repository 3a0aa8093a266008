/**
 * Moments from roll-up sums and Welch's t test, against hand arithmetic and
 * t-table bounds.
 */
import { describe, expect, it } from 'vitest';
import { momentsFromSums, welchTest } from '#core/experiments/stats/means.ts';

describe('momentsFromSums', () => {
  it('recovers mean and sample variance', () => {
    // Prepare: values 2, 4, 4, 4, 5, 5, 7, 9: n = 8, Σx = 40, Σx² = 232.
    // mean = 5; variance = (232 − 1600/8)/7 = 32/7 = 4.571429.
    // Act
    const m = momentsFromSums(8, 40, 232);

    // Assess
    expect(m.mean).toBe(5);
    expect(m.variance).toBeCloseTo(32 / 7, 12);
    expect(m.n).toBe(8);
  });

  it('clamps rounding noise to zero variance for constant values', () => {
    // Prepare: 3 × 0.1: Σx = 0.30000000000000004, Σx² = 0.030000000000000006.
    // Act
    const m = momentsFromSums(3, 0.1 + 0.1 + 0.1, 0.01 + 0.01 + 0.01);

    // Assess
    expect(m.variance).toBeGreaterThanOrEqual(0);
    expect(m.variance).toBeLessThan(1e-15);
  });

  it('needs at least two observations', () => {
    // Act / Assess
    expect(() => momentsFromSums(1, 5, 25)).toThrow(RangeError);
    expect(() => momentsFromSums(0, 0, 0)).toThrow(RangeError);
  });
});

describe('welchTest', () => {
  it('matches hand arithmetic for means 20.0/22.5, sd 4/5, n 30/25', () => {
    // Prepare
    // va = 16/30 = 0.533333, vb = 25/25 = 1; se = √1.533333 = 1.238278
    // diff = 2.5; t = 2.5/1.238278 = 2.018932
    // df = 1.533333² / (0.533333²/29 + 1²/24) = 2.351111 / (0.009808 + 0.041667)
    //    = 2.351111/0.051475 = 45.6747
    // t table: t(0.975; 45) = 2.0141 < 2.0189 < t(0.98; 45) = 2.1150, so 0.04 < p < 0.05;
    // scipy.stats.ttest_ind_from_stats(..., equal_var=False) gives p = 0.049387.
    // CI = 2.5 ± t(0.975; 45.67)·se = 2.5 ± 2.013283·1.238278 = [0.0070, 4.9930].
    // Relative lift 2.5/20 = 0.125; delta-method variance
    //   25/(400·25) + 16·22.5²/(20⁴·30) = 0.0025 + 0.0016875 = 0.0041875, se = 0.064711;
    //   CI = 0.125 ± 2.013283·0.064711 = [−0.0053, 0.2553].
    const a = { mean: 20, variance: 16, n: 30 };
    const b = { mean: 22.5, variance: 25, n: 25 };

    // Act
    const r = welchTest(a, b);

    // Assess
    expect(r.diff).toBe(2.5);
    expect(r.se).toBeCloseTo(1.238278, 5);
    expect(r.df).toBeCloseTo(45.6747, 3);
    expect(r.t).toBeCloseTo(2.018932, 5);
    expect(r.pValue).toBeGreaterThan(0.04);
    expect(r.pValue).toBeLessThan(0.05);
    expect(r.pValue).toBeCloseTo(0.049387, 5);
    expect(r.ci.lower).toBeCloseTo(0.007, 3);
    expect(r.ci.upper).toBeCloseTo(4.993, 3);
    expect(r.relativeLift).toBeCloseTo(0.125, 12);
    expect(r.relativeSe).toBeCloseTo(0.064711, 5);
    expect(r.relativeCi?.lower).toBeCloseTo(-0.0053, 4);
    expect(r.relativeCi?.upper).toBeCloseTo(0.2553, 4);
  });

  it('is symmetric: swapping arms flips the sign, not the p-value', () => {
    // Prepare
    const a = { mean: 20, variance: 16, n: 30 };
    const b = { mean: 22.5, variance: 25, n: 25 };

    // Act
    const forward = welchTest(a, b);
    const backward = welchTest(b, a);

    // Assess
    expect(backward.diff).toBe(-2.5);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
    expect(backward.df).toBeCloseTo(forward.df, 9);
  });

  it('reduces to df = n − 1 of the varying arm when the other is constant', () => {
    // Prepare: vb/nb only: df = (vb/nb)²/((vb/nb)²/(nb − 1)) = nb − 1 = 9.
    // Act
    const r = welchTest({ mean: 1, variance: 0, n: 10 }, { mean: 2, variance: 4, n: 10 });

    // Assess: se = √(4/10) = 0.632456, t = 1.581139; t(0.9; 9) = 1.383, t(0.95; 9) = 1.833,
    // so 0.1 < p < 0.2.
    expect(r.df).toBeCloseTo(9, 9);
    expect(r.t).toBeCloseTo(1.581139, 5);
    expect(r.pValue).toBeGreaterThan(0.1);
    expect(r.pValue).toBeLessThan(0.2);
  });

  it('treats two constant arms as an exact comparison', () => {
    // Act
    const same = welchTest({ mean: 1, variance: 0, n: 5 }, { mean: 1, variance: 0, n: 5 });
    const different = welchTest({ mean: 1, variance: 0, n: 5 }, { mean: 0.8, variance: 0, n: 5 });

    // Assess
    expect(same.pValue).toBe(1);
    expect(same.ci).toEqual({ lower: 0, upper: 0 });
    expect(different.pValue).toBe(0);
    expect(different.relativeLift).toBeCloseTo(-0.2, 12);
  });
});
