/**
 * Pieces every document type shares: the per-document print style (date and
 * name formats, font, fax line, banner), the phrases for tobacco history,
 * allergies and medications, and the draft that collects blocks together with
 * the printed form of each truth value.
 */

import { emptyExtraction } from '#core/extraction/extraction.ts';
import {
  type ClinicalCase,
  flagFor,
  labTest,
  type Medication,
  rangeFor,
  type Tobacco,
} from '../clinical-case.ts';
import {
  bodyMassIndex,
  canonicalName,
  DATE_STYLES,
  type DateStyle,
  fixed,
  formatDate,
  height,
  NAME_STYLES,
  type NameStyle,
  type PrintedMeasure,
  type SexStyle,
  weight,
} from '../formats.ts';
import type { Block, DocumentModel, PageNumberStyle } from '../pdf.ts';
import type { Random } from '../random.ts';
import type { CorpusDocumentType, PrintedForm, Truth } from '../truth.ts';
import type { Facility } from '../vocabulary.ts';

/** A composed document: what to print, its truth, and the printed form of each truth value. */
export interface Composition {
  readonly documentType: CorpusDocumentType;
  readonly model: DocumentModel;
  readonly truth: Truth;
  readonly printed: readonly PrintedForm[];
}

/** Composes one document of a type from a clinical case; all randomness is drawn here. */
export type Composer = (random: Random, clinical: ClinicalCase) => Composition;

/** Print style drawn once per document. */
export interface PrintStyle {
  readonly dateStyle: DateStyle;
  readonly nameStyle: NameStyle;
  readonly sexStyle: SexStyle;
  readonly font: DocumentModel['font'];
  readonly fontSize: number;
  readonly faxLine: string | null;
  readonly banner: string | null;
  readonly pageNumbers: PageNumberStyle;
}

const BANNERS = [
  'CONFIDENTIAL: This document contains protected health information. If received in error, notify the sender and destroy all copies.',
  'CONFIDENTIAL PATIENT INFORMATION - Redisclosure is prohibited without the written authorization of the patient.',
  'Privileged and confidential medical record. Unauthorized review, use or disclosure is prohibited.',
] as const;

/** Draws the print style; a faxed copy carries the sender's number and a later date. */
export function drawPrintStyle(
  random: Random,
  clinical: ClinicalCase,
  sender: Facility,
): PrintStyle {
  const dateStyle = random.pick(DATE_STYLES);
  const faxed = random.chance(0.4);
  const sent = new Date(
    Date.parse(`${clinical.dateOfService}T00:00:00Z`) + random.int(3, 90) * 864e5,
  )
    .toISOString()
    .slice(0, 10);
  const time = `${String(random.int(7, 18)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`;
  return {
    dateStyle,
    nameStyle: random.pick(NAME_STYLES),
    sexStyle: random.chance(0.5) ? 'code' : 'word',
    font: random.chance(0.7) ? 'Helvetica' : 'Times-Roman',
    fontSize: random.pick([9.5, 10, 10.5]),
    faxLine: faxed
      ? `FAX ${formatDate(sent, 'us')} ${time}  FROM: ${sender.phone}  TO: MEDICAL UNDERWRITING  ${sender.name.toUpperCase()}`
      : null,
    banner: random.chance(0.7) ? random.pick(BANNERS) : null,
    pageNumbers: random.chance(0.5) ? 'header' : 'footer',
  };
}

/** Collects blocks and the printed forms of truth values as a document is composed. */
export class Draft {
  readonly blocks: Block[] = [];
  readonly printed: PrintedForm[] = [];

  add(...blocks: Block[]): this {
    this.blocks.push(...blocks);
    return this;
  }

  /** Records that the truth value at `path` is printed as `text`. */
  note(path: string, text: string): string {
    this.printed.push({ path, text });
    return text;
  }
}

/** `She`/`He` and `woman`/`man` for narrative text. */
export function pronouns(sex: 'F' | 'M'): { subject: string; noun: string; possessive: string } {
  return sex === 'F'
    ? { subject: 'She', noun: 'woman', possessive: 'her' }
    : { subject: 'He', noun: 'man', possessive: 'his' };
}

function packsPerDay(packs: number): string {
  if (packs === 0.5) return 'half a pack';
  if (packs === 1) return '1 pack';
  return `${packs} packs`;
}

/** A tobacco-history sentence and what it states. */
export interface TobaccoPhrase {
  readonly text: string;
  readonly tobaccoUse: Truth['socialHistory']['tobaccoUse'];
  readonly packYears: number | null;
}

/** One narrative sentence for a tobacco history; null when the record says nothing. */
export function tobaccoPhrase(
  random: Random,
  tobacco: Tobacco | null,
  sex: 'F' | 'M',
): TobaccoPhrase | null {
  if (tobacco === null) return null;
  const { subject } = pronouns(sex);
  if (tobacco.status === 'never') {
    const text = random.pick([
      'Never smoker.',
      'Denies tobacco use.',
      'Patient denies tobacco.',
      `${subject} has never smoked.`,
    ]);
    return { text, tobaccoUse: 'never', packYears: null };
  }
  const years = tobacco.packYears;
  if (tobacco.status === 'current') {
    const ppd = packsPerDay(tobacco.packsPerDay);
    const text = random.pick([
      `Current smoker, ${ppd} per day (${years} pack-years).`,
      `${subject} currently smokes ${ppd} per day and has a ${years} pack-year history.`,
      `Smokes ${ppd} per day; ${years} pack-year history.`,
    ]);
    return { text, tobaccoUse: 'current', packYears: years };
  }
  const quit = tobacco.quitYear ?? 0;
  if (years === null) {
    const text = random.pick([`Former smoker, quit in ${quit}.`, `Ex-smoker; quit ${quit}.`]);
    return { text, tobaccoUse: 'former', packYears: null };
  }
  const text = random.pick([
    `${subject} quit smoking in ${quit} after a ${years} pack-year history.`,
    `Former smoker, quit ${quit} (${years} pack-years).`,
  ]);
  return { text, tobaccoUse: 'former', packYears: years };
}

/** Records the printed forms of a tobacco phrase's stated values. */
export function noteTobacco(draft: Draft, phrase: TobaccoPhrase | null): void {
  if (phrase === null) return;
  draft.note('socialHistory.tobaccoUse', phrase.text);
  if (phrase.packYears !== null) draft.note('socialHistory.packYears', String(phrase.packYears));
}

/** How an allergy list is printed, and the truth list (allergens only, reactions dropped). */
export function allergyText(
  random: Random,
  clinical: ClinicalCase,
): { text: string; allergies: string[] } {
  if (clinical.allergies.length === 0) {
    return {
      text: random.pick(['NKDA', 'No known drug allergies.', 'None known.', 'No known allergies.']),
      allergies: [],
    };
  }
  const withReactions = random.chance(0.5);
  const text = clinical.allergies
    .map(({ allergen, reaction }) =>
      withReactions ? `${allergen} (${reaction.toLowerCase()})` : allergen,
    )
    .join(', ');
  return { text, allergies: clinical.allergies.map(({ allergen }) => allergen) };
}

/** Records the printed form of each allergen. */
export function noteAllergies(draft: Draft, allergies: readonly string[]): void {
  for (const allergen of allergies) draft.note('allergies', allergen);
}

/** Medication frequency as the document writes it. */
export function frequencyText(medication: Medication, words: boolean): string {
  return words ? medication.frequency.words : medication.frequency.abbreviation;
}

/** Truth entries for the medications as printed, noting each printed part. */
export function medicationTruth(
  draft: Draft,
  medications: readonly Medication[],
  words: boolean,
): Truth['medications'] {
  return medications.map((medication) => ({
    name: draft.note('medications', medication.name),
    dose: draft.note('medications', medication.dose),
    frequency: draft.note('medications', frequencyText(medication, words)),
  }));
}

/** A date in the document's style, noted under `path`. */
export function noteDate(draft: Draft, path: string, iso: string, style: DateStyle): string {
  return draft.note(path, formatDate(iso, style));
}

/** Fixed PDF creation date derived from the visit, so reruns are byte-identical. */
export function creationDate(iso: string): Date {
  return new Date(`${iso}T12:00:00.000Z`);
}

/** The empty truth of a document type: every section present, nothing stated. */
/** The identity and encounter fields every document type states, as the truth records them. */
export function recordEncounter(
  truth: Truth,
  clinical: ClinicalCase,
  nameStyle: NameStyle,
  encounter: { readonly dateOfService: string; readonly facility: string },
): void {
  truth.patient.name = canonicalName(clinical.patient, nameStyle);
  truth.patient.dateOfBirth = clinical.dateOfBirth;
  truth.encounter.dateOfService = encounter.dateOfService;
  truth.encounter.providerName = canonicalName(clinical.provider.name, 'first-last');
  truth.encounter.facility = encounter.facility;
}

export function emptyTruth(documentType: CorpusDocumentType): Truth {
  const empty = emptyExtraction();
  return { ...empty, encounter: { ...empty.encounter, documentType } };
}

/** Measured vitals as printed, with their truth values. */
export interface PrintedVitals {
  readonly bloodPressure: string;
  readonly heartRate: number;
  readonly height: PrintedMeasure | null;
  readonly weight: PrintedMeasure;
  /** Null when the document does not print a BMI. */
  readonly bmi: number | null;
}

/** Prints the case's vitals in its unit system; BMI from the exact SI values. */
export function printVitals(
  clinical: ClinicalCase,
  options: { feetAndInches: boolean; withHeight: boolean; withBmi: boolean },
): PrintedVitals {
  const { vitals } = clinical;
  const measuredHeight = height(vitals.height, vitals.system, options.feetAndInches);
  const measuredWeight = weight(vitals.weight, vitals.system);
  return {
    bloodPressure: `${vitals.systolic}/${vitals.diastolic}`,
    heartRate: vitals.heartRate,
    height: options.withHeight ? measuredHeight : null,
    weight: measuredWeight,
    bmi: options.withBmi ? bodyMassIndex(measuredHeight.exact, measuredWeight.exact) : null,
  };
}

/** The truth vitals for printed vitals, noting each printed form. */
/** Vitals as a run of inline phrases (`BP 138/88`, `HR 76`, `Ht 5'7"`...), with the document's own labels. */
export function inlineVitals(
  vitals: PrintedVitals,
  labels: { readonly height: string; readonly weight: string },
): string[] {
  const parts = [`BP ${vitals.bloodPressure}`, `HR ${vitals.heartRate}`];
  if (vitals.height !== null) parts.push(`${labels.height} ${vitals.height.printed}`);
  parts.push(`${labels.weight} ${vitals.weight.printed}`);
  if (vitals.bmi !== null) parts.push(`BMI ${vitals.bmi.toFixed(1)}`);
  return parts;
}

export function vitalsTruth(draft: Draft, vitals: PrintedVitals): Truth['vitals'] {
  draft.note('vitals.bloodPressure', vitals.bloodPressure);
  draft.note('vitals.heartRate', String(vitals.heartRate));
  if (vitals.height !== null) draft.note('vitals.heightCm', vitals.height.printed);
  draft.note('vitals.weightKg', vitals.weight.printed);
  if (vitals.bmi !== null) draft.note('vitals.bmi', vitals.bmi.toFixed(1));
  return {
    bloodPressure: vitals.bloodPressure,
    heartRate: vitals.heartRate,
    heightCm: vitals.height?.canonical ?? null,
    weightKg: vitals.weight.canonical,
    bmi: vitals.bmi,
  };
}

/** How a lab table prints the flag of a normal result: `N` or nothing. */
export type NormalFlag = 'N' | '';

/** Table rows (Test | Result | Units | Reference range | Flag) and truth entries for lab tests. */
export function labTable(
  draft: Draft,
  clinical: ClinicalCase,
  keys: readonly string[],
  normalFlag: NormalFlag,
): { rows: string[][]; truth: Truth['labs'] } {
  const rows: string[][] = [];
  const truth: Truth['labs'] = [];
  for (const key of keys) {
    const test = labTest(key);
    const range = rangeFor(test, clinical.sex);
    const printedValue = fixed(clinical.labs[key] ?? 0, test.decimals);
    const value = Number(printedValue);
    const flag = flagFor(value, range);
    const printedFlag = flag === 'N' ? normalFlag : flag;
    rows.push([test.name, printedValue, test.unit, range.text, printedFlag]);
    draft.note('labs', test.name);
    draft.note('labs', printedValue);
    draft.note('labs', test.unit);
    truth.push({
      test: test.name,
      value,
      unit: test.unit,
      flag: printedFlag === '' ? null : printedFlag,
    });
  }
  return { rows, truth };
}

/** Column layout of a results table; widths sum to the 504-point content width. */
export const LAB_COLUMNS = [
  { header: 'Test', width: 196 },
  { header: 'Result', width: 64 },
  { header: 'Units', width: 84 },
  { header: 'Reference range', width: 110 },
  { header: 'Flag', width: 50 },
] as const;
