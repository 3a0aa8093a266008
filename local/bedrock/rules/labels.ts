/**
 * Reads `Label: value` fields (patient and encounter details) from form-like
 * lines, where several labels often share one line once PDF columns are
 * flattened: `Patient Name: DOE, JANE DOB: 03/14/1968`.
 */
import { literalPattern } from './text.ts';

/** Fields read from labels. */
export type LabelledField =
  | 'patientName'
  | 'dateOfBirth'
  | 'sex'
  | 'mrn'
  | 'dateOfService'
  | 'providerName'
  | 'facility';

interface LabelRule {
  /** The field the value belongs to; null for labels that only end the previous value. */
  readonly field: LabelledField | null;
  /** Literal label words; each space matches any run of spaces, or none (letter-spaced text). */
  readonly words: string;
  /** Lower wins when one field has several labels (`Date of Service` over `Date`). */
  readonly rank: number;
  /** Printed without a colon too (`DOB 03/14/1968`); a space must then follow. */
  readonly colonOptional?: boolean;
}

const rule = (
  field: LabelledField | null,
  rank: number,
  words: readonly string[],
  colonOptional = false,
): LabelRule[] => words.map((w) => ({ field, rank, words: w, colonOptional }));

const RULES: readonly LabelRule[] = [
  ...rule('patientName', 0, [
    'Patient Name',
    "Patient's Name",
    'Name of Patient',
    'Patient Full Name',
  ]),
  ...rule('patientName', 1, [
    'Insured Name',
    'Name of Insured',
    'Proposed Insured',
    'Applicant Name',
    'Insured',
    'Applicant',
  ]),
  ...rule('patientName', 2, ['Patient']),
  ...rule('patientName', 3, ['Name', 'Name (Last, First, MI)', 'Name (Last, First)']),
  ...rule('dateOfBirth', 0, ['Date of Birth', 'Birth Date', 'Birthdate', 'DOB', 'D.O.B.'], true),
  ...rule('sex', 0, ['Sex', 'Gender', 'Sex/Gender', 'Sex / Gender'], true),
  ...rule(
    'mrn',
    0,
    [
      'MRN',
      'Medical Record #',
      'Medical Record No.',
      'Medical Record Number',
      'Medical Record',
      'Med Rec #',
      'MR #',
    ],
    true,
  ),
  ...rule('mrn', 1, ['Patient ID', 'Chart #', 'Chart Number', 'Record #']),
  // Date labels may lack a colon: a value that holds no date is skipped anyway.
  ...rule('dateOfService', 0, ['Date of Service', 'Service Date', 'DOS'], true),
  ...rule(
    'dateOfService',
    1,
    [
      'Visit Date',
      'Date of Visit',
      'Encounter Date',
      'Exam Date',
      'Date of Last Visit',
      'Last Visit',
    ],
    true,
  ),
  ...rule(
    'dateOfService',
    2,
    ['Collected', 'Collection Date', 'Date Collected', 'Specimen Collected', 'Collected Date'],
    true,
  ),
  // A discharge summary's date of service is the discharge, not the admission.
  ...rule('dateOfService', 3, ['Discharge Date', 'Date of Discharge'], true),
  ...rule('dateOfService', 3, ['Discharged']),
  ...rule('dateOfService', 4, ['Admission Date', 'Date of Admission', 'Admit Date'], true),
  ...rule('dateOfService', 4, ['Admitted']),
  ...rule('dateOfService', 5, ['Report Date', 'Date of Report', 'Statement Date'], true),
  ...rule('dateOfService', 6, ['Date']),
  ...rule('providerName', 0, ['Attending Physician', 'Treating Physician', 'Physician Name']),
  ...rule('providerName', 1, ['Physician', 'Attending', 'Provider', 'Rendering Provider']),
  ...rule('providerName', 2, ['Ordering Physician', 'Ordering Provider', 'Doctor', 'Seen By']),
  ...rule('providerName', 3, ['Primary Care Physician', 'PCP']),
  ...rule('providerName', 4, ['Electronically Signed By', 'Signed By', 'Dictated By']),
  ...rule('facility', 0, ['Facility', 'Facility Name', 'Hospital', 'Clinic', 'Practice']),
  ...rule('facility', 1, ['Laboratory', 'Performing Lab', 'Performing Laboratory', 'Lab']),
  // Labels whose values are never needed but must end the value before them.
  ...rule(null, 9, [
    'Age',
    'Address',
    'Phone',
    'Home Phone',
    'Cell Phone',
    'Work Phone',
    'Fax',
    'Tel',
    'Email',
    'SSN',
    'Policy #',
    'Policy Number',
    'Policy No.',
    'Account #',
    'Account',
    'Acct #',
    'Room',
    'Bed',
    'Race',
    'Ethnicity',
    'Insurance',
    'Employer',
    'Occupation',
    'Referring Physician',
    'Referring Provider',
    'Specimen',
    'Specimen ID',
    'Accession',
    'Accession #',
    'Received',
    'Reported',
    'Date Reported',
    'Date Received',
    'Date Signed',
    'Time',
    'Status',
    'Length of Stay',
    'NPI',
    'Signature',
    'Physician Signature',
    'Unit',
    'Department',
    'Dept',
    'Service',
    'Disposition',
    'Client',
    'Fasting',
    'Telephone',
    'License No.',
    'License #',
    'Application No.',
    'Application #',
    'Application Number',
    'Claim No.',
    'Claim #',
    'Claim Number',
    'Group No.',
    'Group #',
    'Member ID',
    'Subscriber ID',
    'Date Printed',
  ]),
];

// A note on how to write the value may sit between label and colon: `Date of Birth (DD.MM.YYYY):`.
const FORMAT_NOTE = String.raw`(?:\s*\([^)]{0,30}\))?`;

// Longer labels first, so `Patient Name` wins over `Patient` at the same position.
const ORDERED = [...RULES].sort((a, b) => b.words.length - a.words.length);
const LABEL = new RegExp(
  `(?<![A-Za-z0-9])(?:${ORDERED.map(
    (r) =>
      `(${literalPattern(r.words)}${r.words.endsWith('#') || r.words.endsWith('.') ? '' : '(?![A-Za-z])'}${
        r.colonOptional
          ? String.raw`${FORMAT_NOTE}(?:\s*[:#]|(?=\s|$))`
          : String.raw`${FORMAT_NOTE}\s*:`
      })`,
  ).join('|')}|([A-Z][A-Za-z]+.?:))`,
  'gi',
);

/** A labelled value found in the text, in reading order. */
export interface LabelledValue {
  readonly field: LabelledField;
  readonly rank: number;
  readonly line: number;
  readonly value: string;
}

interface LabelHit {
  readonly rule: LabelRule | null;
  readonly start: number;
  readonly end: number;
}

function labelHits(line: string): LabelHit[] {
  const hits: LabelHit[] = [];
  for (const match of line.matchAll(LABEL)) {
    const index = match.slice(1).findIndex((group) => group !== undefined);
    hits.push({
      rule: ORDERED[index] ?? null,
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return hits;
}

/** True when the line begins with a field label, so it is a form line, not free text. */
export function startsWithLabel(line: string): boolean {
  const first = labelHits(line)[0];
  return first !== undefined && first.start === 0 && (first.rule?.field ?? null) !== null;
}

/**
 * Every labelled value in the document. A value runs to the next label on the
 * same line; a label that ends its line takes the next line when that line is
 * not itself a field line.
 */
export function findLabelledValues(lines: readonly string[]): LabelledValue[] {
  const found: LabelledValue[] = [];
  lines.forEach((line, lineIndex) => {
    const hits = labelHits(line);
    hits.forEach((hit, hitIndex) => {
      if (hit.rule === null || hit.rule.field === null) return;
      const next = hits[hitIndex + 1];
      let value = line.slice(hit.end, next?.start ?? line.length).trim();
      const following = lines[lineIndex + 1];
      if (value.length === 0 && next === undefined && following !== undefined) {
        const followingHits = labelHits(following);
        if (followingHits[0]?.start !== 0) {
          value = following.slice(0, followingHits[0]?.start ?? following.length).trim();
        }
      }
      if (value.length > 0) {
        found.push({ field: hit.rule.field, rank: hit.rule.rank, line: lineIndex, value });
      }
    });
  });
  return found;
}

/**
 * The first value of `field` that `parse` accepts, trying lower ranks first and
 * then reading order.
 */
export function pickLabelled<T>(
  values: readonly LabelledValue[],
  field: LabelledField,
  parse: (value: string) => T | null,
): T | null {
  const candidates = values
    .filter((value) => value.field === field)
    .sort((a, b) => a.rank - b.rank || a.line - b.line);
  for (const candidate of candidates) {
    const parsed = parse(candidate.value);
    if (parsed !== null) return parsed;
  }
  return null;
}
