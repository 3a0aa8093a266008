/**
 * Reads lab results from table rows such as `HbA1c 7.2 % 4.0-5.6 H` or
 * `Glucose, fasting 126 mg/dL (70-99) H`. A row counts only when everything
 * after the value is a unit, a reference range or a flag; when no flag is
 * printed it is derived from the range.
 */
import type { LabFlag } from '#core/extraction/extraction.ts';

/** One lab result as printed; the flag is printed or derived from the range. */
export interface FoundLab {
  readonly test: string;
  readonly value: number | string;
  readonly unit: string | null;
  readonly flag: LabFlag | null;
}

const UNITS = new Set(
  [
    '%',
    'mg/dl',
    'g/dl',
    'g/l',
    'mg/l',
    'ug/l',
    'ug/dl',
    'mcg/dl',
    'ug/ml',
    'ng/ml',
    'ng/dl',
    'pg/ml',
    'pg',
    'fl',
    'mmol/l',
    'mmol/mol',
    'umol/l',
    'nmol/l',
    'pmol/l',
    'meq/l',
    'u/l',
    'iu/l',
    'miu/l',
    'miu/ml',
    'uiu/ml',
    'iu/ml',
    'u/ml',
    'mg/g',
    'mg/mmol',
    'mg/24h',
    'mg/24hr',
    'ml/min',
    'ml/min/1.73',
    'ml/min/1.73m2',
    'mg/g creat',
    'mg/g creatinine',
    'x10^3/ul',
    'x10^6/ul',
    'x10^9/l',
    'x10^12/l',
    'x10e3/ul',
    'x10e6/ul',
    '10^3/ul',
    '10^6/ul',
    '10*3/ul',
    '10*6/ul',
    'k/ul',
    'm/ul',
    'k/mm3',
    '/ul',
    '/mm3',
    'cells/ul',
    'cells/mm3',
    'mm/hr',
    'mm/h',
    'sec',
    'seconds',
    's',
    'ratio',
    'index',
    '/hpf',
    '/lpf',
    'copies/ml',
    'mosm/kg',
    'g/24h',
  ].map((unit) => unit.toLowerCase()),
);
// Two-word units are held together by a no-break space while a row is tokenised.
const TIED = '\u00a0';
const unitKey = (token: string): string =>
  token.toLowerCase().replace(/[µμ]/g, 'u').replace(new RegExp(TIED, 'g'), ' ');
const untie = (text: string): string => text.replace(new RegExp(TIED, 'g'), ' ');
const isUnit = (token: string): boolean => UNITS.has(unitKey(token));

const PRINTED_FLAGS: Readonly<Record<string, LabFlag | 'abnormal'>> = {
  h: 'H',
  hh: 'H',
  hi: 'H',
  high: 'H',
  l: 'L',
  ll: 'L',
  lo: 'L',
  low: 'L',
  n: 'N',
  normal: 'N',
  wnl: 'N',
  a: 'abnormal',
  abn: 'abnormal',
  abnormal: 'abnormal',
  c: 'abnormal',
  crit: 'abnormal',
  critical: 'abnormal',
};
const flagOf = (token: string): LabFlag | 'abnormal' | null =>
  PRINTED_FLAGS[token.toLowerCase().replace(/\*/g, '')] ?? (token === '*' ? 'abnormal' : null);

const QUALITATIVE =
  /^(?:negative|positive|non-?reactive|reactive|detected|not\s+detected|none\s+detected|trace|absent|present)$/i;
const NUMERIC_VALUE = /^\d+(?:\.\d+)?$/;
const CENSORED_VALUE = /^(?:[<>]=?|≤|≥)\d+(?:\.\d+)?$/;
const VALUE_WITH_UNIT = /^(\d+(?:\.\d+)?)([^\d.].*)$/;
const RANGE = new RegExp(
  [
    String.raw`\(?\s*(?:ref(?:erence)?(?:\s*(?:range|interval))?\s*:?\s*)?`,
    String.raw`(?:(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)|([<>]=?|≤|≥)\s*(\d+(?:\.\d+)?))`,
    String.raw`(?:\s*([A-Za-zµμ%/*^0-9.]+))?\s*\)?`,
  ].join(''),
  'i',
);
// Vital signs look like lab rows (`SpO2 98 %`) but belong to vitals.
const VITAL_NAME =
  /^(?:bp|blood pressure|hr|heart rate|pulse|temp|temperature|resp|rr|respiratory rate|spo2|o2 sat|oxygen saturation|sat|ht|height|wt|weight|bmi|age|pain(?: score)?)$/i;
const LIST_MARKER = /^(?:#?\d{1,2}[.)]|[-*+>])\s+/;
const MAX_NAME_WORDS = 7;

interface Range {
  readonly low: number | null;
  readonly high: number | null;
  /** `<200` is normal below 200, `>60` is normal above 60; equality counts as normal only for `<=`/`>=`. */
  readonly inclusive: boolean;
}

function parseRange(match: RegExpExecArray): Range | null {
  const [, low, high, operator, bound] = match;
  if (low !== undefined && high !== undefined) {
    return { low: Number(low), high: Number(high), inclusive: true };
  }
  if (operator !== undefined && bound !== undefined) {
    const inclusive = operator.includes('=') || operator === '≤' || operator === '≥';
    return operator.startsWith('<') || operator === '≤'
      ? { low: null, high: Number(bound), inclusive }
      : { low: Number(bound), high: null, inclusive };
  }
  return null;
}

function flagFromRange(value: number, range: Range): LabFlag {
  if (range.high !== null && (range.inclusive ? value > range.high : value >= range.high)) {
    return 'H';
  }
  if (range.low !== null && (range.inclusive ? value < range.low : value <= range.low)) return 'L';
  return 'N';
}

interface Tail {
  readonly unit: string | null;
  readonly range: Range | null;
  readonly flag: LabFlag | 'abnormal' | null;
}

// Everything after the value must be a unit, a range or a flag, else the line
// is not a result row (a medication, a sentence, a date line).
function parseTail(rest: string, attachedUnit: string | null): Tail | null {
  let remaining = rest;
  let range: Range | null = null;
  let unit = attachedUnit;
  const rangeMatch = RANGE.exec(remaining);
  if (rangeMatch !== null) {
    range = parseRange(rangeMatch);
    const rangeUnit = rangeMatch[5];
    if (rangeUnit !== undefined) {
      if (isUnit(rangeUnit)) unit ??= rangeUnit;
      else if (flagOf(rangeUnit) === null) return null;
      else remaining = `${remaining} ${rangeUnit}`;
    }
    remaining =
      remaining.slice(0, rangeMatch.index) +
      remaining.slice(rangeMatch.index + rangeMatch[0].length);
  }
  let flag: LabFlag | 'abnormal' | null = null;
  for (const token of remaining.split(' ').filter((t) => t.length > 0)) {
    // A unit may be printed twice, after the value and inside the range.
    if (isUnit(token)) {
      unit ??= token;
      continue;
    }
    const printed = flagOf(token);
    if (printed !== null && flag === null) {
      flag = printed;
      continue;
    }
    if (/^(?:ref(?:erence)?|range|normal:?|final|result)$/i.test(token)) continue;
    return null;
  }
  if (unit === null && range === null) return null;
  return { unit, range, flag };
}

function resolveFlag(value: number | string, tail: Tail): LabFlag | null {
  if (tail.flag !== null && tail.flag !== 'abnormal') return tail.flag;
  if (typeof value === 'number' && tail.range !== null) return flagFromRange(value, tail.range);
  return null;
}

function cleanTestName(tokens: readonly string[]): string | null {
  const name = tokens
    .join(' ')
    .replace(LIST_MARKER, '')
    .replace(/[\s:,;-]+$/, '')
    .trim();
  if (!/[A-Za-z]/.test(name) || VITAL_NAME.test(name)) return null;
  if (/\d{1,2}\/\d{1,2}\/\d{2,4}/.test(name)) return null;
  return name;
}

/** Parses one result row; null when the line is not one. */
export function parseLabRow(raw: string): FoundLab | null {
  const line = raw
    .replace(/(\d),(\d{3})\b/g, '$1$2')
    .replace(/1\.73\s*m(?:2|²)/gi, '1.73m2')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(mg\/g) (creat(?:inine)?)\b/gi, `$1${TIED}$2`);
  const tokens = line.split(' ');
  // Try each numeric token as the value: a name may itself hold numbers (`Glucose, 2 hr`).
  const lastValueIndex = Math.min(tokens.length - 1, MAX_NAME_WORDS);
  for (let index = 1; index <= lastValueIndex; index += 1) {
    const token = tokens[index] ?? '';
    const name = cleanTestName(tokens.slice(0, index));
    if (name === null) continue;
    let value: number | string | null = null;
    let attachedUnit: string | null = null;
    let restStart = index + 1;
    if (NUMERIC_VALUE.test(token)) value = Number(token);
    else if (CENSORED_VALUE.test(token)) value = token;
    else {
      const attached = VALUE_WITH_UNIT.exec(token);
      if (attached?.[1] !== undefined && attached[2] !== undefined && isUnit(attached[2])) {
        value = Number(attached[1]);
        attachedUnit = attached[2];
      } else {
        const qualitative = [token, `${token} ${tokens[index + 1] ?? ''}`].find((t) =>
          QUALITATIVE.test(t.trim()),
        );
        if (qualitative !== undefined) {
          value = qualitative.trim();
          restStart = index + value.split(' ').length;
        }
      }
    }
    if (value === null) continue;
    const rest = tokens.slice(restStart).join(' ');
    if (typeof value === 'string' && QUALITATIVE.test(value)) {
      const restTokens = rest.split(' ').filter((t) => t.length > 0);
      if (
        restTokens.every(
          (t) => QUALITATIVE.test(t) || flagOf(t) !== null || /^(?:ref|reference|range)$/i.test(t),
        )
      ) {
        const printed = restTokens.map(flagOf).find((f) => f === 'H' || f === 'L' || f === 'N');
        return { test: name, value, unit: null, flag: printed ?? null };
      }
      continue;
    }
    const tail = parseTail(rest, attachedUnit);
    if (tail === null) continue;
    return {
      test: name,
      value,
      unit: tail.unit === null ? null : untie(tail.unit),
      flag: resolveFlag(value, tail),
    };
  }
  return null;
}

/**
 * Lab results from candidate lines, de-duplicated by test name in reading
 * order. A line holding several results separated by commas or semicolons is
 * split only when every part is a result row.
 */
// A table row's cells by what they hold, so any column order reads as
// `name value unit range flag`: the value is the first number (or
// qualitative result), the name the cell that is none of the others.
function canonicalRow(cells: string): string | null {
  const parts = cells
    .split('\t')
    .map((cell) => cell.trim())
    .filter((cell) => cell.length > 0);
  if (parts.length < 3) return null;
  let name: string | null = null;
  let value: string | null = null;
  const rest: string[] = [];
  for (const part of parts) {
    const numeric = NUMERIC_VALUE.test(part) || CENSORED_VALUE.test(part) || QUALITATIVE.test(part);
    const fullRange = RANGE.exec(part)?.[0].trim() === part;
    if (value === null && numeric) value = part;
    else if (isUnit(part) || fullRange || flagOf(part) !== null) rest.push(part);
    else if (name === null && /[A-Za-z]/.test(part) && !numeric) name = part;
    else return null;
  }
  return name === null || value === null ? null : [name, value, ...rest].join(' ');
}

/**
 * Lab results from candidate lines; `cells` (the same lines with table
 * cells separated by tabs) lets a row of any column order be read.
 */
export function extractLabs(
  lines: readonly string[],
  cells: readonly string[] = [],
  options: { readonly cellsOnly?: boolean } = {},
): FoundLab[] {
  const found: FoundLab[] = [];
  const seen = new Set<string>();
  const add = (lab: FoundLab): void => {
    const key = lab.test.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    found.push(lab);
  };
  const rows = options.cellsOnly === true ? cells : lines;
  rows.forEach((line, index) => {
    const row = options.cellsOnly === true ? line : cells[index];
    const canonical = row?.includes('\t') ? canonicalRow(row) : null;
    const fromCells = canonical === null ? null : parseLabRow(canonical);
    if (fromCells !== null) {
      add(fromCells);
      return;
    }
    if (options.cellsOnly === true) return;
    const parts = line.split(/\s*[;,]\s+(?=[A-Za-z])/);
    const parsedParts = parts.length > 1 ? parts.map(parseLabRow) : [];
    if (parsedParts.length > 1 && parsedParts.every((lab) => lab !== null)) {
      for (const lab of parsedParts) if (lab !== null) add(lab);
      return;
    }
    const lab = parseLabRow(line);
    if (lab !== null) add(lab);
  });
  return found;
}

// Narrative results: `... notable for hemoglobin A1c of 6.7 %, LDL cholesterol of
// 172 mg/dL and creatinine of 0.68 mg/dL`. Clauses are split at commas, `and`
// and lead-in words; each must be `<test> of|was|is|= <value> <lab unit>`.
const CLAUSE_BREAK =
  /\s*[,;]\s*|\s+and\s+|\s+(?:for|with|including|included|showed|showing|revealed|notable\s+for)\s+/i;
const NARRATIVE_RESULT =
  /^(?:(?:the|a|an|her|his|their|a\s+repeat|repeat)\s+)?([A-Za-z][A-Za-z0-9 ,()/-]{0,40}?)\s+(?:of|was|were|is|at|=|:)\s+([<>]?\d+(?:\.\d+)?)\s*(\S+?)\s*(\([^)]{0,40}\))?\.?$/i;
const MAX_NARRATIVE_NAME_WORDS = 5;

/**
 * Results written in sentences rather than rows, de-duplicated by test name.
 * Only a value followed by a known lab unit counts; the flag is derived from a
 * bracketed range when one follows, else null.
 */
export function extractNarrativeLabs(lines: readonly string[]): FoundLab[] {
  const found: FoundLab[] = [];
  const seen = new Set<string>();
  // A unit wrapped after its slash (`x10E3/` + `uL`) is joined back without a space.
  const text = lines.join('\n').replace(/\/\n/g, '/').replace(/\n/g, ' ');
  const sentences = text.split(/(?<=\.)\s+(?=[A-Z])/);
  for (const sentence of sentences) {
    for (const clause of sentence.split(CLAUSE_BREAK)) {
      const match = NARRATIVE_RESULT.exec(clause.trim());
      const [, rawName, rawValue, unit, range] = match ?? [];
      if (rawName === undefined || rawValue === undefined || unit === undefined) continue;
      const name = rawName.trim();
      if (!isUnit(unit) || name.split(' ').length > MAX_NARRATIVE_NAME_WORDS) continue;
      if (VITAL_NAME.test(name)) continue;
      const value = /^[<>]/.test(rawValue) ? rawValue : Number(rawValue);
      const rangeMatch = range === undefined ? null : RANGE.exec(range);
      const parsedRange = rangeMatch === null ? null : parseRange(rangeMatch);
      const flag =
        typeof value === 'number' && parsedRange !== null
          ? flagFromRange(value, parsedRange)
          : null;
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ test: name, value, unit, flag });
    }
  }
  return found;
}
