/** Printed forms of dates, names, sex and measures, and their canonical truth values. */

import { describe, expect, it } from 'vitest';
import {
  normaliseDate,
  normaliseHeightCm,
  normaliseWeightKg,
} from '#core/extraction/value-normalisers.ts';
import {
  addDays,
  ageOn,
  bodyMassIndex,
  canonicalName,
  dateLabel,
  formatDate,
  formatName,
  formatProvider,
  formatSex,
  height,
  weight,
} from '#local/corpus/formats.ts';

const PERSON = { first: 'Rosalind', middleInitial: 'K', last: 'Thistlewood' };

describe('formatDate', () => {
  it.each([
    ['iso', '2024-03-07'],
    ['us', '03/07/2024'],
    ['long', '7 March 2024'],
    ['medium', 'Mar 7, 2024'],
    ['dotted', '07.03.2024'],
  ] as const)('%s -> %s, which reads back as the same day', (style, expected) => {
    const printed = formatDate('2024-03-07', style);

    expect(printed).toBe(expected);
    expect(normaliseDate(printed)).toBe('2024-03-07');
  });

  it('marks day-first labels', () => {
    expect(dateLabel('Date of Birth', 'dotted')).toBe('Date of Birth (DD.MM.YYYY)');
    expect(dateLabel('Date of Birth', 'us')).toBe('Date of Birth');
  });

  it('adds days across month and leap-year ends, and counts whole years of age', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(ageOn('1970-03-07', '2024-03-06')).toBe(53);
    expect(ageOn('1970-03-07', '2024-03-07')).toBe(54);
  });
});

describe('names', () => {
  it.each([
    ['last-first', 'Thistlewood, Rosalind K.', 'Rosalind K. Thistlewood'],
    ['first-last', 'Rosalind Thistlewood', 'Rosalind Thistlewood'],
    ['upper', 'ROSALIND K THISTLEWOOD', 'Rosalind K. Thistlewood'],
  ] as const)('%s prints %j; the truth holds %j', (style, printed, canonical) => {
    expect(formatName(PERSON, style)).toBe(printed);
    expect(canonicalName(PERSON, style)).toBe(canonical);
  });

  it('omits a missing middle initial everywhere', () => {
    const person = { ...PERSON, middleInitial: null };

    expect(formatName(person, 'last-first')).toBe('Thistlewood, Rosalind');
    expect(canonicalName(person, 'upper')).toBe('Rosalind Thistlewood');
  });

  it('prints providers with a title or a credential', () => {
    expect(formatProvider(PERSON, 'DO', true)).toBe('Dr. Rosalind Thistlewood');
    expect(formatProvider(PERSON, 'DO', false)).toBe('Rosalind Thistlewood, DO');
  });

  it('prints sex as a code or a word', () => {
    expect(formatSex('F', 'code')).toBe('F');
    expect(formatSex('M', 'word')).toBe('Male');
  });
});

describe('measures', () => {
  it('converts imperial heights and weights the way the normaliser reads them', () => {
    const feet = height(67, 'imperial', true);
    const inches = height(67, 'imperial', false);
    const pounds = weight(182, 'imperial');

    expect(feet).toMatchObject({ printed: `5'7"`, canonical: 170.2 });
    expect(inches).toMatchObject({ printed: '67 in', canonical: 170.2 });
    expect(pounds).toMatchObject({ printed: '182 lb', canonical: 82.6 });
    expect(normaliseHeightCm(feet.printed)).toBe(feet.canonical);
    expect(normaliseWeightKg(pounds.printed)).toBe(pounds.canonical);
  });

  it('keeps metric values as printed', () => {
    expect(height(170, 'metric', true)).toMatchObject({ printed: '170 cm', canonical: 170 });
    expect(weight(82.6, 'metric')).toMatchObject({ printed: '82.6 kg', canonical: 82.6 });
  });

  it('computes BMI from the exact values, one decimal', () => {
    // 182 lb at 67 in: 703 * 182 / 67^2 = 28.50
    expect(bodyMassIndex(67 * 2.54, 182 * 0.45359237)).toBe(28.5);
    expect(bodyMassIndex(170, 82.6)).toBe(28.6);
  });
});
