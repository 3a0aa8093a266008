/**
 * Holm and Benjamini–Hochberg adjustments, worked by hand (and equal to R's
 * p.adjust for the same vectors).
 */
import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  benjaminiHochbergAdjust,
  holmAdjust,
} from '#core/experiments/stats/multiple-testing.ts';

describe('holmAdjust', () => {
  it('steps down with a running maximum', () => {
    // Prepare: sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04;
    // running max -> 0.02, 0.03, 0.06, 0.06; back in input order:
    // [0.01 -> 0.03, 0.04 -> 0.06, 0.03 -> 0.06, 0.005 -> 0.02].
    // Act
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);

    // Assess
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
  });

  it('caps at 1', () => {
    // Prepare: 0.6·2 = 1.2 -> 1; 0.7·1 = 0.7 -> running max 1.
    // Act / Assess
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
  });
});

describe('benjaminiHochbergAdjust', () => {
  it('steps up with a running minimum', () => {
    // Prepare: sorted 0.005, 0.01, 0.03, 0.04 · 4/i = 0.02, 0.02, 0.04, 0.04;
    // running min from the top keeps them; input order -> [0.02, 0.04, 0.04, 0.02].
    // Act
    const adjusted = benjaminiHochbergAdjust([0.01, 0.04, 0.03, 0.005]);

    // Assess
    expect(adjusted[0]).toBeCloseTo(0.02, 12);
    expect(adjusted[1]).toBeCloseTo(0.04, 12);
    expect(adjusted[2]).toBeCloseTo(0.04, 12);
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
  });

  it('lets a smaller later value pull earlier ones down', () => {
    // Prepare: sorted 0.01, 0.04, 0.045 · 3/i = 0.03, 0.06, 0.045;
    // running min from the top: 0.045, min(0.06, 0.045) = 0.045, 0.03.
    // Act
    const adjusted = benjaminiHochbergAdjust([0.045, 0.01, 0.04]);

    // Assess
    expect(adjusted[0]).toBeCloseTo(0.045, 12);
    expect(adjusted[1]).toBeCloseTo(0.03, 12);
    expect(adjusted[2]).toBeCloseTo(0.045, 12);
  });
});

describe('adjustPValues', () => {
  it('dispatches on the method, handles empty input and rejects invalid p', () => {
    // Act / Assess
    expect(adjustPValues([0.01, 0.02], 'holm')).toEqual(holmAdjust([0.01, 0.02]));
    expect(adjustPValues([0.01, 0.02], 'benjamini-hochberg')).toEqual([0.02, 0.02]);
    expect(adjustPValues([], 'holm')).toEqual([]);
    expect(() => holmAdjust([1.2])).toThrow(RangeError);
  });
});
