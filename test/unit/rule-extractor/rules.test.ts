/**
 * Rule-by-rule checks for the rule-based extractor: names, labels, document
 * types, list rows, vitals, tobacco phrases and risk thresholds, each on the
 * smallest text that exercises it.
 */
import { describe, expect, it } from 'vitest';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { extractAllergies } from '#local/bedrock/rules/allergies.ts';
import { detectDayFirst, findDate } from '#local/bedrock/rules/dates.ts';
import { extractDiagnoses } from '#local/bedrock/rules/diagnoses.ts';
import { classifyDocument } from '#local/bedrock/rules/document-type.ts';
import { findLabelledValues } from '#local/bedrock/rules/labels.ts';
import { parseLabRow } from '#local/bedrock/rules/labs.ts';
import { extractMedications } from '#local/bedrock/rules/medications.ts';
import { formatPersonName } from '#local/bedrock/rules/names.ts';
import { prepareLines } from '#local/bedrock/rules/text.ts';
import { extractTobacco } from '#local/bedrock/rules/tobacco.ts';
import { extractVitals } from '#local/bedrock/rules/vitals.ts';

describe('formatPersonName', () => {
  it.each([
    ['DOE, JANE A.', 'Jane A. Doe'],
    ['Smith, John MD', 'John Smith'],
    ['Dr. Alan Brooks', 'Alan Brooks'],
    ['Robert K. Lee, MD', 'Robert K. Lee'],
    ["O'BRIEN-WALSH, KATHLEEN", "Kathleen O'Brien-Walsh"],
    ['Gonzalez, Maria, M.D., FACP', 'Maria Gonzalez'],
    ['MCKAY, ROSS', 'Ross Mckay'],
  ])('formats %s as %s', (raw, expected) => {
    // Act
    const name = formatPersonName(raw);

    // Assess
    expect(name).toBe(expected);
  });

  it.each(['12345', '', 'MD', 'Seen in clinic on 03/04/2024 for follow-up of several things'])(
    'rejects %j as a name',
    (raw) => {
      // Act
      const name = formatPersonName(raw);

      // Assess
      expect(name).toBeNull();
    },
  );
});

describe('prepareLines', () => {
  it('drops fax banners, page markers, notices and rules, and keeps a repeated letterhead once', () => {
    // Prepare
    const text = [
      'MAR-15-2024 10:22 FROM: CLINIC 555-201-3344 TO: 555-888-1212',
      'Riverside Clinic Page 1 of 2',
      'Patient:\tJane  Doe',
      '_______________',
      'CONFIDENTIALITY NOTICE: intended only for the addressee.',
      '03/15/2024 10:23 AM FAX 5552013344 P.002/002',
      'Riverside Clinic Page 2 of 2',
      '(continued)',
      'Assessment',
    ].join('\r\n');

    // Act
    const lines = prepareLines(text);

    // Assess
    expect(lines).toEqual(['Riverside Clinic', 'Patient: Jane Doe', 'Assessment']);
  });

  it('joins letter-spaced titles and unifies quotes and dashes', () => {
    // Act
    const lines = prepareLines('L A B O R A T O R Y\nHt 5′7″ – BP 120/80');

    // Assess
    expect(lines).toEqual(['LABORATORY', `Ht 5'7" - BP 120/80`]);
  });
});

describe('findLabelledValues', () => {
  it('splits several labels on one line and does not read a physician name as the patient', () => {
    // Prepare
    const lines = ['Physician Name: Dr. Ng Patient Name: ROE, ANN DOB 01/02/1970 Age: 54'];

    // Act
    const values = findLabelledValues(lines).map((v) => [v.field, v.value]);

    // Assess
    expect(values).toEqual([
      ['providerName', 'Dr. Ng'],
      ['patientName', 'ROE, ANN'],
      ['dateOfBirth', '01/02/1970'],
    ]);
  });

  it('prefers Date of Service over a generic Date and a collection date', () => {
    // Prepare
    const text = 'Date: 03/01/2024\nCollected: 02/27/2024\nDate of Service: 02/28/2024';

    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction.encounter.dateOfService).toBe('2024-02-28');
  });
});

describe('dates', () => {
  it('reads slash dates month first unless the document shows a day above 12 first', () => {
    // Act
    const usDocument = detectDayFirst(['DOB: 03/07/1980', 'Visit: 11/20/2024']);
    const europeanDocument = detectDayFirst(['DOB: 03/07/1980', 'Visit: 20/11/2024']);

    // Assess
    expect(usDocument).toBe(false);
    expect(europeanDocument).toBe(true);
    expect(findDate('03/07/1980', usDocument)).toBe('1980-03-07');
    expect(findDate('03/07/1980', europeanDocument)).toBe('1980-07-03');
  });

  it.each([
    ['07.03.2024', '2024-03-07'],
    ['March 14, 1968 (56 y)', '1968-03-14'],
    ['14-Mar-1968', '1968-03-14'],
    ['1975-10-30', '1975-10-30'],
    ['3/14/68', null],
  ])('finds %s as %s', (value, expected) => {
    // Act
    const date = findDate(value, false);

    // Assess
    expect(date).toBe(expected);
  });
});

describe('classifyDocument', () => {
  it.each([
    [['Riverside Clinic', 'ATTENDING PHYSICIAN STATEMENT'], 'attending_physician_statement'],
    [['Lab Results', 'Patient: X'], 'lab_report'],
    [['CLINIC NOTE'], 'office_note'],
    [['Office Visit - Follow-up'], 'office_note'],
    [['Discharge Summary'], 'discharge_summary'],
    [
      ['Admission Date: 01/01/2024', 'Hospital Course:', 'Discharge Medications:'],
      'discharge_summary',
    ],
    [['Specimen: serum', 'Test Result Units Reference Range'], 'lab_report'],
    [['Attending Physician: Dr. Lee', 'Plan: rest'], null],
  ] as const)('classifies %j as %s', (lines, expected) => {
    // Act
    const type = classifyDocument(lines);

    // Assess
    expect(type).toBe(expected);
  });

  it('calls a document with fields but no type clue "other", and nothing at all null', () => {
    // Act
    const withFields = extractFields('Patient Name: Ann Roe\nDOB: 01/02/1970');
    const withNothing = extractFields('lorem ipsum dolor sit amet');

    // Assess
    expect(withFields.encounter.documentType).toBe('other');
    expect(withNothing.encounter.documentType).toBeNull();
  });
});

describe('extractDiagnoses', () => {
  it.each([
    ['Type 2 diabetes mellitus (E11.9)', 'Type 2 diabetes mellitus', 'E11.9'],
    ['E11.9 - Type 2 diabetes mellitus', 'Type 2 diabetes mellitus', 'E11.9'],
    ['I10 Essential hypertension', 'Essential hypertension', 'I10'],
    ['Hypertension - I10', 'Hypertension', 'I10'],
    ['Asthma, ICD-10: J45.909', 'Asthma', 'J45.909'],
    ['Chronic kidney disease stage 3 [n18.3]', 'Chronic kidney disease stage 3', 'N18.3'],
    ['2) Hyperlipidemia - continue statin', 'Hyperlipidemia', null],
    ['Sleep apnea, onset 2019', 'Sleep apnea', null],
    ['E78.5 Hyperlipidemia 03/2015', 'Hyperlipidemia', 'E78.5'],
  ])('reads %s', (line, description, icd10) => {
    // Act
    const diagnoses = extractDiagnoses([{ lines: [line] }]);

    // Assess
    expect(diagnoses).toEqual([{ description, icd10 }]);
  });

  it('keeps only list items when an assessment mixes them with narrative, and de-duplicates', () => {
    // Prepare
    const lines = [
      'Patient is doing well overall and was seen with her daughter.',
      '1. Hypertension (I10)',
      '2. GERD',
      '3. hypertension',
    ];

    // Act
    const diagnoses = extractDiagnoses([{ lines }]);

    // Assess
    expect(diagnoses).toEqual([
      { description: 'Hypertension', icd10: 'I10' },
      { description: 'GERD', icd10: null },
    ]);
  });

  it('skips table headings and "none"', () => {
    // Act
    const diagnoses = extractDiagnoses([{ lines: ['ICD-10 Code Description', 'None'] }]);

    // Assess
    expect(diagnoses).toEqual([]);
  });
});

describe('extractMedications', () => {
  it.each([
    ['Metformin 500 mg twice daily', 'Metformin', '500 mg', 'twice daily'],
    ['Lisinopril 10 mg PO daily', 'Lisinopril', '10 mg', 'daily'],
    ['HYDROCHLOROTHIAZIDE 25MG TAB 1 TAB QAM #90', 'Hydrochlorothiazide', '25 mg', 'QAM'],
    ['Albuterol HFA 90 mcg inhaled q4h prn', 'Albuterol HFA', '90 mcg', 'q4h prn'],
    [
      'Hydrocodone/APAP 5/325 mg every 6 hours as needed',
      'Hydrocodone/APAP',
      '5/325 mg',
      'every 6 hours as needed',
    ],
    ['Levothyroxine 75 mcg', 'Levothyroxine', '75 mcg', null],
    ['Aspirin daily', 'Aspirin', null, 'daily'],
  ])('reads %s', (line, name, dose, frequency) => {
    // Act
    const medications = extractMedications([{ lines: [line], inline: false }]);

    // Assess
    expect(medications).toEqual([{ name, dose, frequency }]);
  });

  it('splits an inline list only when every part has a dose, and ignores remarks', () => {
    // Prepare
    const blocks = [
      { lines: ['Metformin 1000 mg BID; Jardiance 10 mg daily'], inline: true },
      { lines: ['Medications reviewed and reconciled.', 'Drug Dose Frequency'], inline: false },
      { lines: ['None'], inline: true },
    ];

    // Act
    const medications = extractMedications(blocks);

    // Assess
    expect(medications).toEqual([
      { name: 'Metformin', dose: '1000 mg', frequency: 'BID' },
      { name: 'Jardiance', dose: '10 mg', frequency: 'daily' },
    ]);
  });
});

describe('extractAllergies', () => {
  it.each([
    [['Penicillin (rash, hives), sulfa'], ['Penicillin', 'sulfa']],
    [['NKDA'], []],
    [['No known drug allergies.'], []],
    [
      ['Allergen Reaction', 'Penicillin Hives', 'Shellfish anaphylaxis'],
      ['Penicillin', 'Shellfish'],
    ],
    [['Codeine - nausea and latex'], ['Codeine', 'latex']],
    [['ACE INHIBITORS: cough'], ['ACE Inhibitors']],
  ])('reads %j', (lines, expected) => {
    // Act
    const allergies = extractAllergies(lines);

    // Assess
    expect(allergies).toEqual(expected);
  });
});

describe('extractVitals', () => {
  it.each([
    [`BP: 120/80 mmHg Pulse: 72 bpm Height: 5 ft 4 in Weight: 150 lbs`, '120/80', 72, 162.6, 68],
    ['Blood pressure was 142/91, heart rate 101', '142/91', 101, null, null],
    ['Ht 1.82 m Wt 90 kg', null, null, 182, 90],
    ['Height: 70 Weight: 200', null, null, 177.8, 90.7],
    ['Height 172 Weight 80', null, null, 172, 80],
  ])('reads %s', (line, bloodPressure, heartRate, heightCm, weightKg) => {
    // Act
    const vitals = extractVitals([line]);

    // Assess
    expect(vitals).toMatchObject({ bloodPressure, heartRate, heightCm, weightKg, bmi: null });
  });

  it('reports a stated BMI only, never one computed from height and weight', () => {
    // Act
    const stated = extractVitals(['BMI 31.2 kg/m2']);
    const notStated = extractVitals(['Height: 170 cm Weight: 95 kg']);

    // Assess
    expect(stated.bmi).toBe(31.2);
    expect(stated.evidence.bmi).toBe('BMI 31.2');
    expect(notStated.bmi).toBeNull();
  });

  it('does not read vitals glued to other words', () => {
    // Act
    const vitals = extractVitals(['HRT 12 months; weight loss of 10 lb; SBP120/80']);

    // Assess
    expect(vitals).toMatchObject({ bloodPressure: null, heartRate: null, weightKg: null });
  });
});

describe('parseLabRow', () => {
  it.each([
    ['HbA1c 7.2 % 4.0-5.6 H', { test: 'HbA1c', value: 7.2, unit: '%', flag: 'H' }],
    [
      'Glucose, fasting 126 mg/dL (70-99) H',
      { test: 'Glucose, fasting', value: 126, unit: 'mg/dL', flag: 'H' },
    ],
    [
      'Glucose, 2 hr 180 mg/dL 70-139',
      { test: 'Glucose, 2 hr', value: 180, unit: 'mg/dL', flag: 'H' },
    ],
    ['Sodium 132 mmol/L 135 - 145', { test: 'Sodium', value: 132, unit: 'mmol/L', flag: 'L' }],
    [
      'Platelets 1,250 K/uL 150-400 HH',
      { test: 'Platelets', value: 1250, unit: 'K/uL', flag: 'H' },
    ],
    ['Ferritin 35 ng/mL (15-150 ng/mL)', { test: 'Ferritin', value: 35, unit: 'ng/mL', flag: 'N' }],
    [
      'Troponin I <0.01 ng/mL <0.04',
      { test: 'Troponin I', value: '<0.01', unit: 'ng/mL', flag: null },
    ],
    ['HDL 40 mg/dL >40', { test: 'HDL', value: 40, unit: 'mg/dL', flag: 'L' }],
    [
      'Triglycerides 150 mg/dL <150',
      { test: 'Triglycerides', value: 150, unit: 'mg/dL', flag: 'H' },
    ],
    ['PSA 2.1 ng/mL', { test: 'PSA', value: 2.1, unit: 'ng/mL', flag: null }],
    ['HIV 1/2 Ab Negative', { test: 'HIV 1/2 Ab', value: 'Negative', unit: null, flag: null }],
    ['TSH 5.9 H uIU/mL 0.4-4.0', { test: 'TSH', value: 5.9, unit: 'uIU/mL', flag: 'H' }],
  ])('reads %s', (line, expected) => {
    // Act
    const lab = parseLabRow(line);

    // Assess
    expect(lab).toEqual(expected);
  });

  it.each([
    'Metformin 500 mg twice daily',
    'BP 138/88',
    'SpO2 98 % 95-100',
    'Collected: 03/14/2024 08:15',
    'MRN: 12345',
    'Age: 56 Y',
    'Test Result Units Reference Range Flag',
    'Specimen 2 tubes received',
  ])('does not read %s as a result', (line) => {
    // Act
    const lab = parseLabRow(line);

    // Assess
    expect(lab).toBeNull();
  });
});

describe('extractTobacco', () => {
  it.each([
    ['Denies tobacco, alcohol or drug use.', 'never', null],
    ['Never smoker.', 'never', null],
    ['Non-smoker', 'never', null],
    ['Tobacco use: No', 'never', null],
    ['Quit smoking in 2015.', 'former', null],
    ['Former smoker, 20 pack-years.', 'former', 20],
    ['Smoked 1 ppd for 30 years, quit 2010.', 'former', 30],
    ['Smokes 1 ppd for 30 years.', 'current', 30],
    ['Current every day smoker, 1.5 packs per day for 20 years', 'current', 30],
    ['Smoking status: Current', 'current', null],
    ['She smokes half a pack a day for 10 years', 'current', 5],
    ['Chews tobacco daily.', 'current', null],
    ['Smoking status: Unknown', 'unknown', null],
    ['History of a 40 pack-year habit.', 'unknown', 40],
    ['Drinks two beers a week.', null, null],
  ])('reads %j as %s with %s pack-years', (text, tobaccoUse, packYears) => {
    // Act
    const tobacco = extractTobacco([text]);

    // Assess
    expect({ tobaccoUse: tobacco.tobaccoUse, packYears: tobacco.packYears }).toEqual({
      tobaccoUse,
      packYears,
    });
  });

  it('quotes the clause that decided the status, without its label', () => {
    // Act
    const tobacco = extractTobacco([
      'Social History: Lives alone; smokes 1 ppd for 30 years. No alcohol.',
    ]);

    // Assess
    expect(tobacco.evidence).toBe('smokes 1 ppd for 30 years');
  });
});
