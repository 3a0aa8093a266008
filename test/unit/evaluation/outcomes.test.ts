/** Per-field outcomes: list pairing, wrong-but-paired values, empty versus missing truth. */

import { describe, expect, it } from 'vitest';
import {
  documentCounts,
  evaluateDocument,
  scoreList,
  scoreValue,
} from '#core/evaluation/outcomes.ts';
import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';

const EXACT: Comparator = { type: 'exact' };
const FUZZY: Comparator = { type: 'fuzzy', threshold: 0.8 };
const DIAGNOSIS = { description: FUZZY, icd10: EXACT };

const FIELDS: PromptMetadata['fields'] = {
  'patient.name': { required: true, weight: 2, comparator: FUZZY },
  'encounter.facility': { required: false, weight: 1, comparator: FUZZY },
  'vitals.bmi': { required: false, weight: 1, comparator: { type: 'numeric', tolerance: 0.5 } },
  allergies: {
    required: false,
    weight: 1,
    comparator: { type: 'list', matchThreshold: 0.8, item: FUZZY },
  },
  diagnoses: {
    required: true,
    weight: 3,
    comparator: { type: 'list', matchThreshold: 0.7, item: DIAGNOSIS },
  },
};

describe('scoreList', () => {
  const truth = [
    { description: 'Essential hypertension', icd10: 'I10' },
    { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
    { description: 'Hyperlipidemia', icd10: 'E78.5' },
  ];

  it('counts a reordered list as all TP', () => {
    const predicted = [truth[2], truth[0], truth[1]];

    const counts = scoreList(0.7, DIAGNOSIS, truth, predicted);

    expect(counts).toEqual({ tp: 3, fa: 0, fd: 0, fn: 0, tn: 0 });
  });

  it('counts a wrong but paired item as one FD, not an FA plus an FN', () => {
    const predicted = [
      { description: 'type 2 diabetes mellitus', icd10: 'E11.9' },
      { description: 'Asthma', icd10: 'J45.909' },
      { description: 'Essential hypertension', icd10: 'I10' },
    ];

    const counts = scoreList(0.7, DIAGNOSIS, truth, predicted);

    expect(counts).toEqual({ tp: 2, fa: 0, fd: 1, fn: 0, tn: 0 });
  });

  it('counts unpaired truth items as FN and unpaired predictions as FA', () => {
    expect(scoreList(0.8, EXACT, ['Penicillin', 'Latex'], ['latex'])).toEqual({
      tp: 1,
      fa: 0,
      fd: 0,
      fn: 1,
      tn: 0,
    });
    expect(scoreList(0.8, EXACT, ['Latex'], ['Latex', 'Codeine', 'Sulfa'])).toEqual({
      tp: 1,
      fa: 2,
      fd: 0,
      fn: 0,
      tn: 0,
    });
  });

  it('scores two empty lists as one TN, and ignores empty items', () => {
    expect(scoreList(0.8, EXACT, [], [])).toEqual({ tp: 0, fa: 0, fd: 0, fn: 0, tn: 1 });
    expect(scoreList(0.8, EXACT, null, [null, ''])).toEqual({ tp: 0, fa: 0, fd: 0, fn: 0, tn: 1 });
    expect(scoreList(0.8, EXACT, [], ['Latex'])).toEqual({ tp: 0, fa: 1, fd: 0, fn: 0, tn: 0 });
    expect(scoreList(0.8, EXACT, ['Latex', 'Sulfa'], null)).toEqual({
      tp: 0,
      fa: 0,
      fd: 0,
      fn: 2,
      tn: 0,
    });
  });
});

describe('scoreValue', () => {
  it.each([
    ['Maren Holloway', 'maren holloway', 'tp'],
    ['Maren Holloway', 'Holloway, Maren', 'fd'],
    ['Maren Holloway', null, 'fn'],
    [null, 'Maren Holloway', 'fa'],
    [null, '', 'tn'],
    ['', {}, 'tn'],
  ])('%j vs %j -> %s', (truth, predicted, outcome) => {
    const counts = scoreValue(FUZZY, truth, predicted);

    expect(counts).toEqual({ tp: 0, fa: 0, fd: 0, fn: 0, tn: 0, [outcome]: 1 });
  });
});

describe('evaluateDocument', () => {
  it('does not score fields whose key is absent from the truth', () => {
    // Prepare: no `encounter`, no `vitals`, no `allergies` key in the truth.
    const truth = { patient: { name: 'Maren Holloway' }, diagnoses: [] };
    const predicted = {
      patient: { name: 'Maren Holloway' },
      encounter: { facility: 'Harbourview Clinic' },
      vitals: { bmi: 31.2 },
      allergies: ['Latex'],
      diagnoses: [],
    };

    // Act
    const result = evaluateDocument(FIELDS, truth, predicted);

    // Assess
    expect(Object.keys(result.fields).sort()).toEqual(['diagnoses', 'patient.name']);
    expect(result.fields['patient.name']).toEqual({
      counts: { tp: 1, fa: 0, fd: 0, fn: 0, tn: 0 },
      weight: 2,
    });
    expect(result.fields.diagnoses?.counts).toEqual({ tp: 0, fa: 0, fd: 0, fn: 0, tn: 1 });
  });

  it('scores a null truth as TN when nothing is predicted and FA when something is', () => {
    const truth = {
      patient: { name: null },
      encounter: { facility: null },
      vitals: null,
      allergies: null,
      diagnoses: [],
    };
    const predicted = {
      patient: { name: '' },
      vitals: { bmi: 31.2 },
      allergies: ['Latex'],
      diagnoses: [],
    };

    const result = evaluateDocument(FIELDS, truth, predicted);

    expect(result.fields['patient.name']?.counts.tn).toBe(1);
    expect(result.fields['encounter.facility']?.counts.tn).toBe(1);
    expect(result.fields['vitals.bmi']?.counts.fa).toBe(1);
    expect(result.fields.allergies?.counts.fa).toBe(1);
    expect(documentCounts(result)).toEqual({ tp: 0, fa: 2, fd: 0, fn: 0, tn: 3 });
  });

  it('treats a prediction that is not an object as predicting nothing', () => {
    const truth = { patient: { name: 'Maren Holloway' }, allergies: [] };

    const result = evaluateDocument(FIELDS, truth, 'no tool call');

    expect(documentCounts(result)).toEqual({ tp: 0, fa: 0, fd: 0, fn: 1, tn: 1 });
  });

  it('rejects a truth that is not a JSON object', () => {
    expect(() => evaluateDocument(FIELDS, [], {})).toThrow(TypeError);
    expect(() => evaluateDocument(FIELDS, null, {})).toThrow(TypeError);
  });
});
