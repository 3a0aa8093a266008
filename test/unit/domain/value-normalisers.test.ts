/**
 * The value normalisers turn document and model spellings into canonical
 * values and return null, never throw, for anything they cannot read.
 */
import { describe, expect, it } from 'vitest';
import {
  isIsoCalendarDate,
  normaliseBloodPressure,
  normaliseDate,
  normaliseHeightCm,
  normaliseIcd10,
  normaliseSex,
  normaliseWeightKg,
} from '#core/extraction/value-normalisers.ts';

describe('normaliseDate', () => {
  it.each([
    ['2024-03-07', '2024-03-07'],
    ['2024-3-7', '2024-03-07'],
    ['03/07/2024', '2024-03-07'],
    ['03-07-2024', '2024-03-07'],
    ['13/3/2024', '2024-03-13'],
    ['3/13/2024', '2024-03-13'],
    ['07.03.2024', '2024-03-07'],
    ['7 March 2024', '2024-03-07'],
    ['7th March 2024', '2024-03-07'],
    ['March 7, 2024', '2024-03-07'],
    ['Mar 7 2024', '2024-03-07'],
    ['Mar. 7, 2024', '2024-03-07'],
    ['07-Mar-2024', '2024-03-07'],
    ['07-MAR-2024', '2024-03-07'],
    ['2024/03/07', '2024-03-07'],
    ['2024-03-07T14:30:00Z', '2024-03-07'],
    ['  1960-12-31  ', '1960-12-31'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %j as %s', (input, expected) => {
    // Act
    const result = normaliseDate(input);

    // Assess
    expect(result).toBe(expected);
  });

  it('reads an ambiguous slash date month first unless dayFirst is set', () => {
    // Act
    const us = normaliseDate('03/07/2024');
    const dayFirst = normaliseDate('03/07/2024', { dayFirst: true });
    const unambiguous = normaliseDate('13/07/2024', { dayFirst: false });

    // Assess
    expect(us).toBe('2024-03-07');
    expect(dayFirst).toBe('2024-07-03');
    expect(unambiguous).toBe('2024-07-13');
  });

  it.each([
    ['2024-02-30'],
    ['2023-02-29'],
    ['31/04/2024'],
    ['2024-13-01'],
    ['13/13/2024'],
    ['03/07/24'],
    ['30 February 2024'],
    ['Foo 7 2024'],
    ['March 2024'],
    ['March 7 8 2024'],
    ['1700-01-01'],
    [''],
    ['yesterday'],
  ])('rejects %j', (input) => {
    // Act
    const result = normaliseDate(input);

    // Assess
    expect(result).toBeNull();
  });

  it('checks real calendar dates in ISO form', () => {
    // Act / Assess
    expect(isIsoCalendarDate('2024-02-29')).toBe(true);
    expect(isIsoCalendarDate('2023-02-29')).toBe(false);
    expect(isIsoCalendarDate('2024-2-9')).toBe(false);
  });
});

describe('normaliseHeightCm', () => {
  it.each([
    ['170 cm', 170],
    ['170cm', 170],
    ['1.70 m', 170],
    ['1,70 m', 170],
    ['1755 mm', 175.5],
    [`5'10"`, 177.8],
    [`5' 10''`, 177.8],
    ['5′10″', 177.8],
    ['5 ft 10 in', 177.8],
    ['5 feet 10 inches', 177.8],
    ['6 ft', 182.9],
    ['70 in', 177.8],
    ['70 inches', 177.8],
    ['70"', 177.8],
    ['172.34', 172.3],
  ])('reads %j as %d cm', (input, expected) => {
    // Act
    const result = normaliseHeightCm(input);

    // Assess
    expect(result).toBe(expected);
  });

  it('reads a bare number in the unit hint', () => {
    // Act / Assess
    expect(normaliseHeightCm(70, 'in')).toBe(177.8);
    expect(normaliseHeightCm('70', 'inches')).toBe(177.8);
    expect(normaliseHeightCm(1.7, 'm')).toBe(170);
    expect(normaliseHeightCm(170)).toBe(170);
    expect(normaliseHeightCm('170 cm', 'in')).toBe(170);
  });

  it.each([['tall'], [`5'13"`], ['-170 cm'], ['0 cm'], ['170 parsecs'], ['']])(
    'rejects %j',
    (input) => {
      // Act / Assess
      expect(normaliseHeightCm(input)).toBeNull();
    },
  );

  it('rejects an unknown unit hint and non-finite numbers', () => {
    // Act / Assess
    expect(normaliseHeightCm(70, 'cubits')).toBeNull();
    expect(normaliseHeightCm(Number.NaN)).toBeNull();
    expect(normaliseHeightCm(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('normaliseWeightKg', () => {
  it.each([
    ['80 kg', 80],
    ['80kg', 80],
    ['80.25 kgs', 80.3],
    ['176 lb', 79.8],
    ['176 lbs', 79.8],
    ['176 pounds', 79.8],
    ['12 st 8 lb', 79.8],
    ['12st 8', 79.8],
    ['12 stone', 76.2],
    ['80', 80],
  ])('reads %j as %d kg', (input, expected) => {
    // Act
    const result = normaliseWeightKg(input);

    // Assess
    expect(result).toBe(expected);
  });

  it('reads a bare number in the unit hint', () => {
    // Act / Assess
    expect(normaliseWeightKg(176, 'lb')).toBe(79.8);
    expect(normaliseWeightKg('176', 'lbs')).toBe(79.8);
    expect(normaliseWeightKg(80)).toBe(80);
  });

  it.each([['heavy'], ['12 st 15 lb'], ['80 bananas'], ['-3 kg'], ['']])('rejects %j', (input) => {
    // Act / Assess
    expect(normaliseWeightKg(input)).toBeNull();
  });
});

describe('normaliseSex', () => {
  it.each([
    ['F', 'F'],
    ['female', 'F'],
    ['Woman', 'F'],
    ['M', 'M'],
    [' MALE ', 'M'],
    ['man', 'M'],
    ['X', 'X'],
    ['non-binary', 'X'],
    ['Other', 'X'],
    ['intersex', 'X'],
    ['U', 'unknown'],
    ['unknown', 'unknown'],
    ['Not stated', 'unknown'],
  ])('reads %j as %s', (input, expected) => {
    // Act / Assess
    expect(normaliseSex(input)).toBe(expected);
  });

  it.each([['q'], ['femal'], ['']])('rejects %j', (input) => {
    // Act / Assess
    expect(normaliseSex(input)).toBeNull();
  });
});

describe('normaliseIcd10', () => {
  it.each([
    ['e119', 'E11.9'],
    ['E11.9', 'E11.9'],
    ['I10', 'I10'],
    ['i10', 'I10'],
    [' z79.4 ', 'Z79.4'],
    ['E1165', 'E11.65'],
    ['S72.001A', 'S72.001A'],
    ['C4A.9', 'C4A.9'],
    ['E11.', 'E11'],
  ])('reads %j as %s', (input, expected) => {
    // Act / Assess
    expect(normaliseIcd10(input)).toBe(expected);
  });

  it.each([['U07.1'], ['E1'], ['E11.12345'], ['11.9'], ['E1.19'], ['E11..9'], ['E11-9'], ['']])(
    'rejects %j',
    (input) => {
      // Act / Assess
      expect(normaliseIcd10(input)).toBeNull();
    },
  );
});

describe('normaliseBloodPressure', () => {
  it.each([
    ['120/80', '120/80'],
    ['120 / 80 mmHg', '120/80'],
    ['BP: 130/85', '130/85'],
    ['145 over 95', '145/95'],
    ['90/60 mm Hg', '90/60'],
  ])('reads %j as %s', (input, expected) => {
    // Act / Assess
    expect(normaliseBloodPressure(input)).toBe(expected);
  });

  it.each([['80/120'], ['1200/80'], ['120'], ['high'], ['120/80/60']])('rejects %j', (input) => {
    // Act / Assess
    expect(normaliseBloodPressure(input)).toBeNull();
  });
});
