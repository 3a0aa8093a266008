/** The stand-in's quotes: the document line each value was read from, verbatim, and none for a value no line supports. */
import { describe, expect, it } from 'vitest';
import { attributeEvidence } from '#local/bedrock/rule-evidence.ts';
import { extractFields } from '#local/bedrock/rule-extractor.ts';

const TEXT = [
  'Riverside Family Clinic',
  'Office Visit Note',
  'Patient: Jane Q. Example\tDOB: 03/14/1980',
  'Date of service: 10/02/2026',
  'Vitals: BP 138/88, HR 76, Weight 182 lb',
  'Medications:',
  '- Metformin 500 mg twice daily',
  'Social history: Former smoker.',
].join('\n');

describe('attributeEvidence', () => {
  it('quotes the line each value was read from, verbatim', () => {
    const fields = {
      patient: { name: 'Jane Q. Example', dateOfBirth: '1980-03-14' },
      encounter: { dateOfService: '2026-10-02' },
      vitals: { bloodPressure: '138/88', weightKg: 82.6 },
      medications: [{ name: 'Metformin', dose: '500 mg', frequency: 'twice daily' }],
      socialHistory: { tobaccoUse: 'former' },
    };
    const claims = Object.fromEntries(
      attributeEvidence(TEXT, fields).map((claim) => [claim.path, claim.quote]),
    );
    expect(claims['patient.dateOfBirth']).toBe('Patient: Jane Q. Example\tDOB: 03/14/1980');
    expect(claims['encounter.dateOfService']).toBe('Date of service: 10/02/2026');
    // A converted measurement: its labelled line.
    expect(claims['vitals.weightKg']).toBe('Vitals: BP 138/88, HR 76, Weight 182 lb');
    // Every property of a medication: its row.
    expect(claims['medications[0].frequency']).toBe('- Metformin 500 mg twice daily');
    expect(claims['socialHistory.tobaccoUse']).toBe('Social history: Former smoker.');
    for (const quote of Object.values(claims)) expect(TEXT).toContain(quote);
  });

  it('gives no quote for a value no line supports', () => {
    const claims = attributeEvidence(TEXT, {
      medications: [{ name: 'Atorvastatin', dose: '40 mg' }],
    });
    expect(claims).toEqual([]);
  });

  it('quotes the rule-based extraction of a document', () => {
    const extraction = extractFields(TEXT);
    const claims = attributeEvidence(TEXT, extraction);
    expect(claims.length).toBeGreaterThan(5);
    expect(claims.every((claim) => claim.page === null && TEXT.includes(claim.quote))).toBe(true);
  });
});
