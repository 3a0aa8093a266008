/**
 * OCR clean-up repairs only confusions the context settles: bullets, `Ib`
 * after a number, and ICD-10 codes read with a digit for their first letter.
 */
import { describe, expect, it } from 'vitest';
import { cleanOcrText } from '#core/extraction/ocr-repair.ts';

describe('cleanOcrText', () => {
  it('repairs bullets, pounds and the first letter of parenthesised ICD-10 codes', () => {
    const ocr = [
      '_ Apixaban 5 mg by mouth twice daily',
      '~ Aspirin 81 mg by mouth once daily',
      'Vital signs at discharge: BP 131/76, weight 174 Ib.',
      '3. Atrial fibrillation (148.91)',
      '4. Coronary artery disease (125.10)',
      'Low back pain (545.5XXA) and nicotine dependence (F17.210)',
    ].join('\n');
    expect(cleanOcrText(ocr)).toBe(
      [
        '- Apixaban 5 mg by mouth twice daily',
        '- Aspirin 81 mg by mouth once daily',
        'Vital signs at discharge: BP 131/76, weight 174 lb.',
        '3. Atrial fibrillation (I48.91)',
        '4. Coronary artery disease (I25.10)',
        'Low back pain (S45.5XXA) and nicotine dependence (F17.210)',
      ].join('\n'),
    );
  });

  it('leaves text without those confusions alone', () => {
    const text = 'Ibuprofen 400 mg (3 tablets)\nHR 72 (rest)\nFlagged_value ~ 5\nIbis 12';
    expect(cleanOcrText(text)).toBe(text);
  });
});
