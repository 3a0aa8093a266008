/** Typed comparators: exact, numeric tolerance edges, dates in both orders, fuzzy, objects and lists. */

import { describe, expect, it } from 'vitest';
import {
  compareObjects,
  compareValues,
  isEmpty,
  passThreshold,
} from '#core/evaluation/comparators.ts';
import type { Comparator } from '#core/prompts/types.ts';

const EXACT: Comparator = { type: 'exact' };
const DATE: Comparator = { type: 'date' };
const FUZZY: Comparator = { type: 'fuzzy', threshold: 0.8 };

describe('isEmpty', () => {
  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    ['   ', true],
    [[], true],
    [{}, true],
    [0, false],
    [false, false],
    ['0', false],
    [[null], false],
    [{ a: null }, false],
  ])('%j -> %s', (value, expected) => {
    expect(isEmpty(value)).toBe(expected);
  });
});

describe('compareValues: exact', () => {
  it.each([
    ['E11.9', 'e119', 1],
    ['120/80', '120 / 80', 1],
    ['I10', 'I11', 0],
    ['Penicillin', 'PENICILLIN.', 1],
    [76, '76', 1],
  ])('%j vs %j -> %d', (truth, predicted, expected) => {
    expect(compareValues(EXACT, truth, predicted)).toBe(expected);
  });
});

describe('compareValues: numeric', () => {
  const half: Comparator = { type: 'numeric', tolerance: 0.5 };
  const zero: Comparator = { type: 'numeric', tolerance: 0 };
  const fivePercent: Comparator = { type: 'numeric', tolerance: 0.05, relative: true };

  it.each([
    [half, 82.6, 83.1, 1],
    [half, 82.6, 82.1, 1],
    [half, 82.6, 83.2, 0],
    [half, 82.6, 82.0, 0],
    [zero, 0.3, 0.1 + 0.2, 1],
    [zero, 7, 7.01, 0],
    [zero, '$1,234.50', 1234.5, 1],
    [zero, '(12)', 12, 1],
    [fivePercent, 100, 105, 1],
    [fivePercent, 100, 94.99, 0],
    [fivePercent, 100, 105.01, 0],
    [fivePercent, 0, 0.001, 0],
  ])('%j: %j vs %j -> %d', (comparator, truth, predicted, expected) => {
    expect(compareValues(comparator, truth, predicted)).toBe(expected);
  });

  it('falls back to exact comparison when a side is not a number', () => {
    expect(compareValues(zero, 'trace', 'TRACE')).toBe(1);
    expect(compareValues(zero, 'trace', '1')).toBe(0);
  });
});

describe('compareValues: date', () => {
  it.each([
    ['2024-07-03', '03/07/2024', 1],
    ['2024-03-07', '03/07/2024', 1],
    ['03/07/2024', '2024-07-03', 1],
    ['2024-03-08', '03/07/2024', 0],
    ['2024-03-07', '07.03.2024', 1],
    ['2024-07-03', '07.03.2024', 0],
    ['2024-03-07', '7 March 2024', 1],
    ['2024-03-07', 'Mar 7, 2024', 1],
    ['2024-03-07', '2024-03-07T10:30:00Z', 1],
    ['2024-13-01', '2024-13-01', 1],
    ['2024-03-07', 'sometime in March', 0],
  ])('%j vs %j -> %d', (truth, predicted, expected) => {
    expect(compareValues(DATE, truth, predicted)).toBe(expected);
  });
});

describe('compareValues: fuzzy', () => {
  it('is 1 - edit distance / longer length', () => {
    expect(compareValues(FUZZY, 'kitten', 'sitting')).toBeCloseTo(4 / 7, 12);
  });

  it('ignores case and repeated whitespace', () => {
    expect(compareValues(FUZZY, 'Type 2  Diabetes ', 'type 2 diabetes')).toBe(1);
  });

  it('is graded, not thresholded', () => {
    expect(compareValues(FUZZY, 'Metformin', 'Metformine')).toBeCloseTo(0.9, 12);
  });
});

describe('compareValues: empty sides', () => {
  it('scores two empty values as identical and one empty value as 0', () => {
    expect(compareValues(EXACT, null, '')).toBe(1);
    expect(compareValues(EXACT, 'I10', null)).toBe(0);
    expect(compareValues(FUZZY, [], 'x')).toBe(0);
  });
});

describe('compareObjects', () => {
  const diagnosis = { description: FUZZY, icd10: EXACT };

  it('skips properties that are empty on both sides', () => {
    const score = compareObjects(
      diagnosis,
      { description: 'Asthma', icd10: null },
      { description: 'asthma' },
    );

    expect(score).toBe(1);
  });

  it('averages over properties present on either side', () => {
    const score = compareObjects(
      diagnosis,
      { description: 'Asthma', icd10: null },
      { description: 'Asthma', icd10: 'J45.909' },
    );

    expect(score).toBe(0.5);
  });

  it('weights properties when weights are given', () => {
    const score = compareObjects(
      diagnosis,
      { description: 'Asthma', icd10: 'J45.909' },
      { description: 'Asthma', icd10: 'J45.20' },
      { description: 1, icd10: 3 },
    );

    expect(score).toBe(0.25);
  });

  it('ignores properties without a comparator', () => {
    const score = compareObjects(
      { factor: EXACT },
      { factor: 'tobacco use', evidence: 'smokes 1 ppd' },
      { factor: 'Tobacco use', evidence: 'something else entirely' },
    );

    expect(score).toBe(1);
  });

  it('scores an object against a non-object as 0', () => {
    expect(compareObjects(diagnosis, { description: 'Asthma' }, 'Asthma')).toBe(0);
  });
});

describe('compareValues: list', () => {
  const allergies: Comparator = { type: 'list', matchThreshold: 0.8, item: EXACT };

  it('ignores order', () => {
    expect(compareValues(allergies, ['Penicillin', 'Latex'], ['latex', 'penicillin'])).toBe(1);
  });

  it('divides matched similarity by the longer list', () => {
    expect(compareValues(allergies, ['Penicillin', 'Latex'], ['Latex'])).toBe(0.5);
    expect(compareValues(allergies, ['Latex'], ['Latex', 'Codeine', 'Sulfa', 'Iodine'])).toBe(0.25);
  });
});

describe('passThreshold', () => {
  it('uses the fuzzy threshold, the list match threshold, and 1 otherwise', () => {
    expect(passThreshold(FUZZY)).toBe(0.8);
    expect(passThreshold({ type: 'list', matchThreshold: 0.7, item: EXACT })).toBe(0.7);
    expect(passThreshold(DATE)).toBe(1);
    expect(passThreshold({ type: 'numeric', tolerance: 1 })).toBe(1);
  });
});
