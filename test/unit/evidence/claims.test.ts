/** Splitting a tool answer into fields and quotes, and finding what the normaliser changed. */
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { normalisedPaths, splitEvidence } from '#core/evidence/claims.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { EVIDENCE_PROPERTY, toolInputSchema } from '#core/prompts/render.ts';

describe('splitEvidence', () => {
  it('takes the evidence array off the tool input, leaving fields the version schema validates', () => {
    const version = bundledPrompts().get('2.2.0');
    const tool = toolInputSchema(version);
    expect(tool.properties).toHaveProperty(EVIDENCE_PROPERTY);
    expect(tool.required).toContain(EVIDENCE_PROPERTY);
    expect(version.schema.properties).not.toHaveProperty(EVIDENCE_PROPERTY);
    const fields = {
      patient: { name: 'Jane Doe', dateOfBirth: '1980-03-14', sex: 'F', mrn: null },
      encounter: {
        dateOfService: '2026-10-02',
        providerName: null,
        facility: null,
        documentType: 'office_note',
      },
      diagnoses: [],
      medications: [],
      allergies: [],
      vitals: { bloodPressure: null, heartRate: null, heightCm: null, weightKg: null, bmi: null },
      labs: [],
      socialHistory: { tobaccoUse: null, packYears: null },
      riskFactors: [],
    };
    const evidence = [{ path: 'patient.name', quote: 'Patient: Jane Doe', page: 1 }];
    const split = splitEvidence({ ...fields, evidence });
    expect(split.evidence).toEqual(evidence);
    expect(split.fields).toEqual(fields);
    expect(validateExtraction(version.schema, split.fields).ok).toBe(true);
    expect(validateExtraction(version.schema, { ...fields, evidence }).ok).toBe(false);
  });

  it('leaves an answer without evidence as it is', () => {
    expect(splitEvidence({ a: 1 })).toEqual({ fields: { a: 1 }, evidence: [] });
    expect(splitEvidence('text')).toEqual({ fields: 'text', evidence: [] });
  });
});

describe('normalisedPaths', () => {
  it('lists the leaves whose value the normaliser changed', () => {
    expect(
      normalisedPaths(
        { patient: { dateOfBirth: '03/14/1980', name: 'Jane Doe' } },
        { patient: { dateOfBirth: '1980-03-14', name: 'Jane Doe' } },
      ),
    ).toEqual(['patient.dateOfBirth']);
  });
});
