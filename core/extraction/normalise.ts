/**
 * Turns the many ways documents and models write dates, heights, weights, sex,
 * ICD-10 codes and blood pressures into the canonical forms the extraction
 * schemas accept. Every normaliser is pure, never throws, and returns null when
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

// ---------------------------------------------------------------------------
// Whole-extraction normalisation
// ---------------------------------------------------------------------------

import { CANONICAL_SECTIONS, type CanonicalSection } from './extraction.ts';

export { CANONICAL_SECTIONS, type CanonicalSection };

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Words a model writes instead of null in typed fields. Not applied to free
// text or to enums where `unknown` is itself a valid value.
const NULL_WORDS = new Set([
  'n/a',
  'na',
  'none',
  'null',
  'nil',
  'unknown',
  'not stated',
  'not documented',
  'not recorded',
  'not available',
  'not provided',
  '-',
  '--',
]);

function isNullWord(value: string): boolean {
  return NULL_WORDS.has(value.trim().toLowerCase());
}

/** Trims every string, turns empty strings into null, recursively. */
function tidy(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed.length === 0 ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(tidy);
  if (isPlainObject(value)) {
    const out: PlainObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = tidy(item);
    return out;
  }
  return value;
}

/**
 * Applies `normaliser` to a string; keeps the original when it cannot be read
 * so the validator reports the field instead of it silently becoming null.
 */
function typed<T>(value: unknown, normaliser: (text: string) => T | null): unknown {
  if (typeof value !== 'string') return value;
  if (isNullWord(value)) return null;
  const normalised = normaliser(value);
  return normalised === null ? value : normalised;
}

function numberFrom(value: unknown, units: RegExp): unknown {
  if (typeof value !== 'string') return value;
  if (isNullWord(value)) return null;
  const match = new RegExp(String.raw`^([+-]?\d+(?:\.\d+)?)\s*(?:${units.source})?$`, 'i').exec(
    value.trim(),
  );
  return match ? Number(match[1]) : value;
}

function lowerEnum(value: unknown, synonyms: Readonly<Record<string, string>> = {}): unknown {
  if (typeof value !== 'string') return value;
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return synonyms[key] ?? key;
}

function withKeys(value: unknown, apply: (object: PlainObject) => void): unknown {
  if (!isPlainObject(value)) return value;
  const copy: PlainObject = { ...value };
  apply(copy);
  return copy;
}

function onKey(object: PlainObject, key: string, change: (value: unknown) => unknown): void {
  if (Object.hasOwn(object, key)) object[key] = change(object[key]);
}

function allNull(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every((item) => item === null);
}

function listOf(value: unknown, item: (entry: unknown) => unknown): unknown {
  if (!Array.isArray(value)) return value;
  // An item with every property null carries nothing; keeping it would only fail validation.
  return value.map(item).filter((entry) => !allNull(entry));
}

const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  aps: 'attending_physician_statement',
  attending_physicians_statement: 'attending_physician_statement',
  "attending_physician's_statement": 'attending_physician_statement',
  lab: 'lab_report',
  laboratory_report: 'lab_report',
  discharge: 'discharge_summary',
  clinic_note: 'office_note',
  progress_note: 'office_note',
};
const LAB_FLAGS: Readonly<Record<string, string>> = {
  h: 'H',
  high: 'H',
  l: 'L',
  low: 'L',
  n: 'N',
  normal: 'N',
};
const TOBACCO: Readonly<Record<string, string>> = {
  smoker: 'current',
  current_smoker: 'current',
  ex_smoker: 'former',
  former_smoker: 'former',
  quit: 'former',
  non_smoker: 'never',
  nonsmoker: 'never',
  never_smoker: 'never',
};
const SEVERITY: Readonly<Record<string, string>> = {
  medium: 'moderate',
  mild: 'low',
  severe: 'high',
};
const NO_ALLERGY = /^(?:none|nil|nkda|nka|no known (?:drug )?allergies)\.?$/i;

const SECTION_NORMALISERS: Readonly<Record<CanonicalSection, (value: unknown) => unknown>> = {
  patient: (value) =>
    withKeys(value, (o) => {
      onKey(o, 'dateOfBirth', (v) => typed(v, normaliseDate));
      onKey(o, 'sex', (v) => (typeof v === 'string' ? (normaliseSex(v) ?? v) : v));
    }),
  encounter: (value) =>
    withKeys(value, (o) => {
      onKey(o, 'dateOfService', (v) => typed(v, normaliseDate));
      onKey(o, 'documentType', (v) => lowerEnum(v, DOCUMENT_TYPES));
    }),
  diagnoses: (value) =>
    listOf(value, (item) =>
      withKeys(item, (o) => onKey(o, 'icd10', (v) => typed(v, normaliseIcd10))),
    ),
  medications: (value) => listOf(value, (item) => item),
  allergies: (value) =>
    Array.isArray(value)
      ? value.filter(
          (item) => item !== null && !(typeof item === 'string' && NO_ALLERGY.test(item)),
        )
      : value,
  vitals: (value) =>
    withKeys(value, (o) => {
      onKey(o, 'bloodPressure', (v) => typed(v, normaliseBloodPressure));
      onKey(o, 'heartRate', (v) => numberFrom(v, /bpm|beats\/min|\/min/));
      onKey(o, 'heightCm', (v) => typed(v, (text) => normaliseHeightCm(text)));
      onKey(o, 'weightKg', (v) => typed(v, (text) => normaliseWeightKg(text)));
      onKey(o, 'bmi', (v) => numberFrom(v, /kg\/m2|kg\/m²/));
    }),
  labs: (value) =>
    listOf(value, (item) =>
      withKeys(item, (o) => {
        onKey(o, 'value', (v) => numberFrom(v, /(?!)/));
        onKey(o, 'flag', (v) => (typeof v === 'string' ? (LAB_FLAGS[v.toLowerCase()] ?? v) : v));
      }),
    ),
  socialHistory: (value) =>
    withKeys(value, (o) => {
      onKey(o, 'tobaccoUse', (v) => lowerEnum(v, TOBACCO));
      onKey(o, 'packYears', (v) => numberFrom(v, /pack[\s-]?years?/));
    }),
  riskFactors: (value) =>
    listOf(value, (item) =>
      withKeys(item, (o) => onKey(o, 'severity', (v) => lowerEnum(v, SEVERITY))),
    ),
};

function isCanonicalSection(key: string): key is CanonicalSection {
  return Object.hasOwn(SECTION_NORMALISERS, key);
}

/**
 * Normalises a model's tool input (or a rule-based extractor's output) into
 * canonical form: trims strings, empty strings become null, dates become ISO,
 * heights cm, weights kg, sex and enums their codes, numeric strings numbers.
 * A value that cannot be read is kept as written so the schema validator names
 * the field. Keys it does not know are kept for the validator to reject.
 *
 * `fieldsAllowed` (top-level section names, e.g. a version's schema properties)
 * drops canonical sections that version does not have; unknown keys still stay.
 * Returns a new value; the input is never mutated. Non-objects come back as is.
 */
export function normaliseExtraction(
  raw: unknown,
  fieldsAllowed?: ReadonlySet<string> | readonly string[],
): unknown {
  const cleaned = tidy(raw);
  if (!isPlainObject(cleaned)) return cleaned;
  const allowed = fieldsAllowed === undefined ? undefined : new Set(fieldsAllowed);
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(cleaned)) {
    if (!isCanonicalSection(key)) {
      out[key] = value;
      continue;
    }
    if (allowed !== undefined && !allowed.has(key)) continue;
    out[key] = SECTION_NORMALISERS[key](value);
  }
  return out;
}
