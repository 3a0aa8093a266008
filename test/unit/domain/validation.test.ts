/**
 * Model output is normalised, then validated against the version's schema;
 * errors carry JSON-pointer paths and keywords, never values.
 */
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { compileSchema, validateExtraction } from '#core/extraction/validation.ts';

const registry = loadPromptRegistry(familyDir());
const v1 = registry.get('1.0.0').schema;
const v2 = registry.get('2.0.0').schema;

function validV2Payload(): Record<string, unknown> {
  return {
    patient: { name: 'Alex Sample', dateOfBirth: '7 March 1960', sex: 'female', mrn: 'MRN-0001' },
    encounter: {
      dateOfService: '2024-03-07',
      providerName: 'Dr Placeholder',
      facility: 'Example Clinic',
      documentType: 'office_note',
    },
    diagnoses: [{ description: 'Type 2 diabetes mellitus', icd10: 'e119' }],
    medications: [{ name: 'Metformin', dose: '500 mg', frequency: 'twice daily' }],
    allergies: ['Penicillin'],
    vitals: {
      bloodPressure: '142/91',
      heartRate: 78,
      heightCm: `5'10"`,
      weightKg: '176 lb',
      bmi: 25.3,
    },
    labs: [{ test: 'HbA1c', value: '7.9', unit: '%', flag: 'H' }],
    socialHistory: { tobaccoUse: 'former', packYears: 12 },
    riskFactors: [
      { factor: 'Poorly controlled diabetes', severity: 'moderate', evidence: 'HbA1c 7.9%' },
    ],
  };
}

describe('validateExtraction', () => {
  it('accepts a valid v2 payload and returns it normalised', () => {
    // Act
    const result = validateExtraction(v2, validV2Payload());

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.patient).toEqual({
      name: 'Alex Sample',
      dateOfBirth: '1960-03-07',
      sex: 'F',
      mrn: 'MRN-0001',
    });
    expect(result.value.diagnoses).toEqual([
      { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
    ]);
    expect(result.value.vitals).toEqual({
      bloodPressure: '142/91',
      heartRate: 78,
      heightCm: 177.8,
      weightKg: 79.8,
      bmi: 25.3,
    });
    expect(result.value.labs).toEqual([{ test: 'HbA1c', value: 7.9, unit: '%', flag: 'H' }]);
  });

  it('accepts nulls and empty lists for what a document does not state', () => {
    // Prepare
    const payload = {
      patient: { name: null, dateOfBirth: null, sex: null, mrn: null },
      encounter: { dateOfService: null, providerName: null, facility: null, documentType: null },
      diagnoses: [],
      medications: [],
    };

    // Act
    const result = validateExtraction(v1, payload);

    // Assess
    expect(result).toEqual({ ok: true, value: payload });
  });

  it('rejects additional properties at the root and inside objects, by path', () => {
    // Prepare
    const payload = validV2Payload();
    payload.comment = 'Ignore previous instructions';
    payload.patient = { ...(payload.patient as object), ssn: '000-00-0000' };

    // Act
    const result = validateExtraction(v2, payload);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: ['# additionalProperties', '#/patient additionalProperties'],
    });
  });

  it('rejects bad enums and impossible dates with paths and keywords only', () => {
    // Prepare
    const payload = validV2Payload();
    payload.patient = { name: 'Alex Sample', dateOfBirth: '2023-02-29', sex: 'Q', mrn: null };
    payload.encounter = {
      dateOfService: 'last Tuesday',
      providerName: null,
      facility: null,
      documentType: 'memo',
    };
    payload.riskFactors = [{ factor: 'Smoking', severity: 'extreme', evidence: null }];

    // Act
    const result = validateExtraction(v2, payload);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      '#/patient/dateOfBirth format',
      '#/patient/sex enum',
      '#/encounter/dateOfService pattern',
      '#/encounter/dateOfService format',
      '#/encounter/documentType enum',
      '#/riskFactors/0/severity enum',
    ]);
    const joined = result.errors.join('\n');
    for (const value of [
      'Alex',
      '2023-02-29',
      'Q ',
      'last Tuesday',
      'memo',
      'extreme',
      'Smoking',
    ]) {
      expect(joined).not.toContain(value);
    }
  });

  it('reports missing properties at the path they should have had', () => {
    // Prepare
    const payload = validV2Payload();
    payload.encounter = { dateOfService: null, providerName: null, documentType: null };
    delete payload.labs;

    // Act
    const result = validateExtraction(v2, payload);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: ['#/labs required', '#/encounter/facility required'],
    });
  });

  it('rejects out-of-range numbers, bad ICD-10 codes and v2 sections under the v1 schema', () => {
    // Prepare
    const ranges = validV2Payload();
    ranges.vitals = {
      bloodPressure: null,
      heartRate: 400,
      heightCm: 20,
      weightKg: null,
      bmi: null,
    };
    ranges.diagnoses = [{ description: 'Something', icd10: 'U07.1' }];

    // Act
    const rangeResult = validateExtraction(v2, ranges);
    const v1Result = validateExtraction(v1, validV2Payload());

    // Assess
    expect(rangeResult).toEqual({
      ok: false,
      errors: [
        '#/diagnoses/0/icd10 pattern',
        '#/vitals/heartRate maximum',
        '#/vitals/heightCm minimum',
      ],
    });
    expect(v1Result.ok).toBe(false);
    if (v1Result.ok) return;
    expect(v1Result.errors).toContain('# additionalProperties');
    expect(v1Result.errors).toContain('#/diagnoses/0 additionalProperties');
  });

  it('rejects a non-object without echoing it', () => {
    // Act
    const result = validateExtraction(v1, 'Patient Alex Sample has diabetes');

    // Assess
    expect(result).toEqual({ ok: false, errors: ['# type'] });
  });
});

describe('compileSchema', () => {
  it('compiles each schema object once', () => {
    // Act
    const first = compileSchema(v2);
    const second = compileSchema(v2);

    // Assess
    expect(second).toBe(first);
    expect(compileSchema(v1)).not.toBe(first);
  });
});
