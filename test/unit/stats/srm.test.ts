/**
 * Sample ratio mismatch: chi-square goodness of fit against configured weights.
 * Reference values are worked by hand below and agree with
 * scipy.stats.chisquare(observed, expected).
 */
import { describe, expect, it } from 'vitest';
import { srmCheck } from '#core/experiments/stats/srm.ts';

describe('srmCheck', () => {
  it('computes chi2 and p for a 50/50 split that is slightly off', () => {
    // Prepare: N = 10200, expected 5100 each.
    // chi2 = (5000−5100)²/5100 + (5200−5100)²/5100 = 2·10000/5100 = 3.921569.
    // df 1: p = 2·(1 − Φ(√3.921569)) = 2·(1 − Φ(1.980295)) = 2·0.023835 = 0.047670.
    // Act
    const result = srmCheck([5000, 5200], [0.5, 0.5]);

    // Assess: p > 0.001, so the split is healthy.
    expect(result.expected).toEqual([5100, 5100]);
    expect(result.chi2).toBeCloseTo(3.921569, 5);
    expect(result.df).toBe(1);
    expect(result.pValue).toBeCloseTo(0.04767, 4);
    expect(result.status).toBe('healthy');
  });

  it('uses the configured 80/20 weights, not an even split', () => {
    // Prepare: N = 1000, expected 800 / 200.
    // chi2 = 21²/800 + 21²/200 = 441/800 + 441/200 = 0.55125 + 2.205 = 2.75625.
    // p = 2·(1 − Φ(√2.75625)) = 2·(1 − Φ(1.660196)) = 2·0.048438 = 0.096875.
    // Act
    const result = srmCheck([821, 179], [80, 20]);

    // Assess
    expect(result.expected[0]).toBeCloseTo(800, 9);
    expect(result.expected[1]).toBeCloseTo(200, 9);
    expect(result.chi2).toBeCloseTo(2.75625, 6);
    expect(result.pValue).toBeCloseTo(0.096875, 4);
    expect(result.status).toBe('healthy');
  });

  it('flags a 95/5 split with an exact match as healthy (chi2 = 0, p = 1)', () => {
    // Act
    const result = srmCheck([950, 50], [0.95, 0.05]);

    // Assess
    expect(result.chi2).toBeCloseTo(0, 9);
    expect(result.pValue).toBeCloseTo(1, 9);
    expect(result.status).toBe('healthy');
  });

  it('is unhealthy below p = 0.001', () => {
    // Prepare: N = 10600, expected 5300 each; chi2 = 2·300²/5300 = 33.962264,
    // p = 2·(1 − Φ(5.827715)) ≈ 5.6e-9.
    // Act
    const result = srmCheck([5000, 5600], [1, 1]);

    // Assess
    expect(result.chi2).toBeCloseTo(33.962264, 5);
    expect(result.pValue).toBeLessThan(1e-8);
    expect(result.pValue).toBeGreaterThan(1e-9);
    expect(result.status).toBe('unhealthy');
  });

  it('reports not-enough-traffic while an arm expects fewer than 8', () => {
    // Prepare: 95/5 with 100 documents expects 5 in treatment.
    // Act
    const result = srmCheck([95, 5], [0.95, 0.05]);

    // Assess
    expect(result.status).toBe('not-enough-traffic');
  });

  it('reports not-enough-traffic when an arm has fewer than 8 but the split is plausible', () => {
    // Prepare: expected 10 / 10; chi2 = 2·3²/10 = 1.8, p = 0.18.
    // Act
    const result = srmCheck([13, 7], [0.5, 0.5]);

    // Assess
    expect(result.chi2).toBeCloseTo(1.8, 9);
    expect(result.status).toBe('not-enough-traffic');
  });

  it('reports an empty arm as unhealthy when hundreds were expected', () => {
    // Prepare: chi2 = 500²/500 + 500²/500 = 1000.
    // Act
    const result = srmCheck([1000, 0], [0.5, 0.5]);

    // Assess
    expect(result.chi2).toBeCloseTo(1000, 9);
    expect(result.status).toBe('unhealthy');
  });

  it('skips arms with weight 0 and rejects malformed input', () => {
    // Act
    const result = srmCheck([500, 3, 500], [1, 0, 1]);

    // Assess
    expect(result.df).toBe(1);
    expect(result.expected).toEqual([500, 0, 500]);
    expect(() => srmCheck([1, 2], [1])).toThrow(RangeError);
    expect(() => srmCheck([1.5, 2], [1, 1])).toThrow(RangeError);
    expect(() => srmCheck([10, 10], [1, 0])).toThrow(RangeError);
  });
});
