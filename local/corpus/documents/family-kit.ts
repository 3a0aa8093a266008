/**
 * What every layout-family composer starts and ends with: the drawn labels
 * and date style, the truth's identity and encounter fields, printed
 * medications, vitals and labs in the family's own conventions, and the
 * finished composition.
 */

import type { DocumentType } from '#core/extraction/extraction.ts';
import {
  type ClinicalCase,
  flagFor,
  labTest,
  type Medication,
  rangeFor,
} from '../clinical-case.ts';
import { canonicalName, formatName, type NameStyle } from '../formats.ts';
import type { Block, DocumentModel } from '../pdf.ts';
import type { Random } from '../random.ts';
import { deriveRiskFactors, type PrintedForm, type Truth } from '../truth.ts';
import { creationDate, Draft, emptyTruth } from './common.ts';
import {
  bmiOf,
  drawLabels,
  type Labels,
  printDate,
  printFrequency,
  printHeight,
  printWeight,
  VARIANT_DATE_STYLES,
  type VariantDateStyle,
} from './variants.ts';

/** A family composition: like a legacy one, but any document type, `other` included. */
export interface FamilyComposition {
  readonly documentType: DocumentType;
  readonly model: DocumentModel;
  readonly truth: Truth;
  readonly printed: readonly PrintedForm[];
}

/** Composes one document of a layout family. */
export type FamilyComposer = (random: Random, clinical: ClinicalCase) => FamilyComposition;

/** The state a family composer works on. */
export interface Kit {
  readonly random: Random;
  readonly clinical: ClinicalCase;
  readonly draft: Draft;
  readonly truth: Truth;
  readonly labels: Labels;
  readonly dateStyle: VariantDateStyle;
  readonly nameStyle: NameStyle;
  /** A date in the document's style. */
  date(iso: string): string;
  /** The patient's name as printed (noted). */
  readonly patientName: string;
}

/** Starts a document: labels, styles, identity and encounter truth. */
export function startKit(
  random: Random,
  clinical: ClinicalCase,
  documentType: DocumentType,
  facility: string | null,
): Kit {
  const draft = new Draft();
  const truth = emptyTruth(documentType === 'other' ? 'office_note' : documentType);
  truth.encounter.documentType = documentType;
  const dateStyle = random.pick(VARIANT_DATE_STYLES);
  const nameStyle = random.pick<NameStyle>(['last-first', 'first-last', 'upper']);
  truth.patient.name = canonicalName(clinical.patient, nameStyle);
  truth.patient.dateOfBirth = clinical.dateOfBirth;
  truth.encounter.dateOfService = clinical.dateOfService;
  truth.encounter.providerName = canonicalName(clinical.provider.name, 'first-last');
  truth.encounter.facility = facility;
  return {
    random,
    clinical,
    draft,
    truth,
    labels: drawLabels(random),
    dateStyle,
    nameStyle,
    date: (iso) => printDate(iso, dateStyle),
    patientName: draft.note('patient.name', formatName(clinical.patient, nameStyle)),
  };
}

/** The provider as printed: `Dr. First Last`, `First Last, MD` or `First Last MD`. */
export function providerText(kit: Kit): string {
  const { name, credential } = kit.clinical.provider;
  const text = kit.random.pick([
    `Dr. ${name.first} ${name.last}`,
    `${name.first} ${name.last}, ${credential}`,
    `${name.first} ${name.last} ${credential}`,
  ]);
  return kit.draft.note('encounter.providerName', text);
}

/** A printed medication: name, dose and frequency as the document writes them. */
export interface PrintedMedication {
  readonly name: string;
  readonly dose: string;
  readonly frequency: string;
}

/** Prints the case's medications with drawn frequency spellings; records the truth. */
export function printMedications(
  kit: Kit,
  medications: readonly Medication[],
): PrintedMedication[] {
  const printed = medications.map((m) => ({
    name: kit.draft.note('medications', m.name),
    dose: kit.draft.note('medications', m.dose),
    frequency: kit.draft.note('medications', printFrequency(kit.random, m)),
  }));
  kit.truth.medications = printed.map((m) => ({ ...m }));
  return printed;
}

/** Allergens, or the document's way of saying none; records the truth. */
export function printAllergies(kit: Kit): string {
  const { allergies } = kit.clinical;
  kit.truth.allergies = allergies.map((a) => kit.draft.note('allergies', a.allergen));
  if (allergies.length === 0) {
    return kit.random.pick(['NKDA', 'No known allergies', 'None known', 'NKA']);
  }
  return allergies
    .map((a) =>
      kit.random.chance(0.4) ? `${a.allergen} (${a.reaction.toLowerCase()})` : a.allergen,
    )
    .join(kit.random.pick([', ', '; ']));
}

/** Printed vitals in the family's styles; records the truth. */
export interface FamilyVitals {
  readonly bloodPressure: string;
  readonly heartRate: string;
  readonly height: string | null;
  readonly weight: string;
  readonly bmi: string | null;
}

export function printFamilyVitals(
  kit: Kit,
  options: { withHeight: boolean; withBmi: boolean },
): FamilyVitals {
  const { clinical, draft, random } = kit;
  const height = printHeight(random, clinical);
  const weight = printWeight(random, clinical);
  const bp = `${clinical.vitals.systolic}/${clinical.vitals.diastolic}`;
  const bmi = options.withHeight && options.withBmi ? bmiOf(height.cm, weight.kg) : null;
  kit.truth.vitals = {
    bloodPressure: draft.note('vitals.bloodPressure', bp),
    heartRate: Number(draft.note('vitals.heartRate', String(clinical.vitals.heartRate))),
    heightCm: options.withHeight ? height.cm : null,
    weightKg: weight.kg,
    bmi,
  };
  if (options.withHeight) draft.note('vitals.heightCm', height.text);
  draft.note('vitals.weightKg', weight.text);
  if (bmi !== null) draft.note('vitals.bmi', bmi.toFixed(1));
  return {
    bloodPressure: bp,
    heartRate: String(clinical.vitals.heartRate),
    height: options.withHeight ? height.text : null,
    weight: weight.text,
    bmi: bmi === null ? null : bmi.toFixed(1),
  };
}

/** One lab result as printed, with its truth flag (null when no flag is printed). */
export interface PrintedLab {
  readonly test: string;
  readonly value: string;
  readonly unit: string;
  readonly range: string;
  readonly flag: string;
}

/** Prints lab results; `flags` decides whether flags are printed at all. */
export function printLabs(
  kit: Kit,
  keys: readonly string[],
  flags: boolean,
  rename: (name: string) => string = (name) => name,
): PrintedLab[] {
  const printed: PrintedLab[] = [];
  kit.truth.labs = keys.map((key) => {
    const test = { ...labTest(key), name: rename(labTest(key).name) };
    const value = (kit.clinical.labs[key] ?? 0).toFixed(test.decimals);
    const flag = flagFor(Number(value), rangeFor(test, kit.clinical.sex));
    const printedFlag = flags && flag !== 'N' ? flag : '';
    printed.push({
      test: kit.draft.note('labs', test.name),
      value: kit.draft.note('labs', value),
      unit: kit.draft.note('labs', test.unit),
      range: rangeFor(test, kit.clinical.sex).text,
      flag: printedFlag,
    });
    return {
      test: test.name,
      value: Number(value),
      unit: test.unit,
      flag: printedFlag === '' ? null : printedFlag,
    };
  });
  return printed;
}

/** Lab keys a record of this case would show: HbA1c for diabetics plus a few more. */
export function labKeys(kit: Kit, extra: readonly string[], count: [number, number]): string[] {
  const diabetic = kit.clinical.conditions.some((c) => c.key === 'diabetes');
  const picked = kit.random.sample(extra, kit.random.int(...count));
  return diabetic && !picked.includes('hba1c') ? ['hba1c', ...picked] : picked;
}

/** Finishes a composition: risk factors from the truth, the model around the blocks. */
export function finishKit(
  kit: Kit,
  options: {
    readonly title: string;
    readonly header: string;
    readonly blocks: readonly Block[];
    readonly tobaccoEvidence: string | null;
    readonly faxLine?: string | null;
    readonly banner?: string | null;
  },
): FamilyComposition {
  kit.truth.riskFactors = deriveRiskFactors(kit.truth, { tobacco: options.tobaccoEvidence });
  kit.draft.add(...options.blocks);
  return {
    documentType: kit.truth.encounter.documentType ?? 'other',
    model: {
      title: options.title,
      font: kit.random.chance(0.6) ? 'Helvetica' : 'Times-Roman',
      fontSize: kit.random.pick([9.5, 10, 10.5]),
      header: options.header,
      faxLine: options.faxLine ?? null,
      banner: options.banner ?? null,
      pageNumbers: kit.random.chance(0.5) ? 'header' : 'footer',
      blocks: kit.draft.blocks,
      creationDate: creationDate(kit.clinical.dateOfService),
    },
    truth: kit.truth,
    printed: kit.draft.printed,
  };
}

/** Joins phrases as prose: `a`, `a and b`, `a, b and c`. */
export function prose(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
