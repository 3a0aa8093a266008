/**
 * Whole-document checks for the rule-based extractor: each synthetic document
 * must give exactly the expected canonical extraction.
 */
import { describe, expect, it } from 'vitest';
import type { Extraction } from '#core/extraction/extraction.ts';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import {
  APS_CLEAN,
  APS_TABLE,
  DISCHARGE_DAY_FIRST,
  DISCHARGE_DOTTED,
  LAB_FAXED,
  LAB_STACKED,
  OFFICE_SOAP,
  OFFICE_UNTITLED,
} from './documents.ts';

const NO_VITALS = {
  bloodPressure: null,
  heartRate: null,
  heightCm: null,
  weightKg: null,
  bmi: null,
};
const NO_TOBACCO = { tobaccoUse: null, packYears: null };

describe('extractFields on attending physician statements', () => {
  it('reads a clean statement with labelled fields, coded diagnoses and US units', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Jane A. Doe', dateOfBirth: '1968-03-14', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2024-02-20',
        providerName: 'Robert K. Lee',
        facility: 'Riverside Medical Center',
        documentType: 'attending_physician_statement',
      },
      diagnoses: [
        { description: 'Type 2 diabetes mellitus without complications', icd10: 'E11.9' },
        { description: 'Essential hypertension', icd10: 'I10' },
        { description: 'Hyperlipidemia, unspecified', icd10: 'E78.5' },
      ],
      medications: [
        { name: 'Metformin', dose: '500 mg', frequency: 'twice daily' },
        { name: 'Lisinopril', dose: '10 mg', frequency: 'daily' },
        { name: 'Atorvastatin', dose: '20 mg', frequency: 'at bedtime' },
      ],
      allergies: ['Penicillin', 'sulfa'],
      vitals: {
        bloodPressure: '138/88',
        heartRate: 76,
        heightCm: 170.2,
        weightKg: 82.6,
        bmi: 28.5,
      },
      labs: [
        { test: 'HbA1c', value: 7.2, unit: '%', flag: 'H' },
        { test: 'Glucose, fasting', value: 126, unit: 'mg/dL', flag: 'H' },
      ],
      socialHistory: { tobaccoUse: 'former', packYears: 20 },
      riskFactors: [
        { factor: 'tobacco use', severity: 'low', evidence: 'Former smoker, 20 pack-years' },
        { factor: 'diabetes', severity: 'moderate', evidence: 'HbA1c 7.2 %' },
        { factor: 'hypertension', severity: 'moderate', evidence: 'Essential hypertension' },
      ],
    };

    // Act
    const extraction = extractFields(APS_CLEAN);

    // Assess
    expect(extraction).toEqual(expected);
  });

  it('reads a form with parts, a code-first diagnosis table, metric units and cigarettes per day', () => {
    // Prepare
    const expected: Extraction = {
      patient: {
        name: "Kathleen O'Brien-Walsh",
        dateOfBirth: '1975-10-30',
        sex: 'F',
        mrn: 'MR-88213',
      },
      encounter: {
        dateOfService: '2024-02-03',
        providerName: 'Alan Brooks',
        facility: 'Harbor Internal Medicine',
        documentType: 'attending_physician_statement',
      },
      diagnoses: [
        { description: 'Type 2 diabetes mellitus with hyperglycemia', icd10: 'E11.65' },
        { description: 'Atherosclerotic heart disease of native coronary artery', icd10: 'I25.10' },
        { description: 'Morbid (severe) obesity due to excess calories', icd10: 'E66.01' },
      ],
      medications: [
        { name: 'Insulin glargine', dose: '30 units', frequency: 'at bedtime' },
        { name: 'Metformin ER', dose: '1000 mg', frequency: 'BID' },
        { name: 'Aspirin', dose: '81 mg', frequency: 'daily' },
      ],
      allergies: ['Codeine', 'latex'],
      vitals: { bloodPressure: '146/92', heartRate: null, heightCm: 165, weightKg: 118, bmi: 43.3 },
      labs: [],
      socialHistory: { tobaccoUse: 'current', packYears: 10 },
      riskFactors: [
        {
          factor: 'tobacco use',
          severity: 'high',
          evidence: 'Smokes 10 cigarettes per day for 20 years',
        },
        { factor: 'obesity', severity: 'high', evidence: 'BMI: 43.3' },
        {
          factor: 'diabetes',
          severity: 'moderate',
          evidence: 'Type 2 diabetes mellitus with hyperglycemia',
        },
        { factor: 'hypertension', severity: 'moderate', evidence: 'Blood Pressure: 146/92' },
        {
          factor: 'coronary artery disease',
          severity: 'high',
          evidence: 'Atherosclerotic heart disease of native coronary artery',
        },
      ],
    };

    // Act
    const extraction = extractFields(APS_TABLE);

    // Assess
    expect(extraction).toEqual(expected);
  });
});

describe('extractFields on lab reports', () => {
  it('reads a faxed two-page report, deriving flags from reference ranges when none is printed', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'John R. Smith', dateOfBirth: '1959-11-02', sex: 'M', mrn: 'A1234567' },
      encounter: {
        dateOfService: '2024-03-14',
        providerName: 'Maria Gonzalez',
        facility: 'Northside Clinical Laboratories',
        documentType: 'lab_report',
      },
      diagnoses: [],
      medications: [],
      allergies: [],
      vitals: NO_VITALS,
      labs: [
        { test: 'HEMOGLOBIN A1C', value: 8.1, unit: '%', flag: 'H' },
        { test: 'Glucose, Fasting', value: 142, unit: 'mg/dL', flag: 'H' },
        { test: 'Total Cholesterol', value: 215, unit: 'mg/dL', flag: 'H' },
        { test: 'HDL Cholesterol', value: 38, unit: 'mg/dL', flag: 'L' },
        { test: 'LDL Cholesterol', value: 141, unit: 'mg/dL', flag: 'H' },
        { test: 'Creatinine', value: 0.9, unit: 'mg/dL', flag: 'N' },
        { test: 'eGFR', value: 92, unit: 'mL/min/1.73m2', flag: 'N' },
        { test: 'Urine Microalbumin', value: 12, unit: 'mg/L', flag: 'N' },
        { test: 'Hepatitis C Antibody', value: 'Non-reactive', unit: null, flag: null },
      ],
      socialHistory: NO_TOBACCO,
      riskFactors: [{ factor: 'diabetes', severity: 'moderate', evidence: 'HEMOGLOBIN A1C 8.1 %' }],
    };

    // Act
    const extraction = extractFields(LAB_FAXED);

    // Assess
    expect(extraction).toEqual(expected);
  });

  it('reads values printed on the line after their label', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Priya Raman', dateOfBirth: '1984-02-29', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2024-04-02',
        providerName: null,
        facility: 'Valley Diagnostics',
        documentType: 'lab_report',
      },
      diagnoses: [],
      medications: [],
      allergies: [],
      vitals: NO_VITALS,
      labs: [
        { test: 'TSH', value: 6.8, unit: 'uIU/mL', flag: 'H' },
        { test: 'Free T4', value: 0.7, unit: 'ng/dL', flag: 'L' },
        { test: 'Vitamin B12', value: 450, unit: 'pg/mL', flag: 'N' },
        { test: 'Potassium', value: 3.1, unit: 'mEq/L', flag: 'L' },
      ],
      socialHistory: NO_TOBACCO,
      riskFactors: [],
    };

    // Act
    const extraction = extractFields(LAB_STACKED);

    // Assess
    expect(extraction).toEqual(expected);
  });
});

describe('extractFields on discharge summaries', () => {
  it('reads a letter-spaced title and day-first slash dates, and takes the discharge date', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Ahmed Khan', dateOfBirth: '1971-06-24', sex: 'M', mrn: '00482913' },
      encounter: {
        dateOfService: '2024-07-07',
        providerName: "Sarah O'Connor",
        facility: "St. Mary's Hospital",
        documentType: 'discharge_summary',
      },
      diagnoses: [
        { description: 'NSTEMI', icd10: 'I21.4' },
        { description: 'Coronary artery disease, native vessel', icd10: 'I25.10' },
        { description: 'Hypertension', icd10: null },
      ],
      medications: [
        { name: 'Aspirin', dose: '81 mg', frequency: 'daily' },
        { name: 'Clopidogrel', dose: '75 mg', frequency: 'once daily' },
        { name: 'Metoprolol succinate', dose: '25 mg', frequency: 'daily' },
        { name: 'Atorvastatin', dose: '80 mg', frequency: 'nightly' },
      ],
      allergies: [],
      vitals: { bloodPressure: '128/76', heartRate: 68, heightCm: 178, weightKg: 92, bmi: 29 },
      labs: [],
      socialHistory: { tobaccoUse: 'current', packYears: 30 },
      riskFactors: [
        { factor: 'tobacco use', severity: 'high', evidence: 'He is a current smoker' },
        { factor: 'hypertension', severity: 'moderate', evidence: 'Hypertension' },
        { factor: 'coronary artery disease', severity: 'high', evidence: 'NSTEMI' },
      ],
    };

    // Act
    const extraction = extractFields(DISCHARGE_DAY_FIRST);

    // Assess
    expect(extraction).toEqual(expected);
  });

  it('reads dotted dates, odd spacing and capital headings, and drops the repeated page header', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Petra Novak', dateOfBirth: '1962-03-07', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2024-01-15',
        providerName: 'Jan Kowalski',
        facility: 'Lakeview Medical Center',
        documentType: 'discharge_summary',
      },
      diagnoses: [
        { description: 'Community acquired pneumonia', icd10: 'J18.9' },
        { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
      ],
      medications: [
        { name: 'Amoxicillin', dose: '875 mg', frequency: 'twice daily' },
        { name: 'Metformin', dose: '1 g', frequency: 'BID' },
      ],
      allergies: ['Sulfa drugs', 'Latex'],
      vitals: NO_VITALS,
      labs: [
        { test: 'WBC', value: 13.2, unit: 'x10^3/uL', flag: 'H' },
        { test: 'CRP', value: 86, unit: 'mg/L', flag: 'H' },
        { test: 'Hemoglobin A1c', value: 6.9, unit: '%', flag: null },
      ],
      socialHistory: { tobaccoUse: 'never', packYears: null },
      riskFactors: [{ factor: 'diabetes', severity: 'moderate', evidence: 'Hemoglobin A1c 6.9 %' }],
    };

    // Act
    const extraction = extractFields(DISCHARGE_DOTTED);

    // Assess
    expect(extraction).toEqual(expected);
  });
});

describe('extractFields on office notes', () => {
  it('reads a SOAP progress note with narrative sex, a month-name date and lb/in units', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Maria L. Garcia', dateOfBirth: '1980-07-09', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2024-01-22',
        providerName: 'Thomas Nguyen',
        facility: 'Lakeside Family Practice',
        documentType: 'office_note',
      },
      diagnoses: [
        { description: 'Essential hypertension, uncontrolled', icd10: null },
        { description: 'Obesity, BMI 30-39', icd10: 'E66.9' },
      ],
      medications: [{ name: 'Lisinopril', dose: '20 mg', frequency: 'once daily' }],
      allergies: [],
      vitals: {
        bloodPressure: '152/94',
        heartRate: 82,
        heightCm: 162.6,
        weightKg: 91.2,
        bmi: 34.5,
      },
      labs: [],
      socialHistory: { tobaccoUse: 'never', packYears: null },
      riskFactors: [
        { factor: 'obesity', severity: 'moderate', evidence: 'BMI 34.5' },
        { factor: 'hypertension', severity: 'moderate', evidence: 'BP 152/94' },
      ],
    };

    // Act
    const extraction = extractFields(OFFICE_SOAP);

    // Assess
    expect(extraction).toEqual(expected);
  });

  it('recognises an untitled note by its headings and splits inline lists', () => {
    // Prepare
    const expected: Extraction = {
      patient: { name: 'Wei Chen', dateOfBirth: null, sex: 'M', mrn: null },
      encounter: {
        dateOfService: '2024-05-06',
        providerName: null,
        facility: null,
        documentType: 'office_note',
      },
      diagnoses: [
        { description: 'Hyperlipidemia', icd10: 'E78.5' },
        { description: 'Prediabetes', icd10: 'R73.03' },
      ],
      medications: [
        { name: 'Atorvastatin', dose: '10 mg', frequency: 'daily' },
        { name: 'aspirin', dose: '81 mg', frequency: 'daily' },
      ],
      allergies: [],
      vitals: {
        bloodPressure: '118/76',
        heartRate: 64,
        heightCm: 177.8,
        weightKg: 79.8,
        bmi: null,
      },
      labs: [],
      socialHistory: { tobaccoUse: 'former', packYears: 15 },
      riskFactors: [
        {
          factor: 'tobacco use',
          severity: 'low',
          evidence: 'Quit smoking in 2015 after 15 pack-years',
        },
      ],
    };

    // Act
    const extraction = extractFields(OFFICE_UNTITLED);

    // Assess
    expect(extraction).toEqual(expected);
  });
});
