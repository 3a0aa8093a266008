/**
 * Wilson intervals and the two-proportion comparison, against published
 * examples (Newcombe 1998, Stat Med 17:857 and 17:873) and hand arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { twoProportionTest, wilsonInterval } from '#core/experiments/stats/proportions.ts';

describe('wilsonInterval', () => {
  it('reproduces Newcombe (1998) for 81/263', () => {
    // Prepare: p = 0.307985, z = 1.959964, z² = 3.841459, n = 263.
    // centre = (p + z²/2n)/(1 + z²/n) = (0.307985 + 0.007303)/1.014606 = 0.310749
    // half   = z/(1 + z²/n)·√(p(1−p)/n + z²/4n²)
    //        = 1.931748·√(0.00081038 + 0.00001388) = 1.931748·0.028710 = 0.055461
    // -> [0.255288, 0.366210], the published [0.2553, 0.3662].
    // Act
    const ci = wilsonInterval(81, 263);

    // Assess
    expect(ci.lower).toBeCloseTo(0.2553, 4);
    expect(ci.upper).toBeCloseTo(0.3662, 4);
  });

  it('gives [0, z²/(n + z²)] for zero successes', () => {
    // Prepare: upper = 3.841459/(10 + 3.841459) = 0.277533.
    // Act
    const ci = wilsonInterval(0, 10);

    // Assess
    expect(ci.lower).toBe(0);
    expect(ci.upper).toBeCloseTo(0.2775, 4);
  });

  it('mirrors at n successes and widens with a smaller alpha', () => {
    // Act
    const all = wilsonInterval(10, 10);
    const wide = wilsonInterval(81, 263, 0.01);

    // Assess: 1 − 0.277533 = 0.722467.
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(0.7225, 4);
    expect(wide.lower).toBeLessThan(0.2553);
    expect(wide.upper).toBeGreaterThan(0.3662);
  });

  it('rejects impossible counts', () => {
    // Act / Assess
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 0)).toThrow(RangeError);
  });
});

describe('twoProportionTest', () => {
  it('matches the pooled z test and Newcombe method 10 for 48/80 vs 56/70', () => {
    // Prepare: control 48/80 = 0.6, treatment 56/70 = 0.8, diff = 0.2.
    // pooled p̄ = 104/150 = 0.693333; se0 = √(0.693333·0.306667·(1/80 + 1/70))
    //   = √(0.212622·0.026786) = 0.075467; z = 0.2/0.075467 = 2.650172;
    //   p = 2·(1 − Φ(2.650172)) = 0.008045 (R prop.test(correct = FALSE): X² = 7.0234).
    // Newcombe (1998) example (a), 56/70 − 48/80, method 10: [0.0524, 0.3339].
    // Relative lift 0.2/0.6 = 0.333333; delta-method variance
    //   0.8·0.2/(0.36·70) + 0.6·0.4·0.64/(0.1296·80) = 0.006349 + 0.014815 = 0.021164,
    //   se = 0.145479; CI = 0.333333 ± 1.959964·0.145479 = [0.0482, 0.6185].
    // Act
    const r = twoProportionTest(48, 80, 56, 70);

    // Assess
    expect(r.diff).toBeCloseTo(0.2, 12);
    expect(r.z).toBeCloseTo(2.650172, 5);
    expect(r.pValue).toBeCloseTo(0.008045, 5);
    expect(r.ci.lower).toBeCloseTo(0.0524, 4);
    expect(r.ci.upper).toBeCloseTo(0.3339, 4);
    expect(r.relativeLift).toBeCloseTo(0.333333, 5);
    expect(r.relativeSe).toBeCloseTo(0.145479, 5);
    expect(r.relativeCi?.lower).toBeCloseTo(0.0482, 4);
    expect(r.relativeCi?.upper).toBeCloseTo(0.6185, 4);
  });

  it('matches Newcombe example (b), 9/10 vs 3/10, where Wald would overshoot', () => {
    // Prepare: published method 10 interval for 9/10 − 3/10: [0.1705, 0.8090].
    // Here control is 3/10 and treatment 9/10, so diff = +0.6.
    // Act
    const r = twoProportionTest(3, 10, 9, 10);

    // Assess
    expect(r.diff).toBeCloseTo(0.6, 12);
    expect(r.ci.lower).toBeCloseTo(0.1705, 4);
    expect(r.ci.upper).toBeCloseTo(0.809, 4);
  });

  it('reports no difference when both arms are all successes', () => {
    // Act
    const r = twoProportionTest(20, 20, 30, 30);

    // Assess: pooled variance is 0, so there is nothing to test.
    expect(r.diff).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.relativeLift).toBe(0);
  });

  it('has no relative lift when control is 0', () => {
    // Act
    const r = twoProportionTest(0, 50, 5, 50);

    // Assess
    expect(r.relativeLift).toBeNull();
    expect(r.relativeCi).toBeNull();
    expect(r.diff).toBeCloseTo(0.1, 12);
  });
});
