/**
 * Checks on measured values that a reader can redo by hand: whether a quote
 * prints a height or weight in another unit that converts to the extracted
 * value (`Wt 169 lb` for 76.7 kg, `5'10"` for 178 cm), and whether a value
 * lies outside the range any person can have (a weight of 900 kg is a unit
 * or digit mistake, whatever the quote says).
 */
import type { LeafValue } from './paths.ts';
import { specKey } from './paths.ts';

const KG_PER_POUND = 0.45359237;
const CM_PER_INCH = 2.54;

/** Readings in the quote converted to the field's unit, for fields printed in more than one. */
const readings: Readonly<Record<string, (quote: string) => number[]>> = {
  'vitals.weightKg': (quote) => [
    ...[...quote.matchAll(/(\d+(?:\.\d+)?)\s*(?:lbs?|pounds?)\b/gi)].map(
      (match) => Number(match[1]) * KG_PER_POUND,
    ),
    ...[...quote.matchAll(/(\d+(?:\.\d+)?)\s*kgs?\b/gi)].map((match) => Number(match[1])),
  ],
  'vitals.heightCm': (quote) => [
    ...[...quote.matchAll(/(\d)\s*(?:'|ft|feet)\s*(\d{1,2})?\s*(?:"|in\b|inches\b|'')?/gi)].map(
      (match) => (Number(match[1]) * 12 + Number(match[2] ?? 0)) * CM_PER_INCH,
    ),
    ...[...quote.matchAll(/(\d+(?:\.\d+)?)\s*(?:in|inches)\b/gi)].map(
      (match) => Number(match[1]) * CM_PER_INCH,
    ),
    ...[...quote.matchAll(/(\d+(?:\.\d+)?)\s*cm\b/gi)].map((match) => Number(match[1])),
    ...[...quote.matchAll(/(\d(?:\.\d+)?)\s*m\b/gi)].map((match) => Number(match[1]) * 100),
  ],
};

/** How far a converted reading may be from the value: the rounding of the printed unit. */
const TOLERANCE: Readonly<Record<string, number>> = {
  'vitals.weightKg': 0.25,
  'vitals.heightCm': 1.3,
};

/** The quote prints a measurement, in any unit the field is printed in, equal to the value. */
export const convertsTo = (quote: string, value: LeafValue, path: string): boolean => {
  const key = specKey(path);
  const read = readings[key];
  if (read === undefined || typeof value !== 'number') return false;
  const tolerance = TOLERANCE[key] ?? 0;
  return read(quote).some((reading) => Math.abs(reading - value) <= tolerance);
};

/**
 * The quote prints the number itself in a form the printed-forms list does
 * not spell out (`3.260` for 3.26, `0.70` for 0.7): equal as numbers.
 */
export const printsNumber = (quote: string, value: LeafValue): boolean =>
  typeof value === 'number' &&
  [...quote.matchAll(/(?<![\d.])\d+(?:\.\d+)?(?![\d.])/g)].some(
    (match) => Number(match[0]) === value,
  );

/** Ranges no person's measurement falls outside, wide enough for infants and extremes. */
const PLAUSIBLE: Readonly<Record<string, readonly [number, number]>> = {
  'vitals.weightKg': [0.3, 450],
  'vitals.heightCm': [20, 260],
  'vitals.heartRate': [15, 300],
  'vitals.bmi': [7, 150],
  'socialHistory.packYears': [0, 300],
};

/** The value is a measurement outside what a person can have. */
export const isImplausible = (value: LeafValue, path: string): boolean => {
  const key = specKey(path);
  if (key === 'vitals.bloodPressure' && typeof value === 'string') {
    const match = /^(\d{2,3})\s*\/\s*(\d{2,3})$/.exec(value.trim());
    if (!match) return false;
    const systolic = Number(match[1]);
    const diastolic = Number(match[2]);
    return systolic < 40 || systolic > 320 || diastolic < 10 || diastolic >= systolic;
  }
  const range = PLAUSIBLE[key];
  if (range === undefined || typeof value !== 'number') return false;
  return value < range[0] || value > range[1];
};
