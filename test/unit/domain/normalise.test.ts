/**
 * The whole-extraction normaliser turns a model's tool input into canonical
 * form section by section, keeping what it cannot read for the validator.
 */
import { describe, expect, it } from 'vitest';
import { normaliseExtraction } from '#core/extraction/normalise.ts';

describe('normaliseExtraction', () => {
  it('normalises every canonical field and keeps unknown keys', () => {
    // Prepare
    const raw = {
      patient: { name: '  Test Person ', dateOfBirth: '7 March 1960', sex: 'female', mrn: '' },
      encounter: {
        dateOfService: '03/07/2024',
        providerName: 'Dr Example',
        facility: 'n/a',
        documentType: 'Office Note',
      },
      diagnoses: [{ description: 'Type 2 diabetes', icd10: 'e119' }],
      medications: [{ name: 'Metformin', dose: '500 mg', frequency: '' }],
      allergies: ['Penicillin', '', 'NKDA'],
      vitals: {
        bloodPressure: '120 / 80 mmHg',
        heartRate: '72 bpm',
        heightCm: `5'10"`,
        weightKg: '176 lb',
        bmi: '25.3',
      },
      labs: [
        { test: 'HbA1c', value: '7.2', unit: '%', flag: 'high' },
        { test: 'HIV', value: 'negative', unit: null, flag: 'N' },
        { test: '', value: '', unit: '', flag: '' },
      ],
      socialHistory: { tobaccoUse: 'Ex-smoker', packYears: '10 pack-years' },
      riskFactors: [{ factor: 'Diabetes', severity: 'Medium', evidence: 'HbA1c 7.2%' }],
      notes: ' free text ',
    };

    // Act
    const result = normaliseExtraction(raw);

    // Assess
    expect(result).toEqual({
      patient: { name: 'Test Person', dateOfBirth: '1960-03-07', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2024-03-07',
        providerName: 'Dr Example',
        facility: 'n/a',
        documentType: 'office_note',
      },
      diagnoses: [{ description: 'Type 2 diabetes', icd10: 'E11.9' }],
      medications: [{ name: 'Metformin', dose: '500 mg', frequency: null }],
      allergies: ['Penicillin'],
      vitals: {
        bloodPressure: '120/80',
        heartRate: 72,
        heightCm: 177.8,
        weightKg: 79.8,
        bmi: 25.3,
      },
      labs: [
        { test: 'HbA1c', value: 7.2, unit: '%', flag: 'H' },
        { test: 'HIV', value: 'negative', unit: null, flag: 'N' },
      ],
      socialHistory: { tobaccoUse: 'former', packYears: 10 },
      riskFactors: [{ factor: 'Diabetes', severity: 'moderate', evidence: 'HbA1c 7.2%' }],
      notes: 'free text',
    });
  });

  it('keeps values it cannot read so the validator can name them', () => {
    // Prepare
    const raw = {
      patient: { name: null, dateOfBirth: 'sometime in spring', sex: 'q', mrn: null },
      vitals: { heightCm: 'tall', heartRate: 'fast', bloodPressure: 'unknown' },
    };

    // Act
    const result = normaliseExtraction(raw);

    // Assess
    expect(result).toEqual({
      patient: { name: null, dateOfBirth: 'sometime in spring', sex: 'q', mrn: null },
      vitals: { heightCm: 'tall', heartRate: 'fast', bloodPressure: null },
    });
  });

  it('drops canonical sections outside fieldsAllowed but keeps unknown keys', () => {
    // Prepare
    const raw = { patient: { sex: 'M' }, vitals: { bmi: '22' }, extra: 1 };

    // Act
    const result = normaliseExtraction(raw, ['patient']);

    // Assess
    expect(result).toEqual({ patient: { sex: 'M' }, extra: 1 });
  });

  it('returns non-objects unchanged and never mutates its input', () => {
    // Prepare
    const raw = { patient: { sex: 'male' } };

    // Act
    const result = normaliseExtraction(raw);

    // Assess
    expect(normaliseExtraction('text')).toBe('text');
    expect(normaliseExtraction(null)).toBeNull();
    expect(normaliseExtraction([1])).toEqual([1]);
    expect(result).toEqual({ patient: { sex: 'M' } });
    expect(raw).toEqual({ patient: { sex: 'male' } });
  });
});
