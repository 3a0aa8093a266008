/**
 * Completeness is the weighted share of required fields that are present with
 * a value of the right shape; values checked against hand-computed fractions.
 */
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { scoreCompleteness, subschemaAt } from '#core/extraction/completeness.ts';
import type { PromptMetadata } from '#core/prompts/types.ts';

const v2 = loadPromptRegistry(familyDir()).get('2.0.0');

function fullExtraction(): Record<string, Record<string, unknown> | unknown[]> {
  return {
    patient: { name: 'Alex Sample', dateOfBirth: '1960-03-07', sex: 'F', mrn: null },
    encounter: {
      dateOfService: '2024-03-07',
      providerName: 'Dr Placeholder',
      facility: null,
      documentType: 'office_note',
    },
    diagnoses: [{ description: 'Hypertension', icd10: null }],
    medications: [{ name: 'Lisinopril', dose: null, frequency: null }],
    allergies: [],
    vitals: { bloodPressure: null, heartRate: null, heightCm: null, weightKg: null, bmi: null },
    labs: [],
    socialHistory: { tobaccoUse: null, packYears: null },
    riskFactors: [],
  };
}

describe('scoreCompleteness', () => {
  it('scores every required field present as 1 regardless of optional fields', () => {
    // Act
    const score = scoreCompleteness(v2.metadata.fields, fullExtraction(), v2.schema);

    // Assess
    expect(score).toEqual({
      completeness: 1,
      allRequiredPresent: true,
      requiredPresent: 8,
      requiredTotal: 8,
      missing: [],
    });
  });

  it('weights 2,2,1,2,1,2,2,1 with a weight-2 and a weight-1 field missing gives 10/13', () => {
    // Prepare
    const extraction = fullExtraction();
    extraction.patient = { name: 'Alex Sample', dateOfBirth: null, sex: 'F', mrn: null };
    extraction.medications = [];

    // Act
    const score = scoreCompleteness(v2.metadata.fields, extraction, v2.schema);

    // Assess
    expect(score).toEqual({
      completeness: 0.7692,
      allRequiredPresent: false,
      requiredPresent: 6,
      requiredTotal: 8,
      missing: ['patient.dateOfBirth', 'medications'],
    });
  });

  it('counts empty strings, nulls, empty lists and wrong shapes as absent', () => {
    // Prepare
    const extraction = fullExtraction();
    extraction.patient = { name: '  ', dateOfBirth: '07/03/1960', sex: 'Q', mrn: null };
    extraction.encounter = {
      dateOfService: '2024-03-07',
      providerName: 42,
      facility: null,
      documentType: 'memo',
    };
    extraction.diagnoses = [];

    // Act
    const withSchema = scoreCompleteness(v2.metadata.fields, extraction, v2.schema);
    const withoutSchema = scoreCompleteness(v2.metadata.fields, extraction);

    // Assess: present are dateOfService (2) and medications (1) -> 3/13.
    expect(withSchema).toEqual({
      completeness: 0.2308,
      allRequiredPresent: false,
      requiredPresent: 2,
      requiredTotal: 8,
      missing: [
        'patient.name',
        'patient.dateOfBirth',
        'patient.sex',
        'encounter.providerName',
        'encounter.documentType',
        'diagnoses',
      ],
    });
    // Without the schema enums are not known: sex 'Q' (1) and documentType 'memo' (2) count -> 6/13.
    expect(withoutSchema.completeness).toBe(0.4615);
    expect(withoutSchema.missing).toEqual([
      'patient.name',
      'patient.dateOfBirth',
      'encounter.providerName',
      'diagnoses',
    ]);
  });

  it('rejects a list whose items break the schema', () => {
    // Prepare
    const extraction = fullExtraction();
    extraction.diagnoses = [{ description: 'Hypertension', icd10: 'not-a-code' }];

    // Act
    const score = scoreCompleteness(v2.metadata.fields, extraction, v2.schema);

    // Assess
    expect(score.missing).toEqual(['diagnoses']);
    expect(score.completeness).toBe(0.8462);
  });

  it('rounds to four decimals and handles hand-made weights', () => {
    // Prepare
    const fields: PromptMetadata['fields'] = {
      a: { required: true, weight: 3, comparator: { type: 'exact' } },
      b: { required: true, weight: 1, comparator: { type: 'numeric', tolerance: 0 } },
      c: { required: true, weight: 2, comparator: { type: 'date' } },
      d: { required: false, weight: 5, comparator: { type: 'exact' } },
    };

    // Act
    const score = scoreCompleteness(fields, { a: null, b: 7, c: '2024-01-01', d: null });

    // Assess
    expect(score).toEqual({
      completeness: 0.5,
      allRequiredPresent: false,
      requiredPresent: 2,
      requiredTotal: 3,
      missing: ['a'],
    });
    expect(scoreCompleteness(fields, { a: 'x', b: null, c: null }).completeness).toBe(0.5);
    expect(scoreCompleteness(fields, { a: null, b: 1, c: null }).completeness).toBe(0.1667);
  });

  it('scores 1 when nothing is required and 0 for a non-object', () => {
    // Prepare
    const optionalOnly: PromptMetadata['fields'] = {
      a: { required: false, weight: 1, comparator: { type: 'exact' } },
    };

    // Act
    const nothingRequired = scoreCompleteness(optionalOnly, {});
    const notAnObject = scoreCompleteness(v2.metadata.fields, 'text');

    // Assess
    expect(nothingRequired.completeness).toBe(1);
    expect(nothingRequired.allRequiredPresent).toBe(true);
    expect(notAnObject.completeness).toBe(0);
    expect(notAnObject.requiredPresent).toBe(0);
  });
});

describe('subschemaAt', () => {
  it('finds nested properties and returns undefined for unknown paths', () => {
    // Act / Assess
    expect(subschemaAt(v2.schema, 'vitals.heightCm')).toMatchObject({ minimum: 30, maximum: 250 });
    expect(subschemaAt(v2.schema, 'vitals.pulse')).toBeUndefined();
    expect(subschemaAt(v2.schema, 'patient.name.first')).toBeUndefined();
  });
});
