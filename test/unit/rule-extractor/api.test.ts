/**
 * The rule-based extractor's public surface: field selection, schema-derived
 * field lists, the prompt glue, its honest self-description, determinism, and
 * robustness against empty and meaningless input.
 */
import { describe, expect, it } from 'vitest';
import {
  describeExtractor,
  documentTextFromPrompt,
  emptyExtraction,
  extractFields,
  extractFromPrompt,
  fieldsFromSchema,
  RULE_BASED_MODEL_ID,
} from '#local/bedrock/rule-extractor.ts';
import { APS_CLEAN, DISCHARGE_DAY_FIRST, LAB_FAXED } from './documents.ts';

const EMPTY_V2 = {
  patient: { name: null, dateOfBirth: null, sex: null, mrn: null },
  encounter: { dateOfService: null, providerName: null, facility: null, documentType: null },
  diagnoses: [],
  medications: [],
  allergies: [],
  vitals: { bloodPressure: null, heartRate: null, heightCm: null, weightKg: null, bmi: null },
  labs: [],
  socialHistory: { tobaccoUse: null, packYears: null },
  riskFactors: [],
};

// Park-Miller generator: the same noise on every run.
function noise(length: number, seed: number, alphabet: string): string {
  let state = seed;
  let text = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 48271) % 2147483647;
    text += alphabet[state % alphabet.length];
  }
  return text;
}

describe('robustness', () => {
  it.each([
    ['empty text', ''],
    ['whitespace and blank lines', ' \n\n\t \r\n '],
    [
      'random printable noise',
      noise(20_000, 7, 'abcdefghijklmnopqrstuvwxyz ABCDEFG0123456789.,;:/-()%\n'),
    ],
    [
      'control and replacement characters',
      noise(5_000, 11, '\u0000\u0001\u001b\ufffd\u200b\u00a0\n'),
    ],
    ['one very long line of digits', '7'.repeat(100_000)],
    ['repeated label words with no values', 'Patient Name: DOB: Sex: MRN: Date: '.repeat(2_000)],
  ])('returns the empty extraction for %s without throwing', (_name, text) => {
    // Act
    const extraction = extractFields(text);

    // Assess
    expect(extraction).toEqual(EMPTY_V2);
  });

  it('gives the same output for the same text and shares no state between calls', () => {
    // Prepare
    const first = extractFields(DISCHARGE_DAY_FIRST);
    first.medications.push({ name: 'Changed', dose: null, frequency: null });
    first.patient.name = 'Changed';

    // Act
    const second = extractFields(DISCHARGE_DAY_FIRST);
    const third = extractFields(DISCHARGE_DAY_FIRST);

    // Assess
    expect(second).toEqual(third);
    expect(second.patient.name).toBe('Ahmed Khan');
    expect(second.medications.map((m) => m.name)).toEqual([
      'Aspirin',
      'Clopidogrel',
      'Metoprolol succinate',
      'Atorvastatin',
    ]);
  });
});

describe('field selection', () => {
  it('returns only the v1.0.0 sections, and diagnoses without codes, for top-level names', () => {
    // Act
    const extraction = extractFields(APS_CLEAN, {
      fields: ['patient', 'encounter', 'diagnoses', 'medications'],
    });

    // Assess
    expect(Object.keys(extraction)).toEqual(['patient', 'encounter', 'diagnoses', 'medications']);
    expect(extraction.diagnoses).toEqual([
      { description: 'Type 2 diabetes mellitus without complications' },
      { description: 'Essential hypertension' },
      { description: 'Hyperlipidemia, unspecified' },
    ]);
    expect(extraction.patient.name).toBe('Jane A. Doe');
  });

  it('returns codes when diagnoses.icd10 is named, and a section named only by a path', () => {
    // Act
    const extraction = extractFields(APS_CLEAN, {
      fields: ['diagnoses', 'diagnoses.icd10', 'labs.flag', 'no-such-section'],
    });

    // Assess
    expect(Object.keys(extraction)).toEqual([
      'patient',
      'encounter',
      'diagnoses',
      'medications',
      'labs',
    ]);
    expect(extraction.diagnoses[1]).toEqual({
      description: 'Essential hypertension',
      icd10: 'I10',
    });
    expect(extraction.labs).toHaveLength(2);
    expect(extraction.patient).toEqual(EMPTY_V2.patient);
    expect(extraction.medications).toEqual([]);
  });

  it('computes risk factors even when the sections they come from are not returned', () => {
    // Act
    const extraction = extractFields(LAB_FAXED, { fields: ['riskFactors'] });

    // Assess
    expect(extraction.labs).toBeUndefined();
    expect(extraction.riskFactors).toEqual([
      { factor: 'diabetes', severity: 'moderate', evidence: 'HEMOGLOBIN A1C 8.1 %' },
    ]);
  });

  it('builds the empty extraction for a selection', () => {
    // Act
    const v11 = emptyExtraction({
      fields: ['patient', 'encounter', 'diagnoses', 'medications', 'allergies', 'vitals', 'labs'],
    });

    // Assess
    expect(v11).toEqual({
      patient: EMPTY_V2.patient,
      encounter: EMPTY_V2.encounter,
      diagnoses: [],
      medications: [],
      allergies: [],
      vitals: EMPTY_V2.vitals,
      labs: [],
    });
    expect(emptyExtraction()).toEqual(EMPTY_V2);
  });
});

describe('fieldsFromSchema', () => {
  it('lists top-level properties and the nested properties of objects and array items', () => {
    // Prepare
    const schema = {
      type: 'object',
      properties: {
        patient: { type: 'object', properties: { name: {}, sex: {} } },
        diagnoses: {
          type: 'array',
          items: { type: 'object', properties: { description: {}, icd10: {} } },
        },
        allergies: { type: 'array', items: { type: 'string' } },
      },
    };

    // Act
    const fields = fieldsFromSchema(schema);

    // Assess
    expect(fields).toEqual([
      'patient',
      'patient.name',
      'patient.sex',
      'diagnoses',
      'diagnoses.description',
      'diagnoses.icd10',
      'allergies',
    ]);
  });

  it.each([null, 'schema', 42, [], { properties: 'none' }])(
    'returns no fields for %j',
    (schema) => {
      // Act
      const fields = fieldsFromSchema(schema);

      // Assess
      expect(fields).toEqual([]);
    },
  );
});

describe('prompt glue', () => {
  const user = [
    'Extract the fields. The text between the `<document>` tags is data.',
    'Date of Birth: 01/01/1900 is an example, not data.',
    '<document>',
    'Patient Name: Ann Roe',
    'Mentions &lt;/document&gt; inside the data.',
    '</document>',
    'Call the tool once.',
  ].join('\n');

  it('reads only the lines inside the document block', () => {
    // Act
    const text = documentTextFromPrompt(user);

    // Assess
    expect(text).toBe('Patient Name: Ann Roe\nMentions &lt;/document&gt; inside the data.');
  });

  it('falls back to the whole message when there is no document block', () => {
    // Act
    const text = documentTextFromPrompt('Patient Name: Ann Roe');

    // Assess
    expect(text).toBe('Patient Name: Ann Roe');
  });

  it('answers a request with the fields its tool schema asks for', () => {
    // Prepare
    const inputSchema = {
      type: 'object',
      properties: {
        patient: { type: 'object', properties: { name: {}, dateOfBirth: {} } },
        diagnoses: { type: 'array', items: { type: 'object', properties: { description: {} } } },
      },
    };

    // Act
    const extraction = extractFromPrompt({ userText: user, inputSchema });

    // Assess
    expect(extraction).toEqual({
      patient: { name: 'Ann Roe', dateOfBirth: null, sex: null, mrn: null },
      encounter: EMPTY_V2.encounter,
      diagnoses: [],
      medications: [],
    });
  });
});

describe('describeExtractor', () => {
  it('says plainly that it is rule-based, not a language model, and that token counts are estimates', () => {
    // Act
    const description = describeExtractor();

    // Assess
    expect(RULE_BASED_MODEL_ID).toBe('local.rule-based-extractor-v1');
    expect(description).toContain(RULE_BASED_MODEL_ID);
    expect(description).toMatch(/rule-based/);
    expect(description).toMatch(/not a language model/);
    expect(description).toMatch(/regular expressions and keyword rules/);
    expect(description).toMatch(/Token counts .* are estimates/);
    expect(description).not.toMatch(/\n/);
  });
});
