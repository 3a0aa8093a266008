/**
 * Graded containment on OCR text: after the contextual OCR repairs a quote
 * holds a code OCR read with a digit first (`(110)`) and a weight whose unit
 * it spelt `Ib`; text-layer quotes are graded as printed, and another value
 * is still refused.
 */
import { describe, expect, it } from 'vitest';
import { containmentOf } from '#core/evidence/refine.ts';

describe('containmentOf on OCR text', () => {
  it('reads an ICD-10 code OCR began with a digit, on an OCR page only', () => {
    // Act
    const onOcr = containmentOf('Essential hypertension (110);', 'I10', 'diagnoses[0].icd10', true);
    const onText = containmentOf('Essential hypertension (110);', 'I10', 'diagnoses[0].icd10');
    const other = containmentOf(
      'Essential hypertension (110);',
      'E11.9',
      'diagnoses[0].icd10',
      true,
    );

    // Assess
    expect(onOcr).toBe('printed');
    expect(onText).toBe('absent');
    expect(other).toBe('absent');
  });

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
