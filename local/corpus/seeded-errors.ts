/**
 * The seeded-error corpus: synthetic documents with known mistakes planted,
 * so confidence calibration is measured against real wrong values. Every
 * document gets exactly two, each drawn from the document's own stream
 * (`<seed>:<index>:alter`), so a seed reproduces the same errors:
 *
 * - `truth-changed`: one value is changed in the truth but not in the text
 *   (heart rate, weight, MRN, date of service, a medication dose or a lab
 *   value). The truth is authoritative, so the extractor's faithful reading
 *   is wrong: the mistake confidence can least see, since the value is
 *   printed and grounded.
 * - `distractor`: a value the patient does not have is printed only in a
 *   distractor, inside the section it would belong to where the layout
 *   allows: a discontinued, stopped or declined medication in the medication
 *   list, a denied allergy beside the allergies, a ruled-out diagnosis in the
 *   diagnosis list, or a family-history condition with its code. The truth
 *   leaves it out; an extractor that takes it invents a value.
 *
 * Each document's `<id>.seeded.json` sidecar says what was planted. Separate
 * from the regular corpus (its own entry point), so existing figures do not
 * move.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Composition } from './documents/common.ts';
import { addDays } from './formats.ts';
import {
  CORPUS_DOCUMENT_TYPES,
  type CorpusEntry,
  type GeneratedDocument,
  generateDocument,
} from './generate.ts';
import type { Block } from './pdf.ts';
import type { Random } from './random.ts';
import type { CorpusDocumentType, Truth } from './truth.ts';
import { ALLERGENS, CONDITIONS } from './vocabulary.ts';

export const SEEDED_ERROR_KINDS = ['truth-changed', 'distractor'] as const;

export const DISTRACTOR_VARIANTS = [
  'discontinued-medication',
  'denied-allergy',
  'ruled-out-diagnosis',
  'family-history',
] as const;
export type DistractorVariant = (typeof DISTRACTOR_VARIANTS)[number];

/** One planted mistake, as the sidecar records it. */
export type SeededError =
  | {
      readonly kind: 'truth-changed';
      /** Field path in the truth (`vitals.heartRate`, `medications[1].dose`). */
      readonly path: string;
      readonly printed: unknown;
      readonly truth: unknown;
    }
  | {
      readonly kind: 'distractor';
      readonly variant: DistractorVariant;
      /** The declared field an extractor would wrongly fill. */
      readonly field: 'medications' | 'allergies' | 'diagnoses';
      /** The planted item's key: a medication name, an allergen or an ICD-10 code. */
      readonly value: string;
      /** The text printed. */
      readonly text: string;
    };

/** The sidecar of one seeded document. */
export interface SeededRecord {
  readonly seed: string;
  readonly errors: readonly SeededError[];
}

type TruthChange = (truth: Truth, random: Random) => SeededError | null;

const scaleNumber = (text: string, factor: number): string =>
  text.replace(/\d+(?:\.\d+)?/, (digits) =>
    String(Math.round(Number(digits) * factor * 100) / 100),
  );

const TRUTH_CHANGES: readonly TruthChange[] = [
  (truth, random) => {
    const printed = truth.vitals.heartRate;
    if (printed === null || printed === undefined) return null;
    const changed = printed + random.pick([-1, 1]) * random.int(4, 12);
    truth.vitals.heartRate = changed;
    return { kind: 'truth-changed', path: 'vitals.heartRate', printed, truth: changed };
  },
  (truth, random) => {
    const printed = truth.vitals.weightKg;
    if (printed === null || printed === undefined) return null;
    const changed = Math.round((printed + random.int(3, 9)) * 10) / 10;
    truth.vitals.weightKg = changed;
    return { kind: 'truth-changed', path: 'vitals.weightKg', printed, truth: changed };
  },
  (truth) => {
    const printed = truth.patient.mrn;
    if (typeof printed !== 'string' || !/\d$/.test(printed)) return null;
    const last = Number(printed.slice(-1));
    const changed = `${printed.slice(0, -1)}${(last + 3) % 10}`;
    truth.patient.mrn = changed;
    return { kind: 'truth-changed', path: 'patient.mrn', printed, truth: changed };
  },
  (truth, random) => {
    const printed = truth.encounter.dateOfService;
    if (typeof printed !== 'string') return null;
    const changed = addDays(printed, random.int(2, 20));
    truth.encounter.dateOfService = changed;
    return { kind: 'truth-changed', path: 'encounter.dateOfService', printed, truth: changed };
  },
  (truth, random) => {
    if (truth.medications.length === 0) return null;
    const index = random.int(0, truth.medications.length - 1);
    const medication = truth.medications[index];
    if (medication === undefined || typeof medication.dose !== 'string') return null;
    const changed = scaleNumber(medication.dose, 2);
    truth.medications[index] = { ...medication, dose: changed };
    return {
      kind: 'truth-changed',
      path: `medications[${index}].dose`,
      printed: medication.dose,
      truth: changed,
    };
  },
  (truth, random) => {
    const numeric = truth.labs.flatMap((lab, index) =>
      typeof lab.value === 'number' ? [index] : [],
    );
    if (numeric.length === 0) return null;
    const index = random.pick(numeric);
    const lab = truth.labs[index];
    if (lab === undefined || typeof lab.value !== 'number') return null;
    const changed = Math.round(lab.value * 1.25 * 100) / 100 + (lab.value === 0 ? 1 : 0);
    truth.labs[index] = { ...lab, value: changed };
    return {
      kind: 'truth-changed',
      path: `labs[${index}].value`,
      printed: lab.value,
      truth: changed,
    };
  },
];

/** Applies one applicable truth change, trying them from a random start. */
function changeTruth(truth: Truth, random: Random): SeededError {
  const start = random.int(0, TRUTH_CHANGES.length - 1);
  for (let offset = 0; offset < TRUTH_CHANGES.length; offset += 1) {
    const change = TRUTH_CHANGES[(start + offset) % TRUTH_CHANGES.length];
    const error = change?.(truth, random);
    if (error) return error;
  }
  // Every document states a date of service, so the loop always returns first.
  throw new RangeError('no truth value to change');
}

/**
 * The block that holds a section: the block after a matching heading or
 * short lead-in paragraph (`Current medications:`), or a labelled row that
 * matches; -1 when the document has no such section.
 */
function sectionBlock(blocks: readonly Block[], heading: RegExp): number {
  const at = blocks.findIndex(
    (block) =>
      (block.kind === 'heading' && heading.test(block.text)) ||
      (block.kind === 'paragraph' && block.text.endsWith(':') && heading.test(block.text)) ||
      (block.kind === 'fields' && block.rows.some(([label]) => heading.test(label))),
  );
  if (at === -1) return -1;
  return blocks[at]?.kind === 'fields' ? at : Math.min(at + 1, blocks.length - 1);
}

/** A distractor item and how to print it in each kind of section block. */
interface Planted {
  readonly text: string;
  /** A table row for the section's columns (by header), or null to print a paragraph instead. */
  readonly row: (headers: readonly string[]) => string[] | null;
}

/**
 * Prints the item inside its section when it can (a list item, a table row,
 * or appended to a labelled row or the section's paragraph), else as a
 * paragraph after the section or before the filler. Returns what was printed.
 */
function plantInSection(blocks: Block[], heading: RegExp, label: RegExp, item: Planted): string {
  const at = sectionBlock(blocks, heading);
  const block = at === -1 ? undefined : blocks[at];
  if (block?.kind === 'list') {
    blocks[at] = { ...block, items: [...block.items, item.text] };
    return item.text;
  }
  if (block?.kind === 'table') {
    const row = item.row(block.columns.map((column) => column.header));
    if (row !== null) {
      blocks[at] = { ...block, rows: [...block.rows, row] };
      return row.join(' ');
    }
  }
  if (block?.kind === 'fields') {
    const rows = block.rows.map(([name, value]): readonly [string, string] =>
      label.test(name) ? [name, `${value.replace(/\.$/, '')}; ${item.text}`] : [name, value],
    );
    if (rows.some(([name]) => label.test(name))) {
      blocks[at] = { ...block, rows };
      return item.text;
    }
  }
  if (block?.kind === 'paragraph' && !block.text.endsWith(':')) {
    blocks[at] = { ...block, text: `${block.text.replace(/\.$/, '')}; ${item.text}` };
    return item.text;
  }
  const paragraph = `${item.text.charAt(0).toUpperCase()}${item.text.slice(1)}.`;
  const after = at === -1 ? blocks.findIndex((b) => b.kind === 'filler') : at + 1;
  blocks.splice(after === -1 ? blocks.length : after, 0, { kind: 'paragraph', text: paragraph });
  return paragraph;
}

const MEDICATION_CUES = [
  '(discontinued)',
  '- stopped last year',
  '- trial ended, not restarted',
  '- declined by patient',
] as const;
const DIAGNOSIS_CUES = ['- ruled out', '(ruled out)', '- rule out, workup negative'] as const;

/** Plants one distractor in the blocks; the truth is left as it is. */
function plantDistractor(
  blocks: Block[],
  truth: Truth,
  random: Random,
  variant: DistractorVariant,
): SeededError {
  const held = new Set(truth.diagnoses.map((diagnosis) => diagnosis.icd10));
  const absent = CONDITIONS.filter((condition) => !held.has(condition.icd10));
  const condition = random.pick(absent.length > 0 ? absent : CONDITIONS);
  if (variant === 'discontinued-medication') {
    const taken = new Set(truth.medications.map((medication) => medication.name));
    const options = CONDITIONS.flatMap((c) => c.medications).filter((m) => !taken.has(m.name));
    const medication = random.pick(options);
    const dose = random.pick(medication.doses);
    const cue = random.pick(MEDICATION_CUES);
    const frequency = medication.frequency.abbreviation;
    const text = plantInSection(blocks, /medications/i, /medications/i, {
      text: `${medication.name} ${dose} ${frequency} ${cue}`,
      row: (headers) =>
        headers.length === 3 ? [medication.name, dose, `${frequency} ${cue}`] : null,
    });
    return { kind: 'distractor', variant, field: 'medications', value: medication.name, text };
  }
  if (variant === 'denied-allergy') {
    const listed = new Set(truth.allergies);
    const allergen = random.pick(ALLERGENS.filter((a) => !listed.has(a)));
    const text = plantInSection(blocks, /^allergies/i, /allerg/i, {
      text: `denies ${allergen.toLowerCase()} allergy`,
      row: () => null,
    });
    return { kind: 'distractor', variant, field: 'allergies', value: allergen, text };
  }
  if (variant === 'ruled-out-diagnosis') {
    const cue = random.pick(DIAGNOSIS_CUES);
    const text = plantInSection(blocks, /diagnos|assessment/i, /diagnos/i, {
      text: `${condition.common} (${condition.icd10}) ${cue}`,
      row: (headers) =>
        headers[0] === 'ICD-10' ? [condition.icd10, `${condition.common} ${cue}`, ''] : null,
    });
    return { kind: 'distractor', variant, field: 'diagnoses', value: condition.icd10, text };
  }
  const relative = random.pick(['Mother', 'Father', 'Sister', 'Brother']);
  const text = `${relative}: ${condition.common} (${condition.icd10}).`;
  const at = sectionBlock(blocks, /diagnos|assessment/i);
  const after = at === -1 ? blocks.findIndex((b) => b.kind === 'filler') : at + 1;
  blocks.splice(
    after === -1 ? blocks.length : after,
    0,
    { kind: 'heading', text: 'Family History' },
    { kind: 'paragraph', text },
  );
  return { kind: 'distractor', variant, field: 'diagnoses', value: condition.icd10, text };
}

/**
 * The distractor of the `index`-th document (1-based): every run of four
 * documents has all four variants, shifted by one each run, so that over 16
 * documents every document type meets every variant (types cycle by four).
 */
export function distractorFor(index: number): DistractorVariant {
  const position = (index - 1 + Math.floor((index - 1) / 4)) % DISTRACTOR_VARIANTS.length;
  return DISTRACTOR_VARIANTS[position] ?? 'family-history';
}

/** A generated document with its planted errors. */
export interface SeededDocument extends GeneratedDocument {
  readonly seeded: SeededRecord;
}

/** One document of the seeded-error corpus, in memory. */
export async function generateSeededDocument(
  seed: string,
  index: number,
  documentType: CorpusDocumentType,
): Promise<SeededDocument> {
  let errors: SeededError[] = [];
  const document = await generateDocument(
    seed,
    index,
    documentType,
    (composition: Composition, random: Random): Composition => {
      const truth = structuredClone(composition.truth);
      const blocks = [...composition.model.blocks];
      const variant = distractorFor(index);
      errors = [changeTruth(truth, random), plantDistractor(blocks, truth, random, variant)];
      return { ...composition, truth, model: { ...composition.model, blocks } };
    },
  );
  return { ...document, seeded: { seed, errors } };
}

/** Options of `generateSeededErrorCorpus`. */
export interface SeededCorpusOptions {
  readonly outDir: string;
  readonly count: number;
  readonly seed: string;
  readonly types?: readonly CorpusDocumentType[];
}

/** One seeded document on disk. */
export interface SeededEntry extends CorpusEntry {
  readonly seededPath: string;
  readonly seeded: SeededRecord;
}

/**
 * Writes `<id>.pdf`, `<id>.truth.json` and `<id>.seeded.json` for `count`
 * documents, cycling through `types` (all four by default).
 */
export async function generateSeededErrorCorpus(
  options: SeededCorpusOptions,
): Promise<SeededEntry[]> {
  const types = options.types ?? CORPUS_DOCUMENT_TYPES;
  if (types.length === 0) throw new RangeError('no document types requested');
  await mkdir(options.outDir, { recursive: true });
  const entries: SeededEntry[] = [];
  for (let index = 1; index <= options.count; index += 1) {
    const type = types[(index - 1) % types.length];
    if (type === undefined) throw new RangeError('document type out of range');
    const { pdf, truthJson, ...document } = await generateSeededDocument(options.seed, index, type);
    const pdfPath = join(options.outDir, `${document.id}.pdf`);
    const truthPath = join(options.outDir, `${document.id}.truth.json`);
    const seededPath = join(options.outDir, `${document.id}.seeded.json`);
    await writeFile(pdfPath, pdf);
    await writeFile(truthPath, truthJson, 'utf8');
    await writeFile(seededPath, `${JSON.stringify(document.seeded, null, 2)}\n`, 'utf8');
    entries.push({ ...document, pdfPath, truthPath, seededPath });
  }
  return entries;
}
