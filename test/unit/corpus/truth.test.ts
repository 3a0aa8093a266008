/** Risk factors derived from a truth file, and the canonical serialisation. */

import { describe, expect, it } from 'vitest';
import { emptyTruth } from '#local/corpus/documents/common.ts';
import { deriveRiskFactors, serialiseTruth, TRUTH_KEYS, type Truth } from '#local/corpus/truth.ts';

function truthWith(change: (truth: Truth) => void): Truth {
  const truth = emptyTruth('office_note');
  change(truth);
  return truth;
}

describe('deriveRiskFactors', () => {
  it('states nothing for a document that states nothing', () => {
    expect(deriveRiskFactors(emptyTruth('lab_report'), { tobacco: null })).toEqual([]);
  });

  it('rates current smoking high and former smoking low, quoting the phrase', () => {
    const current = truthWith((t) => {
      t.socialHistory = { tobaccoUse: 'current', packYears: 20 };
    });
    const former = truthWith((t) => {
      t.socialHistory = { tobaccoUse: 'former', packYears: null };
    });
    const never = truthWith((t) => {
      t.socialHistory = { tobaccoUse: 'never', packYears: null };
    });

    expect(deriveRiskFactors(current, { tobacco: 'Smokes 1 pack per day.' })).toEqual([
      { factor: 'tobacco use', severity: 'high', evidence: 'Smokes 1 pack per day.' },
    ]);
    expect(deriveRiskFactors(former, { tobacco: 'Ex-smoker; quit 2015.' })).toEqual([
      { factor: 'tobacco use', severity: 'low', evidence: 'Ex-smoker; quit 2015.' },
    ]);
    expect(deriveRiskFactors(never, { tobacco: 'Never smoker.' })).toEqual([]);
  });

  it.each([
    [29.9, []],
    [30, [{ factor: 'obesity', severity: 'moderate', evidence: 'BMI 30' }]],
    [39.9, [{ factor: 'obesity', severity: 'moderate', evidence: 'BMI 39.9' }]],
    [40, [{ factor: 'obesity', severity: 'high', evidence: 'BMI 40' }]],
  ])('BMI %d -> %j', (bmi, expected) => {
    const truth = truthWith((t) => {
      t.vitals.bmi = bmi;
    });

    expect(deriveRiskFactors(truth, { tobacco: null })).toEqual(expected);
  });

  it('uses an obesity diagnosis only when no BMI is stated', () => {
    const truth = truthWith((t) => {
      t.diagnoses = [{ description: 'Obesity', icd10: 'E66.9' }];
    });

    expect(deriveRiskFactors(truth, { tobacco: null })).toEqual([
      { factor: 'obesity', severity: 'moderate', evidence: 'Obesity' },
    ]);
  });

  it('flags diabetes from an HbA1c of 6.5 or more, or from the diagnosis', () => {
    const byLab = truthWith((t) => {
      t.labs = [{ test: 'Hemoglobin A1c', value: 6.5, unit: '%', flag: 'H' }];
    });
    const belowLab = truthWith((t) => {
      t.labs = [{ test: 'Hemoglobin A1c', value: 6.4, unit: '%', flag: 'H' }];
    });
    const byDiagnosis = truthWith((t) => {
      t.diagnoses = [{ description: 'Type 2 diabetes mellitus', icd10: 'E11.9' }];
    });

    expect(deriveRiskFactors(byLab, { tobacco: null })).toEqual([
      { factor: 'diabetes', severity: 'moderate', evidence: 'Hemoglobin A1c 6.5 %' },
    ]);
    expect(deriveRiskFactors(belowLab, { tobacco: null })).toEqual([]);
    expect(deriveRiskFactors(byDiagnosis, { tobacco: null })).toEqual([
      { factor: 'diabetes', severity: 'moderate', evidence: 'Type 2 diabetes mellitus' },
    ]);
  });

  it('flags hypertension from 140 systolic or 90 diastolic, and CAD as high', () => {
    const systolic = truthWith((t) => {
      t.vitals.bloodPressure = '140/80';
    });
    const diastolic = truthWith((t) => {
      t.vitals.bloodPressure = '132/90';
    });
    const normal = truthWith((t) => {
      t.vitals.bloodPressure = '139/89';
    });
    const cad = truthWith((t) => {
      t.diagnoses = [{ description: 'Coronary artery disease', icd10: 'I25.10' }];
    });

    expect(deriveRiskFactors(systolic, { tobacco: null })).toEqual([
      { factor: 'hypertension', severity: 'moderate', evidence: 'BP 140/80' },
    ]);
    expect(deriveRiskFactors(diastolic, { tobacco: null })).toHaveLength(1);
    expect(deriveRiskFactors(normal, { tobacco: null })).toEqual([]);
    expect(deriveRiskFactors(cad, { tobacco: null })).toEqual([
      { factor: 'coronary artery disease', severity: 'high', evidence: 'Coronary artery disease' },
    ]);
  });
});

describe('serialiseTruth', () => {
  it('writes every canonical section in order, with a trailing newline', () => {
    const text = serialiseTruth(emptyTruth('discharge_summary'));
    const parsed: unknown = JSON.parse(text);

    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(parsed ?? {})).toEqual([...TRUTH_KEYS]);
    expect(parsed).toMatchObject({
      encounter: { documentType: 'discharge_summary', dateOfService: null },
      allergies: [],
      socialHistory: { tobaccoUse: null, packYears: null },
    });
  });
});
