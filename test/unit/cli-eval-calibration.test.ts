/** The eval report's calibration section: headline line, populated reliability bins, per-field rows, Markdown. */

import { describe, expect, it } from 'vitest';
import { type LabelledValue, summariseCalibration } from '#core/evaluation/calibration.ts';
import {
  calibrationFieldRows,
  calibrationLine,
  calibrationMarkdown,
  reliabilityRows,
} from '../../cli/eval-render-calibration.ts';

const value = (field: string, confidence: number, correct: boolean, grounded: boolean) =>
  ({ field, path: field, confidence, correct, grounded }) satisfies LabelledValue;

const result = summariseCalibration([
  {
    values: [
      value('patient.name', 0.95, true, true),
      value('patient.name', 0.92, true, true),
      value('vitals.heartRate', 0.9, false, true),
      value('medications', 0.45, false, false),
    ],
    withoutConfidence: 2,
  },
]);

describe('calibration section', () => {
  it('prints the headline figures with what was judged', () => {
    // Correct 0.95 and 0.92 against wrong 0.9 and 0.45: every pair won, AUROC 1.
    // Bin 9: 0.95, 0.92, 0.9 with 2 of 3 right (|0.667 - 0.923|); bin 4: 0.45 wrong (0.45): ECE 0.305.
    expect(calibrationLine(result)).toBe(
      'calibration over 4 values of 1 documents (2 correct, 2 values without confidence): ' +
        'AUROC 1.000, ECE 0.305, grounded 0.750',
    );
  });

  it('lists only populated bins, and one row per field', () => {
    expect(reliabilityRows(result)).toEqual([
      ['0.4-0.5', '1', '0.450', '0.000'],
      ['0.9-1.0', '3', '0.923', '0.667'],
    ]);
    expect(calibrationFieldRows(result).map((row) => row[0])).toEqual([
      'medications',
      'patient.name',
      'vitals.heartRate',
    ]);
  });

  it('says why there are no figures instead of printing zeros', () => {
    const none = summariseCalibration([null]);
    expect(calibrationLine(none)).toMatch(/^calibration: not available \(NO_CONFIDENCE: /);
    expect(reliabilityRows(none)).toEqual([]);
    expect(calibrationMarkdown(none)).toContain('not available');
    expect(calibrationMarkdown(result)).toContain('| 0.9-1.0 | 3 | 0.923 | 0.667 |');
  });
});
