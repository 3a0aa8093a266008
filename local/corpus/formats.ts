/**
 * The many printed forms of the same fact: dates in five styles, person names
 * in three orders and cases, sex as a code or a word, heights and weights in
 * imperial or metric units. The truth file always holds the canonical form;
 * these functions produce what the document prints.
 */

/** How a document writes its dates. `dotted` is day first and the document says so. */
export type DateStyle = 'iso' | 'us' | 'long' | 'medium' | 'dotted';

export const DATE_STYLES: readonly DateStyle[] = ['iso', 'us', 'long', 'medium', 'dotted'];

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function isoParts(iso: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError('not an ISO date');
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function monthName(month: number): string {
  const name = MONTH_NAMES[month - 1];
  if (name === undefined) throw new RangeError('month out of range');
  return name;
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** Prints an ISO date (`2024-03-07`) in a style: `03/07/2024`, `7 March 2024`, `Mar 7, 2024`, `07.03.2024`. */
export function formatDate(iso: string, style: DateStyle): string {
  const { year, month, day } = isoParts(iso);
  switch (style) {
    case 'iso':
      return iso;
    case 'us':
      return `${pad2(month)}/${pad2(day)}/${year}`;
    case 'long':
      return `${day} ${monthName(month)} ${year}`;
    case 'medium':
      return `${monthName(month).slice(0, 3)} ${day}, ${year}`;
    case 'dotted':
      return `${pad2(day)}.${pad2(month)}.${year}`;
  }
}

/** How a date label announces a day-first format, e.g. `Date of Birth (DD.MM.YYYY)`. */
export function dateLabel(label: string, style: DateStyle): string {
  return style === 'dotted' ? `${label} (DD.MM.YYYY)` : label;
}

/** ISO date `days` after another. */
export function addDays(iso: string, days: number): string {
  const { year, month, day } = isoParts(iso);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Whole years from `birth` to `on` (both ISO). */
export function ageOn(birth: string, on: string): number {
  const b = isoParts(birth);
  const o = isoParts(on);
  const hadBirthday = o.month > b.month || (o.month === b.month && o.day >= b.day);
  return o.year - b.year - (hadBirthday ? 0 : 1);
}

/** A person's name parts. */
export interface PersonName {
  readonly first: string;
  readonly middleInitial: string | null;
  readonly last: string;
}

/** How a document prints the patient's name. */
export type NameStyle = 'last-first' | 'first-last' | 'upper';

export const NAME_STYLES: readonly NameStyle[] = ['last-first', 'first-last', 'upper'];

/**
 * Prints a name: `Lindqvist, Sarah M.`, `Sarah Lindqvist` or `SARAH M LINDQVIST`.
 * The middle initial is printed only in the styles that carry one.
 */
export function formatName(name: PersonName, style: NameStyle): string {
  switch (style) {
    case 'last-first':
      return name.middleInitial === null
        ? `${name.last}, ${name.first}`
        : `${name.last}, ${name.first} ${name.middleInitial}.`;
    case 'first-last':
      return `${name.first} ${name.last}`;
    case 'upper':
      return (
        name.middleInitial === null
          ? `${name.first} ${name.last}`
          : `${name.first} ${name.middleInitial} ${name.last}`
      ).toUpperCase();
  }
}

/**
 * The canonical name the truth file holds for a printed style: reading order,
 * as cased in the name lists, middle initial (with a dot) only when printed.
 */
export function canonicalName(name: PersonName, style: NameStyle): string {
  const printsInitial = style !== 'first-last' && name.middleInitial !== null;
  return printsInitial
    ? `${name.first} ${name.middleInitial}. ${name.last}`
    : `${name.first} ${name.last}`;
}

/** Provider name as printed (`Dr. Miriam Vellacott`, `Miriam Vellacott, MD`). */
export function formatProvider(name: PersonName, credential: string, withTitle: boolean): string {
  return withTitle ? `Dr. ${name.first} ${name.last}` : `${name.first} ${name.last}, ${credential}`;
}

/** How a document writes sex. */
export type SexStyle = 'code' | 'word';

/** `F`/`M` or `Female`/`Male`. */
export function formatSex(sex: 'F' | 'M', style: SexStyle): string {
  if (style === 'code') return sex;
  return sex === 'F' ? 'Female' : 'Male';
}

/** Units a document uses for height and weight. */
export type UnitSystem = 'imperial' | 'metric';

const CM_PER_INCH = 2.54;
const KG_PER_POUND = 0.45359237;

/** Rounds to one decimal, as the truth stores heights, weights and BMI. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A height as the document prints it and as the truth stores it (cm, one decimal). */
export interface PrintedMeasure {
  readonly printed: string;
  readonly canonical: number;
  /** The exact value in SI units, before rounding, for computing BMI. */
  readonly exact: number;
}

/** Height printed as `5'7"` or `67 in` (inches) or `170 cm`. */
export function height(value: number, system: UnitSystem, feetAndInches: boolean): PrintedMeasure {
  if (system === 'metric') return { printed: `${value} cm`, canonical: value, exact: value };
  const exact = value * CM_PER_INCH;
  const printed = feetAndInches ? `${Math.floor(value / 12)}'${value % 12}"` : `${value} in`;
  return { printed, canonical: round1(exact), exact };
}

/** Weight printed as `182 lb` (pounds) or `82.6 kg`. */
export function weight(value: number, system: UnitSystem): PrintedMeasure {
  if (system === 'metric') return { printed: `${value} kg`, canonical: value, exact: value };
  const exact = value * KG_PER_POUND;
  return { printed: `${value} lb`, canonical: round1(exact), exact };
}

/** Body-mass index from exact SI values, one decimal. */
export function bodyMassIndex(heightCm: number, weightKg: number): number {
  const metres = heightCm / 100;
  return round1(weightKg / (metres * metres));
}

/** A number with a fixed count of decimals, as a lab prints it. */
export function fixed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
