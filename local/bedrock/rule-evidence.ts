/**
 * Quotes for the rule-based extractor's values, for prompt versions whose
 * tool schema asks for `evidence`: for each value, the document line its rule
 * reads that kind of value from (the labelled line, the medication or lab
 * row, the tobacco or vitals line, a document title), copied verbatim from
 * the document text. It is rule-based like the extractor: a line is chosen
 * because it holds the value's printed form and the field's label words, not
 * because anything understood it. A value no line supports gets no quote and
 * is left for the grounding step to flag.
 */
import { fold } from '#core/evidence/fold.ts';
import { leafValues, specKey } from '#core/evidence/paths.ts';
import { foldedForms, holdsFoldedForm } from '#core/evidence/surface.ts';

export interface RuleClaim {
  readonly path: string;
  readonly quote: string;
  readonly page: number | null;
}

/** Label words of the line a rule reads each field from. */
const FIELD_CUES: Readonly<Record<string, RegExp>> = {
  'patient.name': /\b(?:patient|name|re|insured|applicant|mr|mrs|ms)\b/i,
  'patient.dateOfBirth': /\b(?:dob|d\.o\.b|birth|born|birthdate)\b/i,
  'patient.sex': /\b(?:sex|gender|female|male|woman|man|gentleman|lady|mr|mrs|ms|miss)\b/i,
  'patient.mrn': /\b(?:mrn|record|chart|acct|account|id|patient\s*(?:no|number))\b|#/i,
  'encounter.dateOfService':
    /\b(?:date|service|visit|seen|dos|collected|reported|discharge|admi(?:ssion|tted)|exam)\b/i,
  'encounter.providerName': /\b(?:dr|md|do|provider|physician|signed|attending|np|pa)\b/i,
  'encounter.facility':
    /\b(?:hospital|clinic|medical|health|laborator(?:y|ies)|labs|cent(?:er|re)|associates|practice|diagnostics|physicians|facility)\b/i,
  'vitals.bloodPressure': /\b(?:bp|blood\s*pressure)\b/i,
  'vitals.heartRate': /\b(?:hr|pulse|heart\s*rate|bpm)\b/i,
  'vitals.heightCm': /\b(?:height|ht)\b/i,
  'vitals.weightKg': /\b(?:weight|wt)\b/i,
  'vitals.bmi': /\bbmi\b|body\s*mass/i,
  'socialHistory.tobaccoUse': /tobacco|smok|cigar|nicotine|pack|vap/i,
  'socialHistory.packYears': /pack/i,
  allergies: /allerg|nkda|intoleran|reaction/i,
};

/** Title words that decide each document type (the classifier's titles and clues, loosely). */
const TYPE_CUES: Readonly<Record<string, RegExp>> = {
  attending_physician_statement: /physician'?s?\s*statement|\bAPS\b|insured|underwrit/i,
  discharge_summary: /discharge|hospital\s*course|admission/i,
  lab_report: /lab(?:oratory)?|reference\s*(?:range|interval)|specimen|accession|collected/i,
  office_note: /note\b|visit|encounter|subjective|chief\s*complaint|consult/i,
};

/**
 * For a list item, the properties whose value names the row every property
 * of it is read from, in order: a risk factor's evidence is quoted when it
 * is printed as is, else the line that names the factor.
 */
const ROW_ANCHORS: Readonly<Record<string, readonly string[]>> = {
  medications: ['name'],
  labs: ['test'],
  diagnoses: ['description'],
  riskFactors: ['evidence', 'factor'],
};

/** Whether a line holds a value's printed form (booleans are never printed as such). */
type LineHolds = (line: string, value: string | number | boolean, path: string) => boolean;

/**
 * `quoteContainsValue` over the document's lines, with each line and each
 * value's printed forms folded once: every value is tested against every
 * line, several times over.
 */
const lineMatcher = (lines: readonly string[]): LineHolds => {
  const foldedLines = new Map(lines.map((line) => [line, fold(line)]));
  const forms = new Map<string, string[]>();
  return (line, value, path) => {
    if (typeof value === 'boolean') return false;
    const key = `${typeof value}\u0000${value}\u0000${path}`;
    let needles = forms.get(key);
    if (needles === undefined) {
      needles = foldedForms(value, path);
      forms.set(key, needles);
    }
    return holdsFoldedForm(foldedLines.get(line) ?? fold(line), needles);
  };
};

/** The first line holding the value, preferring one with the field's label words. */
const lineFor = (
  lineHolds: LineHolds,
  lines: readonly string[],
  path: string,
  value: string | number | boolean,
): string | null => {
  const key = specKey(path);
  const cue = FIELD_CUES[key] ?? FIELD_CUES[key.split('.')[0] ?? ''];
  const holding = lines.filter((line) => lineHolds(line, value, path));
  const labelled = cue ? holding.find((line) => cue.test(line)) : undefined;
  if (labelled ?? holding[0]) return labelled ?? holding[0] ?? null;
  // A derived value (a converted unit, a category): the line its rule reads.
  if (key === 'encounter.documentType') {
    const typeCue = TYPE_CUES[String(value)];
    return typeCue ? (lines.find((line) => typeCue.test(line)) ?? null) : null;
  }
  if (key.startsWith('vitals.')) {
    // A converted measurement: the labelled line that prints a number.
    return cue ? (lines.find((line) => cue.test(line) && /\d/.test(line)) ?? null) : null;
  }
  if (key === 'patient.sex' || key.startsWith('socialHistory.')) {
    return cue ? (lines.find((line) => cue.test(line)) ?? null) : null;
  }
  return null;
};

/** The row a list item was read from: the line holding its anchor value. */
const rowFor = (
  lineHolds: LineHolds,
  lines: readonly string[],
  fields: unknown,
  path: string,
): string | null => {
  const match = /^(\w+)\[(\d+)\]/.exec(path);
  const section = match?.[1] ?? '';
  const anchors = ROW_ANCHORS[section];
  if (!match || !anchors || !fields || typeof fields !== 'object') return null;
  const list: unknown = Object.entries(fields).find(([name]) => name === section)?.[1];
  const item: unknown = Array.isArray(list) ? list[Number(match[2])] : undefined;
  if (!item || typeof item !== 'object') return null;
  for (const anchor of anchors) {
    const value: unknown = Object.entries(item).find(([name]) => name === anchor)?.[1];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const row = lines.find((line) => lineHolds(line, value, `${section}.${anchor}`));
    if (row !== undefined) return row;
  }
  return null;
};

/**
 * One claim per non-null leaf value that some document line supports, with
 * that line (trimmed) as the quote. The stand-in sees the document as one
 * text without page numbers, so the page is null.
 */
export function attributeEvidence(documentText: string, fields: unknown): RuleClaim[] {
  const lines = documentText
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => fold(line).length > 0);
  const lineHolds = lineMatcher(lines);
  const claims: RuleClaim[] = [];
  for (const { path, value } of leafValues(fields)) {
    const row = rowFor(lineHolds, lines, fields, path);
    const line =
      row !== null && (lineHolds(row, value, path) || !lineFor(lineHolds, lines, path, value))
        ? row
        : lineFor(lineHolds, lines, path, value);
    if (line !== null) claims.push({ path, quote: line, page: null });
  }
  return claims;
}
