/** Precision, recall and F1 on a hand-worked document, the 0/0 rule, macro and weighted scores. */

import { describe, expect, it } from 'vitest';
import { scores, summarise } from '#core/evaluation/metrics.ts';
import { evaluateDocument } from '#core/evaluation/outcomes.ts';
import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';

const EXACT: Comparator = { type: 'exact' };
const FUZZY: Comparator = { type: 'fuzzy', threshold: 0.8 };

const FIELDS: PromptMetadata['fields'] = {
  'patient.name': { required: true, weight: 2, comparator: FUZZY },
  'patient.dateOfBirth': { required: true, weight: 2, comparator: { type: 'date' } },
  'patient.sex': { required: false, weight: 1, comparator: EXACT },
  'encounter.facility': { required: false, weight: 1, comparator: FUZZY },
  'vitals.weightKg': {
    required: false,
    weight: 1,
    comparator: { type: 'numeric', tolerance: 0.5 },
  },
  'vitals.bmi': { required: false, weight: 1, comparator: { type: 'numeric', tolerance: 0.5 } },
  allergies: {
    required: false,
    weight: 1,
    comparator: { type: 'list', matchThreshold: 0.8, item: FUZZY },
  },
  diagnoses: {
    required: true,
    weight: 3,
    comparator: { type: 'list', matchThreshold: 0.7, item: { description: FUZZY, icd10: EXACT } },
  },
  'socialHistory.packYears': {
    required: false,
    weight: 1,
    comparator: { type: 'numeric', tolerance: 0 },
  },
};

const TRUTH = {
  patient: { name: 'Maren Holloway', dateOfBirth: '1970-03-07', sex: 'F' },
  // No `encounter` key: not annotated, so never scored.
  vitals: { weightKg: 82.6, bmi: null },
  allergies: ['Penicillin'],
  diagnoses: [
    { description: 'Essential hypertension', icd10: 'I10' },
    { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
    { description: 'Hyperlipidemia', icd10: 'E78.5' },
  ],
  socialHistory: { packYears: null },
};

const PREDICTED = {
  patient: { name: 'maren  holloway', dateOfBirth: '03/07/1970', sex: 'M' }, // TP, TP, FD
  encounter: { facility: 'Harbourview Clinic' }, // not scored
  vitals: { weightKg: null }, // weightKg FN, bmi TN (missing key = predicted empty)
  allergies: [], // FN
  diagnoses: [
    { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' }, // TP
    { description: 'Essential hypertension', icd10: 'I10' }, // TP
    { description: 'Asthma', icd10: 'J45.909' }, // paired with hyperlipidemia: FD
  ],
  socialHistory: { packYears: 20 }, // FA
};

describe('scores', () => {
  it('counts FD in both precision and recall', () => {
    const result = scores({ tp: 6, fa: 1, fd: 2, fn: 3, tn: 10 });

    expect(result.precision).toBeCloseTo(6 / 9, 12);
    expect(result.recall).toBeCloseTo(6 / 11, 12);
    expect(result.f1).toBeCloseTo((2 * (6 / 9) * (6 / 11)) / (6 / 9 + 6 / 11), 12);
  });

  it('scores a field with only TN as 1 (0/0 rule)', () => {
    expect(scores({ tp: 0, fa: 0, fd: 0, fn: 0, tn: 4 })).toEqual({
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });

  it('gives F1 0 when nothing was predicted but something was expected, and vice versa', () => {
    expect(scores({ tp: 0, fa: 0, fd: 0, fn: 2, tn: 0 })).toEqual({
      precision: 1,
      recall: 0,
      f1: 0,
    });
    expect(scores({ tp: 0, fa: 3, fd: 0, fn: 0, tn: 0 })).toEqual({
      precision: 0,
      recall: 1,
      f1: 0,
    });
  });
});

describe('summarise', () => {
  it('reproduces a hand-worked document', () => {
    // Prepare: TP 4 (name, dob, two diagnoses), FA 1 (packYears), FD 2 (sex, third
    // diagnosis), FN 2 (weight, allergies), TN 1 (bmi).
    const document = evaluateDocument(FIELDS, TRUTH, PREDICTED);

    // Act
    const summary = summarise([document]);

    // Assess
    expect(summary.micro).toEqual({
      tp: 4,
      fa: 1,
      fd: 2,
      fn: 2,
      tn: 1,
      precision: 4 / 7,
      recall: 4 / 8,
      f1: 8 / 15,
    });
    expect(summary.fields['encounter.facility']).toBeUndefined();
    expect(summary.fields.diagnoses).toMatchObject({ tp: 2, fd: 1, f1: 2 / 3, weight: 3 });
    expect(summary.fields['patient.sex']).toMatchObject({ fd: 1, precision: 0, recall: 0, f1: 0 });
    expect(summary.fields['vitals.bmi']).toMatchObject({ tn: 1, f1: 1 });
    // Per-field F1: name 1, dob 1, sex 0, weight 0, bmi 1, allergies 0, diagnoses 2/3, packYears 0.
    expect(summary.macro?.f1).toBeCloseTo((3 + 2 / 3) / 8, 12);
    // Weights 2, 2, 1, 1, 1, 1, 3, 1 (sum 12); weighted F1 sum = 2 + 2 + 1 + 3 * 2/3 = 7.
    expect(summary.weightedScore).toBeCloseTo(7 / 12, 12);
    expect(summary.documents).toHaveLength(1);
    expect(summary.documents[0]?.f1).toBeCloseTo(8 / 15, 12);
  });

  it('sums counts across documents and keeps per-document F1 in input order', () => {
    const imperfect = evaluateDocument(FIELDS, TRUTH, PREDICTED);
    const perfect = evaluateDocument(FIELDS, TRUTH, TRUTH);

    const summary = summarise([imperfect, perfect]);

    expect(summary.documentCount).toBe(2);
    expect(summary.documents.map((document) => document.f1)).toEqual([8 / 15, 1]);
    // The perfect copy adds TP 8 (name, dob, sex, weight, allergies, 3 diagnoses) and TN 2 (bmi, packYears).
    expect(summary.micro).toMatchObject({ tp: 12, fa: 1, fd: 2, fn: 2, tn: 3 });
    expect(summary.micro.f1).toBeCloseTo(24 / 31, 12);
    expect(summary.fields['patient.sex']).toMatchObject({ tp: 1, fd: 1, documents: 2 });
  });

  it('has no macro or weighted score when no field was scored', () => {
    const summary = summarise([]);

    expect(summary.macro).toBeNull();
    expect(summary.weightedScore).toBeNull();
    expect(summary.micro).toMatchObject({ tp: 0, f1: 1 });
  });
});
