/**
 * Value normalisers: turn the many ways documents and models write dates,
 * heights, weights, sex, ICD-10 codes and blood pressures into the canonical
 * forms the extraction schemas accept. Every normaliser is pure, never throws, and returns null when
 * it cannot understand its input.
 */

/** Options for dates whose order cannot be told from the digits alone. */
export interface DateOptions {
  /** Read an ambiguous `03/07/2024` as 3 July (day first) instead of 7 March (US). */
  readonly dayFirst?: boolean;
}

/** Canonical sex codes used by the extraction schemas. */
export type NormalisedSex = 'F' | 'M' | 'X' | 'unknown';

// Years outside this window are far more likely OCR or model noise than real dates.
const MIN_YEAR = 1800;
const MAX_YEAR = 2199;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids DST edges.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True when `value` is a real calendar date written as `YYYY-MM-DD`. */
export function isIsoCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  return isoDate(Number(match[1]), Number(match[2]), Number(match[3])) === value;
}

function numericDate(a: number, b: number, year: number, dayFirst: boolean): string | null {
  // A first number above 12 can only be a day, a second above 12 only a day.
  if (a > 12 && b <= 12) return isoDate(year, b, a);
  if (b > 12 && a <= 12) return isoDate(year, a, b);
  return dayFirst ? isoDate(year, b, a) : isoDate(year, a, b);
}

function monthNameDate(text: string): string | null {
  const tokens = text
    .toLowerCase()
    .replace(/[,./-]/g, ' ')
    .split(/\s+/)
    .filter((token) => token.length > 0);
  if (tokens.length !== 3) return null;
  let month: number | undefined;
  let year: number | undefined;
  let day: number | undefined;
  for (const token of tokens) {
    const named = MONTHS[token];
    if (named !== undefined) {
      if (month !== undefined) return null;
      month = named;
      continue;
    }
    const yearMatch = /^\d{4}$/.exec(token);
    if (yearMatch) {
      if (year !== undefined) return null;
      year = Number(token);
      continue;
    }
    const dayMatch = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(token);
    if (dayMatch) {
      if (day !== undefined) return null;
      day = Number(dayMatch[1]);
      continue;
    }
    return null;
  }
  if (month === undefined || year === undefined || day === undefined) return null;
  return isoDate(year, month, day);
}

/**
 * Normalises a written date to `YYYY-MM-DD`.
 * Slashes and dashes with the year last are read month first (US) unless one
 * number is above 12 or `dayFirst` is set; dots are always day first. Two-digit
 * years are rejected: a birth year cannot be guessed safely.
 */
export function normaliseDate(input: string, options: DateOptions = {}): string | null {
  if (typeof input !== 'string') return null;
  // A timestamp's date part is the date; the time is irrelevant here.
  const text = input
    .trim()
    .replace(/[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[ap]m|[+-]\d{2}:?\d{2})?$/i, '')
    .trim();
  if (text.length === 0 || text.length > 40) return null;

  const yearFirst = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (yearFirst) return isoDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));

  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (dotted) return isoDate(Number(dotted[3]), Number(dotted[2]), Number(dotted[1]));

  const slashed = /^(\d{1,2})([/-])(\d{1,2})\2(\d{4})$/.exec(text);
  if (slashed) {
    return numericDate(
      Number(slashed[1]),
      Number(slashed[3]),
      Number(slashed[4]),
      options.dayFirst === true,
    );
  }

  return monthNameDate(text);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function plainText(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/[′’‘`´]/g, "'")
    .replace(/[″“”]/g, '"')
    .replace(/''/g, '"')
    .replace(/(\d),(\d)/g, '$1.$2');
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

type LengthUnit = 'cm' | 'mm' | 'm' | 'in' | 'ft';
const LENGTH_UNITS: Readonly<Record<string, LengthUnit>> = {
  cm: 'cm',
  cms: 'cm',
  centimeter: 'cm',
  centimeters: 'cm',
  centimetre: 'cm',
  centimetres: 'cm',
  mm: 'mm',
  m: 'm',
  meter: 'm',
  meters: 'm',
  metre: 'm',
  metres: 'm',
  in: 'in',
  inch: 'in',
  inches: 'in',
  '"': 'in',
  ft: 'ft',
  feet: 'ft',
  foot: 'ft',
  "'": 'ft',
};
const CM_PER: Readonly<Record<LengthUnit, number>> = {
  cm: 1,
  mm: 0.1,
  m: 100,
  in: 2.54,
  ft: 30.48,
};

function lengthUnit(text: string | undefined): LengthUnit | null {
  if (text === undefined) return null;
  return LENGTH_UNITS[plainText(text).replace(/\.$/, '')] ?? null;
}

function positive(value: number): number | null {
  return Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Normalises a height to centimetres, one decimal.
 * Understands `170 cm`, `1.70 m`, `5'10"`, `5 ft 10 in`, `70 in`; a bare number
 * is read in `unitHint` (e.g. `in`, `m`) or, without a hint, as centimetres.
 * Plausibility ranges are left to the schema so a wrong value is reported, not hidden.
 */
export function normaliseHeightCm(input: string | number, unitHint?: string): number | null {
  const hint = unitHint === undefined ? 'cm' : lengthUnit(unitHint);
  if (hint === null) return null;
  if (typeof input === 'number') {
    const value = positive(input);
    return value === null ? null : round1(value * CM_PER[hint]);
  }
  if (typeof input !== 'string') return null;
  const text = plainText(input);

  const feetInches = new RegExp(
    String.raw`^${NUMBER}\s*(?:'|ft\.?|feet|foot)\s*(?:${NUMBER}\s*(?:"|in\.?|inch|inches)?)?$`,
  ).exec(text);
  if (feetInches) {
    const feet = Number(feetInches[1]);
    const inches = feetInches[2] === undefined ? 0 : Number(feetInches[2]);
    if (inches >= 12) return null;
    const value = positive(feet * CM_PER.ft + inches * CM_PER.in);
    return value === null ? null : round1(value);
  }

  const single = new RegExp(String.raw`^${NUMBER}\s*([a-z"]+\.?)?$`).exec(text);
  if (!single) return null;
  const unit = single[2] === undefined ? hint : lengthUnit(single[2]);
  if (unit === null) return null;
  const value = positive(Number(single[1]));
  return value === null ? null : round1(value * CM_PER[unit]);
}

type MassUnit = 'kg' | 'g' | 'lb' | 'st';
const MASS_UNITS: Readonly<Record<string, MassUnit>> = {
  kg: 'kg',
  kgs: 'kg',
  kilo: 'kg',
  kilos: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  kilogramme: 'kg',
  kilogrammes: 'kg',
  g: 'g',
  gram: 'g',
  grams: 'g',
  lb: 'lb',
  lbs: 'lb',
  pound: 'lb',
  pounds: 'lb',
  '#': 'lb',
  st: 'st',
  stone: 'st',
  stones: 'st',
};
const POUND_KG = 0.45359237;
const KG_PER: Readonly<Record<MassUnit, number>> = {
  kg: 1,
  g: 0.001,
  lb: POUND_KG,
  st: 14 * POUND_KG,
};

function massUnit(text: string | undefined): MassUnit | null {
  if (text === undefined) return null;
  return MASS_UNITS[plainText(text).replace(/\.$/, '')] ?? null;
}

/**
 * Normalises a weight to kilograms, one decimal.
 * Understands `80 kg`, `176 lb`, `176 lbs`, `12 st 8 lb`; a bare number is read
 * in `unitHint` (e.g. `lb`) or, without a hint, as kilograms.
 */
export function normaliseWeightKg(input: string | number, unitHint?: string): number | null {
  const hint = unitHint === undefined ? 'kg' : massUnit(unitHint);
  if (hint === null) return null;
  if (typeof input === 'number') {
    const value = positive(input);
    return value === null ? null : round1(value * KG_PER[hint]);
  }
  if (typeof input !== 'string') return null;
  const text = plainText(input);

  const stonePounds = new RegExp(
    String.raw`^${NUMBER}\s*(?:st\.?|stone|stones)\s*(?:${NUMBER}\s*(?:lb|lbs|pounds?)?\.?)?$`,
  ).exec(text);
  if (stonePounds) {
    const stones = Number(stonePounds[1]);
    const pounds = stonePounds[2] === undefined ? 0 : Number(stonePounds[2]);
    if (pounds >= 14) return null;
    const value = positive(stones * KG_PER.st + pounds * KG_PER.lb);
    return value === null ? null : round1(value);
  }

  const single = new RegExp(String.raw`^${NUMBER}\s*([a-z#]+\.?)?$`).exec(text);
  if (!single) return null;
  const unit = single[2] === undefined ? hint : massUnit(single[2]);
  if (unit === null) return null;
  const value = positive(Number(single[1]));
  return value === null ? null : round1(value * KG_PER[unit]);
}

const SEX_WORDS: Readonly<Record<string, NormalisedSex>> = {
  f: 'F',
  female: 'F',
  woman: 'F',
  m: 'M',
  male: 'M',
  man: 'M',
  x: 'X',
  'non-binary': 'X',
  nonbinary: 'X',
  'non binary': 'X',
  other: 'X',
  intersex: 'X',
  u: 'unknown',
  unknown: 'unknown',
  'not stated': 'unknown',
  'not specified': 'unknown',
  unspecified: 'unknown',
  undisclosed: 'unknown',
};

/** Normalises a sex entry to `F`, `M`, `X` or `unknown`; null when unrecognised. */
export function normaliseSex(input: string): NormalisedSex | null {
  if (typeof input !== 'string') return null;
  const key = input.trim().toLowerCase().replace(/\.$/, '').replace(/\s+/g, ' ');
  return SEX_WORDS[key] ?? null;
}

/** Shape of a valid ICD-10(-CM) code after normalisation (U codes are reserved). */
export const ICD10_PATTERN = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

/** Normalises an ICD-10 code: uppercase, dot after the category (`e119` -> `E11.9`). */
export function normaliseIcd10(input: string): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.trim().toUpperCase().replace(/\s+/g, '').replace(/\.$/, '');
  const bare = compact.replace('.', '');
  // A dot anywhere but after the category means the code was misread.
  if (compact.includes('.') && compact.indexOf('.') !== 3) return null;
  if (!/^[A-Z0-9]+$/.test(bare)) return null;
  const code = bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
  return ICD10_PATTERN.test(code) ? code : null;
}

/**
 * Normalises a blood pressure to `systolic/diastolic` (`120 / 80 mmHg` -> `120/80`).
 * A diastolic that is not below the systolic is rejected as a misreading.
 */
export function normaliseBloodPressure(input: string): string | null {
  if (typeof input !== 'string') return null;
  const match = /^(?:bp\s*:?\s*)?(\d{2,3})\s*(?:\/|over)\s*(\d{2,3})\s*(?:mm\s*hg)?\.?$/i.exec(
    input.trim(),
  );
  if (!match) return null;
  const systolic = Number(match[1]);
  const diastolic = Number(match[2]);
  if (diastolic >= systolic) return null;
  return `${systolic}/${diastolic}`;
}
