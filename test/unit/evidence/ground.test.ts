/** Grounding of an extraction: evidence, confidence and the review verdict. */
import { describe, expect, it } from 'vitest';
import { CONFIDENCE_WEIGHTS, confidenceOf } from '#core/evidence/confidence.ts';
import { distractorCues } from '#core/evidence/context.ts';
import { pageTextFromItems } from '#core/evidence/geometry.ts';
import { groundExtraction } from '#core/evidence/ground.ts';
import { leafValues } from '#core/evidence/paths.ts';
import { DEFAULT_REVIEW_THRESHOLD, thresholdFor } from '#core/evidence/review.ts';
import { quoteContainsValue, surfaceForms } from '#core/evidence/surface.ts';

const lines = [
  'Patient: Jane Doe    DOB: 03/14/1980',
  'Medications:',
  'Metformin 500 mg twice daily',
  'Family history: mother with breast cancer',
];
const items = lines.map((str, index) => ({
  str,
  x: 72,
  y: 700 - 14 * index,
  width: str.length * 5,
  height: 10,
  hasEOL: true,
}));
const pages = [pageTextFromItems(1, items)];

const fields = {
  patient: { name: 'Jane Doe', dateOfBirth: '1980-03-14', sex: null },
  medications: [
    { name: 'Metformin', dose: '500 mg', frequency: 'twice daily' },
    { name: 'Atorvastatin', dose: '40 mg', frequency: null },
  ],
  diagnoses: [{ description: 'Breast cancer' }],
};

describe('leafValues', () => {
  it('lists every non-null leaf with dotted, indexed paths', () => {
    expect(leafValues({ a: { b: 1, c: null }, l: ['x', ''], m: [{ n: 'y' }] })).toEqual([
      { path: 'a.b', value: 1 },
      { path: 'l[0]', value: 'x' },
      { path: 'm[0].n', value: 'y' },
    ]);
  });
});

describe('groundExtraction', () => {
  const result = groundExtraction({
    fields,
    pages,
    claims: [
      { path: 'patient.name', quote: 'Jane Doe', page: 1 },
      { path: 'medications[0].name', quote: 'Metformin 500 mg twice daily', page: 1 },
      { path: 'medications[0].dose', quote: 'Metformin 500 mg', page: 1 },
      // An invented medication with an invented quote.
      { path: 'medications[1].name', quote: 'Atorvastatin 40 mg nightly', page: 1 },
      { path: 'diagnoses[0].description', quote: 'mother with breast cancer', page: 1 },
    ],
    fieldSettings: { 'medications.name': { reviewThreshold: 0.6 } },
    missingRequired: ['patient.sex'],
  });

  it('grounds correct values with their verbatim quote, page and box', () => {
    expect(result.evidence['patient.name']).toEqual({
      page: 1,
      quote: 'Jane Doe',
      bbox: { x: 72, y: 700, width: 180, height: 10 },
      match: 'exact',
    });
    expect(result.evidence['medications[0].name']?.match).toBe('exact');
    expect(result.evidence['medications[0].name']?.bbox?.y).toBe(672);
  });

  it('flags a fabricated medication as ungrounded, with its claimed quote and no box', () => {
    expect(result.evidence['medications[1].name']).toEqual({
      page: null,
      quote: 'Atorvastatin 40 mg nightly',
      bbox: null,
      match: 'ungrounded',
    });
    expect(result.evidence['medications[1].dose']?.match).toBe('ungrounded');
    expect(result.review.flags).toContainEqual({
      path: 'medications[1].name',
      reason: 'UNGROUNDED',
      confidence: result.confidence['medications[1].name'],
      threshold: null,
    });
  });

  it('searches a value without a quote by its printed forms, scoring it lower than a quote', () => {
    expect(result.evidence['patient.dateOfBirth']).toMatchObject({ page: 1, quote: '03/14/1980' });
    expect(result.confidence['patient.dateOfBirth']).toBeLessThan(
      result.confidence['patient.name'] ?? 0,
    );
    expect(result.valueSearchCount).toBeGreaterThan(0);
  });

  it('lowers confidence for a value read from a family-history line and flags it under threshold', () => {
    expect(result.confidence['diagnoses[0].description']).toBeLessThan(DEFAULT_REVIEW_THRESHOLD);
    expect(result.review.flags).toContainEqual(
      expect.objectContaining({ path: 'diagnoses[0].description', reason: 'LOW_CONFIDENCE' }),
    );
  });

  it('flags missing required fields and needs review when any flag is raised', () => {
    expect(result.review.flags[0]).toEqual({
      path: 'patient.sex',
      reason: 'MISSING_REQUIRED',
      confidence: null,
      threshold: null,
    });
    expect(result.review.required).toBe(true);
    expect(result.valueCount).toBe(Object.keys(result.evidence).length);
    expect(Object.keys(result.confidence)).toEqual(Object.keys(result.evidence));
  });

  it('needs no review when everything is grounded and confident', () => {
    const clean = groundExtraction({
      fields: { patient: { name: 'Jane Doe' } },
      pages,
      claims: [{ path: 'patient.name', quote: 'Jane Doe', page: 1 }],
      fieldSettings: {},
      missingRequired: [],
    });
    expect(clean.review).toEqual({ required: false, flags: [] });
    expect(clean.groundedCount).toBe(1);
  });
});

describe('confidence', () => {
  const base = {
    match: 'exact',
    origin: 'quote',
    containsValue: true,
    normalised: false,
    cues: [],
    stopReason: 'tool_use',
  } as const;

  it('orders evidence kinds: exact quote > fuzzy quote > value search > ungrounded', () => {
    const exact = confidenceOf(base);
    const fuzzy = confidenceOf({ ...base, match: 'fuzzy' });
    const searched = confidenceOf({ ...base, origin: 'value' });
    const none = confidenceOf({ ...base, match: 'ungrounded' });
    expect(exact).toBe(CONFIDENCE_WEIGHTS.base.quote.exact);
    expect(exact).toBeGreaterThan(fuzzy);
    expect(fuzzy).toBeGreaterThan(searched);
    expect(searched).toBeGreaterThan(none);
  });

  it('lowers for a quote without the value, a normalised value, a cue and a truncated answer', () => {
    const exact = confidenceOf(base);
    for (const change of [
      { containsValue: false },
      { normalised: true },
      { cues: ['denial'] },
      { stopReason: 'max_tokens' },
    ]) {
      expect(confidenceOf({ ...base, ...change })).toBeLessThan(exact);
    }
  });
});

describe('context, surface forms and thresholds', () => {
  it('finds distractor cues on the quote line or just before it', () => {
    const text = 'Assessment: hypertension\nPatient denies chest pain\nMother: diabetes';
    const at = text.indexOf('chest pain');
    expect(distractorCues(text, at, at + 10)).toEqual(['denial']);
    const mother = text.indexOf('diabetes');
    expect(distractorCues(text, mother, mother + 8)).toEqual(['relative']);
    const clean = text.indexOf('hypertension');
    expect(distractorCues(text, clean, clean + 12)).toEqual([]);
  });

  it('reads refusals and ended trials as not a current medication, whatever the wording', () => {
    const text =
      'Medications:\nLisinopril 10 mg daily\nAtorvastatin 20 mg - declined by patient\nWarfarin: trial ended, not restarted';
    const cuesOf = (word: string) => {
      const at = text.indexOf(word);
      return distractorCues(text, at, at + word.length, 'medications[0].name');
    };
    expect(cuesOf('Lisinopril')).toEqual([]);
    expect(cuesOf('Atorvastatin')).toEqual(['declined']);
    expect(cuesOf('Warfarin')).toEqual(['discontinued']);
  });

  it('knows printed forms of dates and sex, and whether a quote holds its value', () => {
    expect(surfaceForms('1980-03-14')).toContain('March 14, 1980');
    expect(surfaceForms('F', 'patient.sex')).toContain('Female');
    expect(quoteContainsValue('DOB: 3/14/1980', '1980-03-14')).toBe(true);
    expect(quoteContainsValue('HR 120 bpm', 12)).toBe(false);
    expect(quoteContainsValue('HR 72 bpm', 72)).toBe(true);
  });

  it('takes the field threshold, then its section, then the default', () => {
    const settings = {
      medications: { reviewThreshold: 0.7 },
      'medications.dose': { reviewThreshold: 0.4 },
    };
    expect(thresholdFor(settings, 'medications[2].dose')).toBe(0.4);
    expect(thresholdFor(settings, 'medications[0].name')).toBe(0.7);
    expect(thresholdFor(settings, 'patient.name')).toBe(DEFAULT_REVIEW_THRESHOLD);
  });
});
