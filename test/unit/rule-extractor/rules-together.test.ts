/**
 * Rules working together on short texts: risk-factor thresholds and
 * precedence, form conventions, page furniture, headings and narrative
 * phrasing, each on the smallest text that exercises it.
 */
import { describe, expect, it } from 'vitest';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { parseLabRow } from '#local/bedrock/rules/labs.ts';
import { extractMedications } from '#local/bedrock/rules/medications.ts';
import { formatPersonName } from '#local/bedrock/rules/names.ts';
import { deriveRiskFactors, type RiskInputs } from '#local/bedrock/rules/risk-factors.ts';
import { extractTobacco } from '#local/bedrock/rules/tobacco.ts';

describe('deriveRiskFactors', () => {
  const none: RiskInputs = {
    diagnoses: [],
    labs: [],
    bloodPressure: null,
    bloodPressureEvidence: null,
    bmi: null,
    bmiEvidence: null,
    tobaccoUse: null,
    tobaccoEvidence: null,
  };

  it.each([
    [29.9, []],
    [30, [{ factor: 'obesity', severity: 'moderate', evidence: 'BMI 30' }]],
    [39.9, [{ factor: 'obesity', severity: 'moderate', evidence: 'BMI 39.9' }]],
    [40, [{ factor: 'obesity', severity: 'high', evidence: 'BMI 40' }]],
  ])('grades a stated BMI of %s', (bmi, expected) => {
    // Act
    const factors = deriveRiskFactors({ ...none, bmi, bmiEvidence: `BMI ${bmi}` });

    // Assess
    expect(factors).toEqual(expected);
  });

  it.each([
    ['139/89', false],
    ['140/70', true],
    ['128/90', true],
  ])('treats a blood pressure of %s as hypertension: %s', (bloodPressure, flagged) => {
    // Act
    const factors = deriveRiskFactors({
      ...none,
      bloodPressure,
      bloodPressureEvidence: `BP ${bloodPressure}`,
    });

    // Assess
    expect(factors).toEqual(
      flagged
        ? [{ factor: 'hypertension', severity: 'moderate', evidence: `BP ${bloodPressure}` }]
        : [],
    );
  });

  it('flags diabetes from an HbA1c of 6.5 or more, not 6.4', () => {
    // Act
    const high = deriveRiskFactors({
      ...none,
      labs: [{ test: 'Hemoglobin A1c', value: 6.5, unit: '%' }],
    });
    const normal = deriveRiskFactors({ ...none, labs: [{ test: 'HbA1c', value: 6.4, unit: '%' }] });

    // Assess
    expect(high).toEqual([
      { factor: 'diabetes', severity: 'moderate', evidence: 'Hemoglobin A1c 6.5 %' },
    ]);
    expect(normal).toEqual([]);
  });

  it('flags coronary disease and myocardial infarction as high, by description or code', () => {
    // Act
    const factors = deriveRiskFactors({
      ...none,
      diagnoses: [
        { description: 'Old MI', icd10: null },
        { description: 'Pulmonary hypertension', icd10: 'I27.20' },
        { description: 'Chest pain', icd10: 'I20.9' },
      ],
    });

    // Assess
    expect(factors).toEqual([
      { factor: 'coronary artery disease', severity: 'high', evidence: 'Old MI' },
    ]);
  });

  it('grades current smoking high and former smoking low', () => {
    // Act
    const current = deriveRiskFactors({
      ...none,
      tobaccoUse: 'current',
      tobaccoEvidence: 'smokes',
    });
    const former = deriveRiskFactors({
      ...none,
      tobaccoUse: 'former',
      tobaccoEvidence: 'quit 2001',
    });
    const never = deriveRiskFactors({ ...none, tobaccoUse: 'never', tobaccoEvidence: 'never' });

    // Assess
    expect(current).toEqual([{ factor: 'tobacco use', severity: 'high', evidence: 'smokes' }]);
    expect(former).toEqual([{ factor: 'tobacco use', severity: 'low', evidence: 'quit 2001' }]);
    expect(never).toEqual([]);
  });
});

describe('form conventions', () => {
  it('reads ticked tobacco boxes and a labelled pack-year count', () => {
    // Act
    const current = extractTobacco([
      'Tobacco use: [X] Current [ ] Former [ ] Never',
      'Pack-years: 36',
    ]);
    const never = extractTobacco(['Smoking: [ ] Current [ ] Former [x] Never']);
    const otherQuestion = extractTobacco(['Alcohol: [X] Yes [ ] No']);

    // Assess
    expect(current).toEqual({
      tobaccoUse: 'current',
      packYears: 36,
      evidence: 'Tobacco use: Current',
    });
    expect(never.tobaccoUse).toBe('never');
    expect(otherQuestion.tobaccoUse).toBeNull();
  });

  it('reads labels with a format note and follows the date order the form states', () => {
    // Prepare
    const text = [
      'Patient Name: Ann Roe Date of Birth (DD/MM/YYYY): 03/04/1970',
      'Date of Service (DD/MM/YYYY): 05/06/2024',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.patient.dateOfBirth).toBe('1970-04-03');
    expect(extraction.encounter.dateOfService).toBe('2024-06-05');
  });

  it('keeps a hyphenated record number whole and stops a value at an application number', () => {
    // Prepare
    const text = [
      'Sex: F Medical Record #: MRN-8722866',
      'Facility: Stonebridge Internal Medicine Application No.: LP-9853626',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.patient.mrn).toBe('MRN-8722866');
    expect(extraction.encounter.facility).toBe('Stonebridge Internal Medicine');
  });

  it('writes a lone middle initial with its full stop', () => {
    // Act
    const name = formatPersonName('ROSALIND K MARCHETTI');

    // Assess
    expect(name).toBe('Rosalind K. Marchetti');
  });
});

describe('page furniture', () => {
  it('drops a repeated footer next to page markers, even where it follows a list', () => {
    // Prepare
    const text = [
      'Riverside Clinic',
      'OFFICE NOTE',
      'Patient: Ann Roe',
      'Allergies',
      'Latex',
      'Riverside Clinic - Office Note Page 1 of 2',
      'Sample record for testing - internal copy',
      'Penicillin',
      'Riverside Clinic - Office Note Page 2 of 2',
      'Sample record for testing - internal copy',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.allergies).toEqual(['Latex', 'Penicillin']);
  });
});

describe('headings', () => {
  it('accepts a qualifier before a heading and a note after it, and a field line right under it', () => {
    // Prepare
    const text = [
      'Recent laboratory results (last 90 days)',
      'Collected 05/04/2024.',
      'Hemoglobin A1c 7.6 % 4.0-5.6 H',
      'VITAL SIGNS (MOST RECENT VISIT)',
      'BP 120/80',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.labs).toEqual([{ test: 'Hemoglobin A1c', value: 7.6, unit: '%', flag: 'H' }]);
    expect(extraction.encounter.dateOfService).toBe('2024-05-04');
  });

  it('ends an inline allergy list at its own line', () => {
    // Act
    const extraction = extractFields('Allergies: Sulfa drugs\nBlood Pressure: 129/83 Pulse: 74');

    // Assess
    expect(extraction.allergies).toEqual(['Sulfa drugs']);
  });

  it('reads a code whose description wrapped onto the next line', () => {
    // Prepare
    const text = [
      'Clinical information (ICD-10): E78.5 Hyperlipidemia, unspecified; E66.9',
      'Obesity, unspecified',
      'Community acquired pneumonia - J18.9',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.diagnoses).toEqual([
      { description: 'Hyperlipidemia, unspecified', icd10: 'E78.5' },
      { description: 'Obesity, unspecified', icd10: 'E66.9' },
      { description: 'Community acquired pneumonia', icd10: 'J18.9' },
    ]);
  });

  it('reads coded diagnoses from a lab report clinical information line that wraps', () => {
    // Prepare
    const text = [
      'LABORATORY REPORT',
      'Clinical information (ICD-10): K21.9 Gastro-esophageal reflux disease; E66.9 Obesity,',
      'unspecified',
      'Comment: Targets depend on overall risk; interpret alongside history.',
    ].join('\n');

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.diagnoses).toEqual([
      { description: 'Gastro-esophageal reflux disease', icd10: 'K21.9' },
      { description: 'Obesity, unspecified', icd10: 'E66.9' },
    ]);
  });
});

describe('narrative and unusual results', () => {
  it('reads results written in a sentence', () => {
    // Prepare
    const lines = [
      'Laboratory studies were notable for hemoglobin A1c of 6.7 %, LDL cholesterol of 172 mg/dL,',
      'hemoglobin of 12.9 g/dL and creatinine of 0.68 mg/dL (0.6-1.1). Weight of 82 kg.',
    ];

    // Act
    const extraction = extractFields(lines.join('\n'));

    // Assess
    expect(extraction.labs).toEqual([
      { test: 'hemoglobin A1c', value: 6.7, unit: '%', flag: null },
      { test: 'LDL cholesterol', value: 172, unit: 'mg/dL', flag: null },
      { test: 'hemoglobin', value: 12.9, unit: 'g/dL', flag: null },
      { test: 'creatinine', value: 0.68, unit: 'mg/dL', flag: 'N' },
    ]);
  });

  it('joins a unit wrapped after its slash', () => {
    // Act
    const extraction = extractFields(
      'Labs were notable for white blood cell count of 7.7 x10E3/\nuL. BP 123/62.',
    );

    // Assess
    expect(extraction.labs).toEqual([
      { test: 'white blood cell count', value: 7.7, unit: 'x10E3/uL', flag: null },
    ]);
  });

  it('keeps a two-word unit and a truncated eGFR unit', () => {
    // Act
    const ratio = parseLabRow('Microalbumin/Creatinine Ratio 22 mg/g creat 0-29');
    const egfr = parseLabRow('eGFR 74 mL/min/1.73 >59 N');

    // Assess
    expect(ratio).toEqual({
      test: 'Microalbumin/Creatinine Ratio',
      value: 22,
      unit: 'mg/g creat',
      flag: 'N',
    });
    expect(egfr).toEqual({ test: 'eGFR', value: 74, unit: 'mL/min/1.73', flag: 'N' });
  });

  it('keeps an inhaler dose with its per-actuation unit and puff count', () => {
    // Act
    const medications = extractMedications([
      {
        lines: [
          '- Albuterol HFA 90 mcg/actuation, 2 puffs inhaled every 6 hours as needed',
          '- Fluticasone HFA 110 mcg, 2 puffs BID',
        ],
        inline: false,
      },
    ]);

    // Assess
    expect(medications).toEqual([
      {
        name: 'Albuterol HFA',
        dose: '90 mcg/actuation, 2 puffs',
        frequency: 'every 6 hours as needed',
      },
      { name: 'Fluticasone HFA', dose: '110 mcg, 2 puffs', frequency: 'BID' },
    ]);
  });
});

describe('risk factor precedence', () => {
  const base: RiskInputs = {
    diagnoses: [{ description: 'Obesity, unspecified', icd10: 'E66.9' }],
    labs: [],
    bloodPressure: null,
    bloodPressureEvidence: null,
    bmi: null,
    bmiEvidence: null,
    tobaccoUse: null,
    tobaccoEvidence: null,
  };

  it('uses an obesity diagnosis only when no BMI is stated', () => {
    // Act
    const withoutBmi = deriveRiskFactors(base);
    const withNormalBmi = deriveRiskFactors({ ...base, bmi: 27.1, bmiEvidence: 'BMI 27.1' });

    // Assess
    expect(withoutBmi).toEqual([
      { factor: 'obesity', severity: 'moderate', evidence: 'Obesity, unspecified' },
    ]);
    expect(withNormalBmi).toEqual([]);
  });

  it('quotes a measurement before a diagnosis', () => {
    // Act
    const factors = deriveRiskFactors({
      ...base,
      diagnoses: [
        { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
        { description: 'Essential hypertension', icd10: 'I10' },
      ],
      labs: [{ test: 'HbA1c', value: 8.1, unit: '%' }],
      bloodPressure: '150/95',
      bloodPressureEvidence: 'BP 150/95',
    });

    // Assess
    expect(factors).toEqual([
      { factor: 'diabetes', severity: 'moderate', evidence: 'HbA1c 8.1 %' },
      { factor: 'hypertension', severity: 'moderate', evidence: 'BP 150/95' },
    ]);
  });
});
