/** Calibration: value labelling against the truth, AUROC, ECE, reliability bins, grounded share, hand-computed. */

import { describe, expect, it } from 'vitest';
import {
  auroc,
  calibrationFigures,
  expectedCalibrationError,
  type LabelledValue,
  labelValues,
  reliabilityBins,
  summariseCalibration,
} from '#core/evaluation/calibration.ts';
import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';

const EXACT: Comparator = { type: 'exact' };
const FUZZY: Comparator = { type: 'fuzzy', threshold: 0.8 };

const FIELDS: PromptMetadata['fields'] = {
  'patient.name': { required: true, weight: 2, comparator: { type: 'fuzzy', threshold: 0.85 } },
  'patient.mrn': { required: false, weight: 1, comparator: EXACT },
  'vitals.heartRate': {
    required: false,
    weight: 1,
    comparator: { type: 'numeric', tolerance: 0 },
  },
  allergies: {
    required: false,
    weight: 1,
    comparator: { type: 'list', matchThreshold: 0.8, item: FUZZY },
  },
  medications: {
    required: true,
    weight: 1,
    comparator: { type: 'list', matchThreshold: 0.7, item: { name: FUZZY, dose: EXACT } },
  },
};

const value = (confidence: number, correct: boolean, grounded: boolean | null = null) =>
  ({ field: 'f', path: 'f', confidence, correct, grounded }) satisfies LabelledValue;

// Correct: 0.9, 0.8, 0.6; incorrect: 0.7, 0.6, 0.2.
const SIX = [
  value(0.9, true),
  value(0.8, true),
  value(0.6, true),
  value(0.7, false),
  value(0.6, false),
  value(0.2, false),
];

describe('auroc', () => {
  it('is the Mann-Whitney share of correct-over-incorrect pairs, ties counting one half', () => {
    // 0.9 and 0.8 beat all three incorrect (3 + 3); 0.6 loses to 0.7, ties 0.6, beats 0.2 (1.5): 7.5 / 9.
    expect(auroc(SIX)).toBeCloseTo(7.5 / 9, 12);
  });

  it('is 1 for a perfect ranking, 0 for an inverted one and 0.5 when every confidence ties', () => {
    expect(auroc([value(0.9, true), value(0.1, false)])).toBe(1);
    expect(auroc([value(0.1, true), value(0.9, false)])).toBe(0);
    expect(auroc([value(0.5, true), value(0.5, false), value(0.5, true)])).toBe(0.5);
  });

  it('is null when only one class is present', () => {
    expect(auroc([value(0.9, true), value(0.4, true)])).toBeNull();
    expect(auroc([value(0.9, false)])).toBeNull();
    expect(auroc([])).toBeNull();
  });
});

describe('reliability bins and ECE', () => {
  it('puts values into ten equal-width bins, 1.0 into the last', () => {
    const bins = reliabilityBins([
      value(0, false),
      value(0.1, true),
      value(0.95, true),
      value(1, false),
    ]);
    expect(bins).toHaveLength(10);
    expect(bins.map((bin) => bin.count)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(bins[9]).toEqual({
      lower: 0.9,
      upper: 1,
      count: 2,
      meanConfidence: 0.975,
      accuracy: 0.5,
    });
    expect(bins[2]).toEqual({
      lower: 0.2,
      upper: 0.3,
      count: 0,
      meanConfidence: null,
      accuracy: null,
    });
  });

  it('weights each bin gap by its count', () => {
    // Bins 2 (|0 - .2|), 6 (two values, |.5 - .6|), 7 (|0 - .7|), 8 (|1 - .8|), 9 (|1 - .9|):
    // (0.2 + 2 × 0.1 + 0.7 + 0.2 + 0.1) / 6 = 1.4 / 6.
    expect(expectedCalibrationError(reliabilityBins(SIX))).toBeCloseTo(1.4 / 6, 12);
  });

  it('is 0 for a perfectly calibrated set and null without values', () => {
    const calibrated = [
      value(0.75, true),
      value(0.75, true),
      value(0.75, true),
      value(0.75, false),
    ];
    expect(expectedCalibrationError(reliabilityBins(calibrated))).toBe(0);
    expect(expectedCalibrationError(reliabilityBins([]))).toBeNull();
  });
});

describe('calibrationFigures', () => {
  it('counts the grounded share over the values that had an evidence map', () => {
    const figures = calibrationFigures([
      value(0.9, true, true),
      value(0.8, true, true),
      value(0.3, false, false),
      value(0.7, true, null),
    ]);
    expect(figures.values).toBe(4);
    expect(figures.correct).toBe(3);
    expect(figures.groundedShare).toBeCloseTo(2 / 3, 12);
    expect(figures.bins.filter((bin) => bin.count > 0)).toHaveLength(4);
  });

  it('has no grounded share when no value had an evidence map', () => {
    expect(calibrationFigures([value(0.9, true)]).groundedShare).toBeNull();
  });
});

describe('labelValues', () => {
  const truth = {
    patient: { name: 'Maria Lopez', mrn: null },
    vitals: { heartRate: 72 },
    allergies: ['Penicillin', 'Latex'],
    medications: [
      { name: 'Metformin', dose: '500 mg' },
      { name: 'Lisinopril', dose: '10 mg' },
    ],
  };
  const predicted = {
    patient: { name: 'Maria Lopes', mrn: 'A-1' },
    vitals: { heartRate: 78 },
    allergies: ['Latex', null, 'Sulfa'],
    medications: [
      { name: 'Lisinopril', dose: '20 mg' },
      { name: 'Metformin', dose: '500 mg' },
      { name: 'Warfarin', dose: '5 mg' },
    ],
  };
  const confidence = {
    'patient.name': 0.9,
    'patient.mrn': 0.4,
    'vitals.heartRate': 0.8,
    'allergies[0]': 0.9,
    'allergies[2]': 0.3,
    'medications[0].name': 0.9,
    'medications[0].dose': 0.6,
    'medications[1].name': 0.95,
    'medications[1].dose': 0.95,
    'medications[2].name': 0.2,
  };
  const evidence = {
    'patient.name': { match: 'exact' },
    'patient.mrn': { match: 'ungrounded' },
    'vitals.heartRate': { match: 'fuzzy' },
  };

  it('judges single values, list items and object properties through the Hungarian pairing', () => {
    const labelled = labelValues({ fields: FIELDS, truth, predicted, confidence, evidence });
    const byPath = Object.fromEntries(labelled.values.map((v) => [v.path, v.correct]));
    expect(byPath).toEqual({
      'patient.name': true, // similarity 10/11 >= 0.85
      'patient.mrn': false, // invented: the truth says there is none
      'vitals.heartRate': false,
      'allergies[0]': true, // paired with Latex
      'allergies[2]': false, // Sulfa has no pair above 0.8
      // Lisinopril 20 mg pairs with Lisinopril 10 mg at (1 + 0) / 2 = 0.5, below the list's 0.7:
      // the item is wrong as a whole, as in the F1 outcomes (an FD), so its name is too.
      'medications[0].name': false,
      'medications[0].dose': false,
      'medications[1].name': true,
      'medications[1].dose': true,
      'medications[2].name': false, // no truth item left to pair with
    });
    // medications[2].dose is non-null but has no confidence entry.
    expect(labelled.withoutConfidence).toBe(1);
    const grounded = Object.fromEntries(labelled.values.map((v) => [v.path, v.grounded]));
    expect(grounded['patient.name']).toBe(true);
    expect(grounded['vitals.heartRate']).toBe(true);
    expect(grounded['patient.mrn']).toBe(false);
    expect(grounded['allergies[0]']).toBe(false); // absent from the evidence map
    expect(labelled.values.find((v) => v.path === 'allergies[0]')?.field).toBe('allergies');
  });

  it('skips fields the truth does not annotate and has null grounding without an evidence map', () => {
    const labelled = labelValues({
      fields: FIELDS,
      truth: { patient: { name: 'Maria Lopez' } },
      predicted,
      confidence,
      evidence: null,
    });
    expect(labelled.values.map((v) => [v.path, v.correct, v.grounded])).toEqual([
      ['patient.name', true, null],
    ]);
  });

  it('refuses a truth that is not an object', () => {
    expect(() =>
      labelValues({ fields: FIELDS, truth: [], predicted, confidence, evidence: null }),
    ).toThrow(TypeError);
  });
});

describe('summariseCalibration', () => {
  it('reports no figures, with a reason, when no result had confidence', () => {
    const result = summariseCalibration([null, null]);
    expect(result).toMatchObject({ available: false, unavailable: { code: 'NO_CONFIDENCE' } });
  });

  it('reports no figures when confidence maps exist but no value could be judged', () => {
    const result = summariseCalibration([{ values: [], withoutConfidence: 0 }]);
    expect(result).toMatchObject({ available: false, unavailable: { code: 'NO_VALUES' } });
  });

  it('sums documents overall and per field', () => {
    const a = { ...value(0.9, true), field: 'patient.name', path: 'patient.name' };
    const b = { ...value(0.2, false), field: 'medications', path: 'medications[0].dose' };
    const c = { ...value(0.6, true), field: 'medications', path: 'medications[1].dose' };
    const result = summariseCalibration([
      { values: [a, b], withoutConfidence: 1 },
      null,
      { values: [c], withoutConfidence: 0 },
    ]);
    if (!result.available) throw new Error('expected figures');
    expect(result.summary.documents).toBe(2);
    expect(result.summary.withoutConfidence).toBe(1);
    expect(result.summary.overall.values).toBe(3);
    expect(result.summary.overall.auroc).toBe(1);
    expect(Object.keys(result.summary.fields)).toEqual(['medications', 'patient.name']);
    expect(result.summary.fields.medications?.auroc).toBe(1);
    expect(result.summary.fields['patient.name']?.auroc).toBeNull();
  });
});
