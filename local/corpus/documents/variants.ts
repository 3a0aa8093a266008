/**
 * The varied printing conventions of the layout families: several spellings
 * of each field label, more date, height and weight styles, abbreviated
 * frequencies, and the distractors real records carry (a spouse, a referring
 * doctor, a relative's diagnosis, a stopped medication). The legacy document
 * types keep their own fixed conventions in `common.ts`.
 */

import type { ClinicalCase, Medication } from '../clinical-case.ts';
import { addDays, formatName, type PersonName } from '../formats.ts';
import type { Random } from '../random.ts';
import {
  CONDITIONS,
  FEMALE_FIRST_NAMES,
  LAST_NAMES,
  MALE_FIRST_NAMES,
  PHYSICIAN_FIRST_NAMES,
  PHYSICIAN_LAST_NAMES,
} from '../vocabulary.ts';

/** Label spellings per field; each document draws one per field. */
export const LABEL_VARIANTS = {
  name: ['Patient', 'Patient name', 'Name', 'Client', 'Member', 'Pt name'],
  dateOfBirth: ['DOB', 'Birthdate', 'Date of birth', 'Born', 'Birth date', 'D.O.B.'],
  sex: ['Sex', 'Gender', 'Sex at birth'],
  mrn: ['MRN', 'Med Rec #', 'Patient ID', 'Account no.', 'Chart no.', 'Record number'],
  provider: ['Treating physician', 'Provider', 'Examined by', 'Signed', 'Clinician', 'Seen by'],
  dateOfService: ['Date of visit', 'Visit date', 'Seen on', 'Encounter date', 'Exam date', 'DOS'],
  facility: ['Facility', 'Location', 'Clinic', 'Site', 'Practice'],
  medications: ['Rx', 'Current medications', 'Meds', 'Medication list', 'Active medications'],
  allergies: ['Allergies', 'Drug allergies', 'Allergy list', 'ALG'],
  diagnoses: ['Assessment', 'Diagnoses', 'Problem list', 'Impression', 'Dx'],
} as const;

export type LabelField = keyof typeof LABEL_VARIANTS;

/** One drawn label per field, fixed for a document. */
export type Labels = Readonly<Record<LabelField, string>>;

export function drawLabels(random: Random): Labels {
  const entries = Object.entries(LABEL_VARIANTS).map(([field, options]) => [
    field,
    random.pick(options),
  ]);
  return Object.fromEntries(entries) as Labels;
}

/** More ways to print a date than the legacy types use. */
export type VariantDateStyle = 'us' | 'us-short' | 'long' | 'month-day' | 'dmy-abbrev' | 'iso';

export const VARIANT_DATE_STYLES: readonly VariantDateStyle[] = [
  'us',
  'us-short',
  'long',
  'month-day',
  'dmy-abbrev',
  'iso',
];

const MONTHS = [
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
];

/** `03/14/1968`, `3/14/1968`, `14 March 1968`, `March 14, 1968`, `14-Mar-1968`, `1968-03-14`. */
export function printDate(iso: string, style: VariantDateStyle): string {
  const [year = '', month = '', day = ''] = iso.split('-');
  const m = Number(month);
  const d = Number(day);
  const name = MONTHS[m - 1] ?? '';
  switch (style) {
    case 'us':
      return `${month}/${day}/${year}`;
    case 'us-short':
      return `${m}/${d}/${year}`;
    case 'long':
      return `${d} ${name} ${year}`;
    case 'month-day':
      return `${name} ${d}, ${year}`;
    case 'dmy-abbrev':
      return `${day}-${name.slice(0, 3)}-${year}`;
    case 'iso':
      return iso;
  }
}

/** Frequencies as prescribers abbreviate them, by the generator's canonical words. */
const SIG_ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  'once daily': ['daily', 'qd', 'once a day', 'every morning'],
  'twice daily': ['BID', 'twice a day', 'b.i.d.'],
  'three times daily': ['TID', 't.i.d.'],
  'at bedtime': ['QHS', 'nightly', 'at bedtime'],
  'once weekly': ['weekly', 'once a week'],
  'as needed': ['PRN', 'as needed'],
  'every 6 hours as needed': ['q6h PRN', 'every 6 hours as needed'],
  'four times daily': ['QID', 'four times a day'],
  'every 8 hours as needed': ['q8h PRN'],
};

/** A medication's frequency in one of its printed forms. */
export function printFrequency(random: Random, medication: Medication): string {
  const options = SIG_ABBREVIATIONS[medication.frequency.words];
  return options === undefined ? medication.frequency.abbreviation : random.pick(options);
}

/** Height in one of several printed forms, canonical cm with one decimal. */
export function printHeight(random: Random, clinical: ClinicalCase): { text: string; cm: number } {
  const { vitals } = clinical;
  if (vitals.system === 'metric') {
    return random.chance(0.5)
      ? { text: `${vitals.height} cm`, cm: vitals.height }
      : { text: `${(vitals.height / 100).toFixed(2)} m`, cm: vitals.height };
  }
  const inches = vitals.height;
  const cm = Math.round(inches * 2.54 * 10) / 10;
  const feet = Math.floor(inches / 12);
  const rest = inches % 12;
  const text = random.pick([`${feet}'${rest}"`, `${feet} ft ${rest} in`, `${inches} in`]);
  return { text, cm };
}

/** Weight in one of several printed forms, canonical kg with one decimal. */
export function printWeight(random: Random, clinical: ClinicalCase): { text: string; kg: number } {
  const { vitals } = clinical;
  if (vitals.system === 'metric') {
    return { text: random.pick([`${vitals.weight} kg`, `${vitals.weight}kg`]), kg: vitals.weight };
  }
  const kg = Math.round(vitals.weight * 0.45359237 * 10) / 10;
  return { text: random.pick([`${vitals.weight} lb`, `${vitals.weight} lbs`]), kg };
}

/** Body-mass index from the canonical height and weight, one decimal. */
export function bmiOf(heightCm: number, weightKg: number): number {
  return Math.round((weightKg / (heightCm / 100) ** 2) * 10) / 10;
}

/** Another person: a spouse or relative, never the patient. */
export interface OtherPerson {
  readonly name: PersonName;
  readonly dateOfBirth: string;
  readonly relation: string;
}

/** A spouse (or other relative) with a different name and birth date. */
export function drawRelative(random: Random, clinical: ClinicalCase): OtherPerson {
  const female = clinical.sex === 'M' ? random.chance(0.85) : random.chance(0.15);
  const relation = random.pick(['spouse', 'wife or husband', 'daughter', 'son']);
  const spouse = relation === 'spouse' || relation === 'wife or husband';
  const printedRelation = spouse
    ? female
      ? random.pick(['wife', 'spouse'])
      : random.pick(['husband', 'spouse'])
    : female
      ? 'daughter'
      : 'son';
  const first = random.pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES);
  const last = spouse && random.chance(0.6) ? clinical.patient.last : random.pick(LAST_NAMES);
  const offset = spouse ? random.int(-2900, 2900) : random.int(7000, 11000);
  return {
    name: {
      first: first === clinical.patient.first ? `${first}a` : first,
      middleInitial: null,
      last,
    },
    dateOfBirth: addDays(clinical.dateOfBirth, offset === 0 ? 400 : offset),
    relation: printedRelation,
  };
}

/** A doctor other than the treating one (referring, covering, reading). */
export function drawOtherDoctor(random: Random, clinical: ClinicalCase): PersonName {
  const last = random.pick(PHYSICIAN_LAST_NAMES.filter((n) => n !== clinical.provider.name.last));
  return { first: random.pick(PHYSICIAN_FIRST_NAMES), middleInitial: null, last };
}

/** `Dr. First Last` or `First Last, MD`. */
export function doctorName(random: Random, name: PersonName): string {
  return random.chance(0.5)
    ? `Dr. ${name.first} ${name.last}`
    : `${formatName(name, 'first-last')}, ${random.pick(['MD', 'DO'])}`;
}

/** A condition the patient does not have, as a relative's history. */
export function familyCondition(
  random: Random,
  clinical: ClinicalCase,
): { relative: string; description: string } {
  const keys = new Set(clinical.conditions.map((c) => c.key));
  const others = CONDITIONS.filter((c) => !keys.has(c.key) && c.key !== 'obesity');
  const condition = random.pick(others.length > 0 ? others : CONDITIONS);
  return {
    relative: random.pick(['mother', 'father', 'brother', 'sister', 'maternal aunt']),
    description: condition.common,
  };
}

/** A medication the patient stopped, not one still taken. */
export function discontinuedMedication(random: Random, clinical: ClinicalCase): Medication {
  const taken = new Set(clinical.medications.map((m) => m.name));
  const options = CONDITIONS.flatMap((c) => c.medications).filter((m) => !taken.has(m.name));
  const option = random.pick(options);
  return { name: option.name, dose: random.pick(option.doses), frequency: option.frequency };
}
