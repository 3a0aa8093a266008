/**
 * Whole-extraction normaliser: walks a model's tool input (or the rule-based
 * extractor's output) section by section and applies the value normalisers to
 * each typed field, leaving what it cannot read for the validator to report.
 */
import type { CanonicalSection } from './extraction.ts';
import {
  normaliseBloodPressure,
  normaliseDate,
  normaliseHeightCm,
  normaliseIcd10,
  normaliseSex,
  normaliseWeightKg,
} from './value-normalisers.ts';

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
