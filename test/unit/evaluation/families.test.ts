/** Per-split and per-family breakdowns of scored documents; parsing layout sidecars. */

import { describe, expect, it } from 'vitest';
import {
  breakdownByLayout,
  familyScoresFromCounts,
  fieldsSideBySide,
  type LayoutDocument,
  parseLayoutRecord,
} from '#core/evaluation/families.ts';
import { evaluateDocument } from '#core/evaluation/outcomes.ts';
import type { PromptMetadata } from '#core/prompts/types.ts';

const FIELDS: PromptMetadata['fields'] = {
  'patient.name': { required: true, weight: 1, comparator: { type: 'fuzzy', threshold: 0.8 } },
  'patient.mrn': { required: false, weight: 1, comparator: { type: 'exact' } },
};
const TRUTH = { patient: { name: 'Ada Quill', mrn: 'A123456' } };

function scored(id: string, predicted: unknown, layout: LayoutDocument['layout']): LayoutDocument {
  return { id, layout, evaluation: evaluateDocument(FIELDS, TRUTH, predicted) };
}

describe('parseLayoutRecord', () => {
  it('accepts a family with a tuning or held-out split', () => {
    expect(parseLayoutRecord({ family: 'stacked-form', kind: 'form', split: 'held-out' })).toEqual({
      family: 'stacked-form',
      split: 'held-out',
    });
  });

  it.each([
    null,
    [],
    'x',
    { family: '', split: 'tuning' },
    { family: 'a', split: 'test' },
    { split: 'tuning' },
  ])('rejects %j', (value) => {
    expect(parseLayoutRecord(value)).toBeNull();
  });
});

describe('breakdownByLayout', () => {
  const documents = [
    scored('a-1', TRUTH, { family: 'a', split: 'tuning' }),
    scored('a-2', { patient: { name: 'Ada Quill', mrn: null } }, { family: 'a', split: 'tuning' }),
    scored('b-1', { patient: { name: null, mrn: null } }, { family: 'b', split: 'held-out' }),
    scored('x-1', TRUTH, null),
  ];

  it('summarises each split separately, tuning first', () => {
    const { splits } = breakdownByLayout(documents);
    expect(Object.keys(splits)).toEqual(['tuning', 'held-out', 'unlabelled']);
    // Tuning: 3 TP, 1 FN. Held-out: 2 FN.
    expect(splits.tuning?.micro).toMatchObject({ tp: 3, fn: 1, recall: 0.75, precision: 1 });
    expect(splits['held-out']?.micro).toMatchObject({ tp: 0, fn: 2, recall: 0, f1: 0 });
    expect(splits.tuning?.fields['patient.mrn']).toMatchObject({ tp: 1, fn: 1 });
  });

  it('scores each family by micro counts with its document count', () => {
    const { families } = breakdownByLayout(documents);
    expect(families.map((f) => [f.family, f.split, f.documents, f.f1])).toEqual([
      ['a', 'tuning', 2, (2 * 3) / (2 * 3 + 1)],
      ['b', 'held-out', 1, 0],
      ['unlabelled', 'unlabelled', 1, 1],
    ]);
  });

  it('puts fields of two splits side by side', () => {
    const { splits } = breakdownByLayout(documents);
    const tuning = splits.tuning;
    const heldOut = splits['held-out'];
    if (tuning === undefined || heldOut === undefined) throw new Error('missing split');
    expect(fieldsSideBySide(tuning, heldOut)).toEqual([
      ['patient.mrn', 2 / 3, 0],
      ['patient.name', 1, 0],
    ]);
  });
});

describe('familyScoresFromCounts', () => {
  it('groups the per-document counts of an eval --json run by family', () => {
    const layouts: Record<string, { family: string; split: 'tuning' | 'held-out' }> = {
      'ltr-0001': { family: 'narrative-letter', split: 'tuning' },
      'con-0002': { family: 'consult-letter', split: 'held-out' },
      'ltr-0003': { family: 'narrative-letter', split: 'tuning' },
    };
    const families = familyScoresFromCounts(
      [
        { id: 'ltr-0001', tp: 4, fa: 0, fd: 0, fn: 0, tn: 1 },
        { id: 'con-0002', tp: 1, fa: 1, fd: 0, fn: 2, tn: 0 },
        { id: 'ltr-0003', tp: 2, fa: 0, fd: 1, fn: 1, tn: 0 },
      ],
      (id) => layouts[id] ?? null,
    );
    expect(families.map((f) => [f.family, f.documents, f.tp, f.fd, f.fn])).toEqual([
      ['narrative-letter', 2, 6, 1, 1],
      ['consult-letter', 1, 1, 0, 2],
    ]);
    expect(families[1]?.recall).toBeCloseTo(1 / 3);
  });
});
