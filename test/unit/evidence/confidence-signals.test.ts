/**
 * The document-wide confidence factors (core/evidence/refine.ts): each test
 * scores the same value with and without the one thing its factor reads,
 * so removing the factor makes the two equal and the test fail.
 */
import { describe, expect, it } from 'vitest';
import { competingValues } from '#core/evidence/ambiguity.ts';
import { CONFIDENCE_WEIGHTS, confidenceOf } from '#core/evidence/confidence.ts';
import { distractorCues, sectionHeading } from '#core/evidence/context.ts';
import type { PageText } from '#core/evidence/geometry.ts';
import { type Claim, groundExtraction } from '#core/evidence/ground.ts';
import { convertsTo, isImplausible, printsNumber } from '#core/evidence/measurements.ts';
import { documentLines, otherMentions } from '#core/evidence/mentions.ts';
import { containmentOf, refinedConfidence, refinedFactors } from '#core/evidence/refine.ts';

const pagesOf = (...texts: string[]): PageText[] =>
  texts.map((text, index) => ({ page: index + 1, text, items: [] }));

/** Grounds `fields` on the pages with the given quotes, then applies every factor. */
const score = (pages: PageText[], fields: unknown, claims: Claim[]) => {
  const grounded = groundExtraction({
    fields,
    pages,
    claims,
    fieldSettings: {},
    missingRequired: [],
  });
  const input = { fields, pages, evidence: grounded.evidence, claims };
  return { factors: refinedFactors(input), confidence: refinedConfidence(input) };
};

const claim = (path: string, quote: string): Claim => ({ path, quote, page: null });

describe('competing values', () => {
  const dos = { encounter: { dateOfService: '2024-05-31' } };
  const quote = [claim('encounter.dateOfService', 'Date Collected: 05/31/2024')];

  it('lowers a date of service when the document labels another encounter date', () => {
    const single = score(pagesOf('Date Collected: 05/31/2024\nDOB: 01/02/1970'), dos, quote);
    const two = score(
      pagesOf('Date Collected: 05/31/2024\tDate Received: 06/01/2024\nDOB: 01/02/1970'),
      dos,
      quote,
    );
    expect(single.factors['encounter.dateOfService']?.competing).toEqual([]);
    expect(two.factors['encounter.dateOfService']?.competing).toEqual(['06/01/2024']);
    expect(two.confidence['encounter.dateOfService']).toBeLessThan(
      single.confidence['encounter.dateOfService'] ?? 0,
    );
  });

  it('does not count a birth date, or the same date printed again, as a competitor', () => {
    const lines = documentLines(
      pagesOf('Visit date: May 31, 2024\nDate of birth: 01/02/1970\nSeen 05/31/2024'),
    );
    const own = { page: 1, start: 0, end: 24 };
    expect(competingValues(lines, dos, 'encounter.dateOfService', '2024-05-31', own)).toEqual([]);
  });

  it('finds a second pulse, a second weight (in pounds) and a second record number', () => {
    const text =
      'Admission: HR 96, Wt 80 kg\nDischarge: HR 72, Wt 190 lb\nMRN: 00123\tChart No: 00456';
    const lines = documentLines(pagesOf(text));
    const own = { page: 1, start: 0, end: 26 };
    const fields = { vitals: { heartRate: 96, weightKg: 80 }, patient: { mrn: '00123' } };
    expect(competingValues(lines, fields, 'vitals.heartRate', 96, own)).toEqual(['72']);
    expect(competingValues(lines, fields, 'vitals.weightKg', 80, own)).toHaveLength(1);
    expect(competingValues(lines, fields, 'vitals.weightKg', 86.2, own)).toHaveLength(1);
    expect(competingValues(lines, fields, 'patient.mrn', '00123', own)).toEqual(['00456']);
  });

  it('lowers a lab result reported again with another value, and a drug listed at another dose', () => {
    const fields = {
      labs: [{ test: 'Hemoglobin A1c', value: 6.1, unit: '%', flag: null }],
      medications: [{ name: 'Metformin', dose: '500 mg', frequency: 'BID' }],
    };
    const claims = [
      claim('labs[0].test', 'Hemoglobin A1c\t6.1\t%'),
      claim('labs[0].value', 'Hemoglobin A1c\t6.1\t%'),
      claim('medications[0].name', 'Metformin 500 mg BID'),
      claim('medications[0].dose', 'Metformin 500 mg BID'),
    ];
    const once = score(pagesOf('Hemoglobin A1c\t6.1\t%\nMetformin 500 mg BID'), fields, claims);
    const again = score(
      pagesOf(
        'Hemoglobin A1c\t6.1\t%\nMetformin 500 mg BID\nRepeat: Hemoglobin A1c 7.4 %\nDischarge: metformin 1000 mg BID',
      ),
      fields,
      claims,
    );
    for (const path of ['labs[0].value', 'labs[0].test', 'medications[0].dose']) {
      expect(once.factors[path]?.competing).toEqual([]);
      expect(again.factors[path]?.competing?.length).toBeGreaterThan(0);
      expect(again.confidence[path]).toBeLessThan(once.confidence[path] ?? 0);
    }
  });
});

describe('corroboration', () => {
  const fields = { patient: { name: 'Jane Doe' } };
  const claims = [claim('patient.name', 'Patient: Jane Doe')];

  it('raises a value the document states again in a line of its own', () => {
    const once = score(pagesOf('Patient: Jane Doe\nHistory of present illness.'), fields, claims);
    const twice = score(
      pagesOf('Patient: Jane Doe\nJane Doe presents for follow-up.'),
      fields,
      claims,
    );
    expect(once.factors['patient.name']?.corroborated).toBe(false);
    expect(twice.factors['patient.name']?.corroborated).toBe(true);
    expect(twice.confidence['patient.name']).toBeGreaterThan(once.confidence['patient.name'] ?? 1);
    expect(twice.confidence['patient.name']).toBeLessThanOrEqual(
      CONFIDENCE_WEIGHTS.corroboratedCeiling,
    );
  });

  it('does not count a running footer, printed again on every page, as a second statement', () => {
    const pages = pagesOf(
      'Patient: Jane Doe\nClinic | Jane Doe | Page 1 of 2',
      'Plan reviewed.\nClinic | Jane Doe | Page 2 of 2',
    );
    const lines = documentLines(pages);
    expect(lines.filter((line) => line.running)).toHaveLength(2);
    expect(otherMentions(lines, { page: 1, start: 0, end: 17 }, 'Jane Doe', 'patient.name')).toBe(
      0,
    );
    expect(score(pages, fields, claims).factors['patient.name']?.corroborated).toBe(false);
  });

  it('does not count a shared property (a dose, a frequency) or a short value', () => {
    const lines = documentLines(pagesOf('Lisinopril 10 mg once daily\nAspirin 81 mg once daily'));
    const own = { page: 1, start: 0, end: 27 };
    expect(otherMentions(lines, own, 'once daily', 'medications[0].frequency')).toBe(0);
    expect(otherMentions(lines, own, 'once daily', 'socialHistory.note')).toBe(1);
    expect(otherMentions(lines, own, '10 mg', 'vitals.x')).toBe(0);
  });
});

describe('containment', () => {
  it('grades what the quote shows: the value, a converted unit, a judgement, or nothing', () => {
    expect(containmentOf('Wt 76.7 kg', 76.7, 'vitals.weightKg')).toBe('printed');
    expect(containmentOf('Vitals: Wt 169 lb, BMI 24.2', 76.7, 'vitals.weightKg')).toBe('converted');
    expect(containmentOf('Vitals: Wt 169 lb', 90, 'vitals.weightKg')).toBe('absent');
    expect(containmentOf('Ht 5\'10"', 178, 'vitals.heightCm')).toBe('converted');
    expect(containmentOf('DISCHARGE SUMMARY', 'discharge_summary', 'encounter.documentType')).toBe(
      'judged',
    );
    expect(containmentOf('TSH\t3.260\tuIU/mL', 3.26, 'labs[0].value')).toBe('printed');
    expect(containmentOf('WBC\t6.8\tx10E3/uL\t3.4-10.8', 'N', 'labs[0].flag')).toBe('absent');
  });

  it('scores a copied value its quote does not show below a judged one, and a conversion above both', () => {
    const base = {
      match: 'exact',
      origin: 'quote',
      containsValue: false,
      normalised: false,
      cues: [],
      stopReason: null,
    } as const;
    const absent = confidenceOf({ ...base, containment: 'absent' });
    const judged = confidenceOf({ ...base, containment: 'judged' });
    const converted = confidenceOf({ ...base, containment: 'converted' });
    const printed = confidenceOf({ ...base, containment: 'printed' });
    expect(absent).toBeLessThan(judged);
    expect(judged).toBeLessThan(converted);
    expect(converted).toBeLessThan(printed);
    // Without a graded containment, a quote that does not show the value counts as judged.
    expect(confidenceOf(base)).toBe(judged);
  });

  it('lowers an inferred lab flag through the whole pipeline of factors', () => {
    const pages = pagesOf('WBC\t6.8\tx10E3/uL\t3.4-10.8\nRBC\t4.1\tx10E6/uL\t3.8-5.8\tN');
    const fields = {
      labs: [
        { test: 'WBC', value: 6.8, unit: 'x10E3/uL', flag: 'N' },
        { test: 'RBC', value: 4.1, unit: 'x10E6/uL', flag: 'N' },
      ],
    };
    const claims = [
      claim('labs[0].flag', 'WBC\t6.8\tx10E3/uL\t3.4-10.8'),
      claim('labs[1].flag', 'RBC\t4.1\tx10E6/uL\t3.8-5.8\tN'),
    ];
    const { factors, confidence } = score(pages, fields, claims);
    expect(factors['labs[0].flag']?.containment).toBe('absent');
    expect(factors['labs[1].flag']?.containment).toBe('printed');
    expect(confidence['labs[0].flag']).toBeLessThan(confidence['labs[1].flag'] ?? 0);
  });

  it('reads numbers printed with trailing zeros as the number', () => {
    expect(printsNumber('Creatinine 0.70 mg/dL', 0.7)).toBe(true);
    expect(printsNumber('Creatinine 10.70 mg/dL', 0.7)).toBe(false);
    expect(convertsTo('Wt 169 lb', 100, 'vitals.weightKg')).toBe(false);
  });
});

describe('the grounding verdict', () => {
  it('keeps a value grounded when its span cannot be found again (another matcher found it)', () => {
    const fields = { patient: { name: 'Jane Doe' } };
    const input = {
      fields,
      pages: pagesOf('Patient: J4ne Doe'),
      evidence: {
        'patient.name': {
          page: 1,
          quote: 'Patient: Jane Doe',
          bbox: null,
          match: 'fuzzy' as const,
        },
      },
      claims: [claim('patient.name', 'Patient: Jane Doe')],
    };
    expect(refinedConfidence(input)['patient.name']).toBe(CONFIDENCE_WEIGHTS.base.quote.fuzzy);
  });
});

describe('plausibility', () => {
  it('lowers a measurement no person can have, whatever its quote says', () => {
    const fields = (weightKg: number) => ({ vitals: { weightKg } });
    const normal = score(pagesOf('Wt 90 kg'), fields(90), [claim('vitals.weightKg', 'Wt 90 kg')]);
    const huge = score(pagesOf('Wt 900 kg'), fields(900), [claim('vitals.weightKg', 'Wt 900 kg')]);
    expect(huge.factors['vitals.weightKg']?.implausible).toBe(true);
    expect(huge.confidence['vitals.weightKg']).toBeLessThan(
      normal.confidence['vitals.weightKg'] ?? 0,
    );
    expect(isImplausible('120/80', 'vitals.bloodPressure')).toBe(false);
    expect(isImplausible('80/120', 'vitals.bloodPressure')).toBe(true);
    expect(isImplausible(400, 'vitals.heartRate')).toBe(true);
    expect(isImplausible(72, 'vitals.heartRate')).toBe(false);
  });
});

describe('section context', () => {
  const text =
    'Assessment\nEssential hypertension (I10)\nFAMILY HISTORY\nType 2 diabetes mellitus (E11.9)\nCoronary artery disease (I25.10)';

  it('passes a family-history heading to every line of its section', () => {
    const far = text.indexOf('Coronary');
    expect(sectionHeading(text, far)).toBe('FAMILY HISTORY');
    expect(distractorCues(text, far, far + 23, 'diagnoses[2].description')).toContain(
      'family history',
    );
    const own = text.indexOf('Essential');
    expect(distractorCues(text, own, own + 22, 'diagnoses[0].description')).toEqual([]);
  });

  it('lowers a diagnosis read from under the heading, not one above it', () => {
    const fields = {
      diagnoses: [
        { description: 'Essential hypertension', icd10: 'I10' },
        { description: 'Coronary artery disease', icd10: 'I25.10' },
      ],
    };
    const claims = [
      claim('diagnoses[0].icd10', 'Essential hypertension (I10)'),
      claim('diagnoses[1].icd10', 'Coronary artery disease (I25.10)'),
    ];
    const { confidence } = score(pagesOf(text), fields, claims);
    expect(confidence['diagnoses[1].icd10']).toBeLessThan(confidence['diagnoses[0].icd10'] ?? 0);
  });

  it('reads a prior physician or regimen as another time', () => {
    const prior = 'Prior physician: Dr. Alan Reyes\nAttending: Dr. Mia Cole';
    const at = prior.indexOf('Alan');
    expect(distractorCues(prior, at, at + 10, 'encounter.providerName')).toEqual(['prior']);
    const now = prior.indexOf('Mia');
    expect(distractorCues(prior, now, now + 8, 'encounter.providerName')).toEqual([]);
  });

  it('does not pass a screening heading to the lines below it', () => {
    const screening = 'Screening\nLDL Cholesterol 96 mg/dL';
    const at = screening.indexOf('LDL');
    expect(distractorCues(screening, at, at + 15, 'labs[0].test')).toEqual([]);
  });
});
