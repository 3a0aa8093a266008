/**
 * Graded containment on OCR text: a measurement whose unit OCR misread
 * (`182 Ib`) counts as converted there, and nowhere else.
 */
import { describe, expect, it } from 'vitest';
import { containmentOf } from '#core/evidence/refine.ts';

describe('containmentOf on OCR text', () => {
  it('reads a pound weight whose unit OCR spelt Ib, and refuses another number', () => {
    // Act
    const read = containmentOf('HR 76, Wt 182 Ib', 82.6, 'vitals.weightKg', true);
    const strict = containmentOf('HR 76, Wt 182 Ib', 82.6, 'vitals.weightKg');
    const other = containmentOf('HR 76, Wt 182 Ib', 90.1, 'vitals.weightKg', true);

    // Assess
    expect(read).toBe('converted');
    expect(strict).toBe('absent');
    expect(other).toBe('absent');
  });
});
