/**
 * Always-valid confidence sequences (Waudby-Smith et al., GrowthBook tuning):
 * hand-computed values and the "always wider than fixed-horizon" property.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '#core/experiments/stats/distributions.ts';
import {
  alwaysValidPValue,
  sequentialHalfWidth,
  sequentialHalfWidthOneSided,
  sequentialInterval,
  sequentialRho,
} from '#core/experiments/stats/sequential.ts';

const base = { alpha: 0.05, expectedTotal: 5000 };

describe('sequentialRho', () => {
  it('matches eq. 161 by hand for alpha 0.05 and N* 5000', () => {
    // Prepare: −2 ln 0.05 = 5.991465; ln(5.991465 + 1) = 1.944690; sum = 7.936155;
    // ρ² = 7.936155/5000 = 0.001587231; ρ = 0.0398401.
    // Act
    const rho = sequentialRho(0.05, 5000);

    // Assess
    expect(rho * rho).toBeCloseTo(0.001587231, 9);
    expect(rho).toBeCloseTo(0.0398401, 7);
  });
});

describe('sequentialHalfWidth', () => {
  it('matches eq. 9 by hand at n = N* = 5000', () => {
    // Prepare: nρ² = 7.936155, k = nρ² + 1 = 8.936155, √k = 2.989340,
    // ln(√k/α) = ln(59.78680) = 4.090785, 2k/(nρ²) = 2.252011,
    // half = SE·√(2.252011·4.090785) = SE·√9.212494 = 3.035209·SE.
    // With SE = 0.01: 0.03035209 (fixed-horizon would be 1.959964·0.01 = 0.0196).
    // Act
    const half = sequentialHalfWidth({ ...base, se: 0.01, n: 5000 });
    const ci = sequentialInterval(0.05, { ...base, se: 0.01, n: 5000 });

    // Assess
    expect(half).toBeCloseTo(0.03035209, 7);
    expect(ci.lower).toBeCloseTo(0.05 - 0.03035209, 7);
    expect(ci.upper).toBeCloseTo(0.05 + 0.03035209, 7);
  });

  it('is wider than the fixed-horizon interval at every n and tightest near N*', () => {
    // Prepare
    const z = normalQuantile(0.975);
    const sizes = [20, 100, 1000, 5000, 20_000, 100_000, 1_000_000];

    // Act: ratio of half-widths for the same SE.
    const ratios = sizes.map((n) => sequentialHalfWidth({ ...base, se: 1, n }) / z);

    // Assess
    for (const ratio of ratios) expect(ratio).toBeGreaterThan(1);
    const at = (n: number): number => ratios[sizes.indexOf(n)] ?? 0;
    expect(at(5000)).toBeLessThan(at(1000));
    expect(at(5000)).toBeLessThan(at(20_000));
    // 3.035209/1.959964 = 1.548604 at n = N*.
    expect(at(5000)).toBeCloseTo(1.548604, 5);
  });

  it('uses 2α in ρ and eq. 134 for the one-sided bound', () => {
    // Prepare: 2α = 0.1: −2 ln 0.1 = 4.605170; + ln(5.605170) = 1.723689 -> 6.328860;
    // nρ² = 6.328860 at n = 5000, k = 7.328860, √k = 2.707187,
    // ln(1 + √k/(2α)) = ln(28.07187) = 3.334768, 2k/(nρ²) = 2.316013,
    // half = SE·√(2.316013·3.334768) = SE·√7.723365 = 2.779094·SE (fixed: 1.644854·SE).
    // Act
    const half = sequentialHalfWidthOneSided({ ...base, se: 1, n: 5000 });

    // Assess
    expect(half).toBeCloseTo(2.779094, 5);
    expect(half).toBeGreaterThan(normalQuantile(0.95));
  });
});

describe('alwaysValidPValue', () => {
  it('matches the e-value formula by hand', () => {
    // Prepare: estimate 0.1, SE 0.03 -> z = 3.333333, z² = 11.111111; n = 5000.
    // ρ²·n·z²/(2k) = 7.936155·11.111111/(2·8.936155) = 88.179496/17.872309 = 4.933861
    // ½ ln k = ½·2.190105 = 1.095053; ln E = 3.838808; p = e^−3.838808 = 0.021519.
    // The fixed-horizon p for z = 3.33 would be 0.00086.
    // Act
    const p = alwaysValidPValue(0.1, { ...base, se: 0.03, n: 5000 });

    // Assess
    expect(p).toBeCloseTo(0.021519, 6);
  });

  it('is exactly 1 while the evidence is weak', () => {
    // Prepare: z = 0.333; ln E = 0.049339 − 1.095053 < 0.
    // Act / Assess
    expect(alwaysValidPValue(0.01, { ...base, se: 0.03, n: 5000 })).toBe(1);
  });

  it('stays finite and tiny for overwhelming evidence', () => {
    // Act
    const p = alwaysValidPValue(10, { ...base, se: 0.01, n: 5000 });

    // Assess
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-100);
  });

  it('rejects invalid parameters', () => {
    // Act / Assess
    expect(() => sequentialRho(0.05, 0)).toThrow(RangeError);
    expect(() => sequentialHalfWidth({ ...base, se: -1, n: 10 })).toThrow(RangeError);
    expect(() => sequentialHalfWidth({ ...base, se: 1, n: 0 })).toThrow(RangeError);
  });
});
