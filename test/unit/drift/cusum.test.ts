/**
 * CUSUM primitives against values worked out by hand: the recursion and its
 * change-point index, the threshold from the false-alarm budget, and the
 * normal and Bernoulli log-likelihood ratios.
 */
import { describe, expect, it } from 'vitest';
import { bernoulliShiftLlr, cusum, cusumThreshold, normalShiftLlr } from '#core/drift/cusum.ts';
import { addHours, hoursEndingAt, lastCompleteHour } from '#core/drift/hours.ts';

describe('cusum', () => {
  it('resets at zero and dates the current excursion', () => {
    // Prepare
    const llrs = [1, -3, 2, 0.5, -1, 4];

    // Act
    const path = cusum(llrs);

    // Assess: 1, 0, 2, 2.5, 1.5, 5.5; the excursion began at index 2
    expect(path.statistics).toEqual([1, 0, 2, 2.5, 1.5, 5.5]);
    expect(path.last).toBe(5.5);
    expect(path.excursionStart).toBe(2);
  });

  it('reports no excursion when the statistic ends at zero', () => {
    // Prepare / Act / Assess
    expect(cusum([2, -5]).excursionStart).toBeNull();
    expect(() => cusum([Number.NaN])).toThrow(RangeError);
  });

  it('sets the threshold from charts and the yearly budget', () => {
    // Prepare / Act / Assess: ln(10 · 8760 / 1) = 11.380...
    expect(cusumThreshold(10, 1)).toBeCloseTo(11.3805, 3);
    expect(cusumThreshold(1, 8760)).toBe(0);
    expect(() => cusumThreshold(0, 1)).toThrow(RangeError);
    expect(() => cusumThreshold(3, 0)).toThrow(RangeError);
  });
});

describe('log-likelihood ratios', () => {
  it('gives the normal mean-shift ratio from n and the sum', () => {
    // Prepare: 10 values summing to 8.5 against mu0 0.9, sigma 0.1, shift -0.05
    // (δ/σ²)(Σx − nμ0 − nδ/2) = (-5)(8.5 − 9 + 0.25) = 1.25

    // Act
    const llr = normalShiftLlr(10, 8.5, 0.9, 0.1, -0.05);

    // Assess
    expect(llr).toBeCloseTo(1.25, 10);
    expect(normalShiftLlr(0, 0, 0.9, 0.1, -0.05)).toBe(0);
  });

  it('gives the Bernoulli ratio of hits against p0', () => {
    // Prepare: 3 of 10 under p1 = 0.2 against p0 = 0.1
    const expected = 3 * Math.log(2) + 7 * Math.log(0.8 / 0.9);

    // Act / Assess
    expect(bernoulliShiftLlr(3, 10, 0.1, 0.2)).toBeCloseTo(expected, 12);
    expect(() => bernoulliShiftLlr(1, 2, 0, 0.5)).toThrow(RangeError);
  });
});

describe('hour labels', () => {
  it('steps across days and names the last complete hour', () => {
    // Prepare / Act / Assess
    expect(addHours('2026-11-27T00', -1)).toBe('2026-11-26T23');
    expect(hoursEndingAt('2026-11-27T01', 3)).toEqual([
      '2026-11-26T23',
      '2026-11-27T00',
      '2026-11-27T01',
    ]);
    expect(lastCompleteHour(Date.parse('2026-11-27T15:10:00Z'))).toBe('2026-11-27T14');
    expect(() => addHours('2026-11-27 15', 1)).toThrow(RangeError);
  });
});
