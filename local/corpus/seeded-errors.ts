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
 *   distractor: a discontinued medication inside the medication list, a
 *   denied allergy, a ruled-out diagnosis or a family-history condition with
 *   its code. The truth leaves it out; an extractor that takes it invents a
 *   value.
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

/** Index of the first block after a heading (or label row) that matches, or -1. */
function sectionEnd(blocks: readonly Block[], heading: RegExp): number {
  const at = blocks.findIndex(
    (block) =>
      (block.kind === 'heading' && heading.test(block.text)) ||
      (block.kind === 'fields' && block.rows.some(([label]) => heading.test(label))),
  );
  if (at === -1) return -1;
  const own = blocks[at];
  return own?.kind === 'fields' ? at : Math.min(at + 1, blocks.length - 1);
}

function insertAfter(blocks: Block[], index: number, ...added: Block[]): void {
  const at = index === -1 ? blocks.findIndex((block) => block.kind === 'filler') : index + 1;
  blocks.splice(at === -1 ? blocks.length : at, 0, ...added);
}

/** Plants one distractor in the blocks; the truth is left as it is. */
function plantDistractor(blocks: Block[], truth: Truth, random: Random): SeededError {
  const variant = random.pick(DISTRACTOR_VARIANTS);
  const held = new Set(truth.diagnoses.map((diagnosis) => diagnosis.icd10));
  const absent = CONDITIONS.filter((condition) => !held.has(condition.icd10));
  const condition = random.pick(absent.length > 0 ? absent : CONDITIONS);
  if (variant === 'discontinued-medication') {
    const taken = new Set(truth.medications.map((medication) => medication.name));
    const options = CONDITIONS.flatMap((c) => c.medications).filter((m) => !taken.has(m.name));
    const medication = random.pick(options);
    const dose = random.pick(medication.doses);
    const at = sectionEnd(blocks, /medications/i);
    const block = blocks[at];
    let text = `${medication.name} ${dose} ${medication.frequency.abbreviation} - discontinued`;
    if (block?.kind === 'list') {
      blocks[at] = { ...block, items: [...block.items, text] };
    } else if (block?.kind === 'table' && block.columns.length === 3) {
      const row = [medication.name, dose, `${medication.frequency.abbreviation} (discontinued)`];
      blocks[at] = { ...block, rows: [...block.rows, row] };
      text = row.join(' ');
    } else {
      text = `Discontinued: ${medication.name} ${dose} ${medication.frequency.abbreviation}.`;
      insertAfter(blocks, at, { kind: 'paragraph', text });
    }
    return { kind: 'distractor', variant, field: 'medications', value: medication.name, text };
  }
  if (variant === 'denied-allergy') {
    const listed = new Set(truth.allergies);
    const allergen = random.pick(ALLERGENS.filter((a) => !listed.has(a)));
    const text = `Patient denies any allergy to ${allergen.toLowerCase()}.`;
    insertAfter(blocks, sectionEnd(blocks, /allerg/i), { kind: 'paragraph', text });
    return { kind: 'distractor', variant, field: 'allergies', value: allergen, text };
  }
  if (variant === 'ruled-out-diagnosis') {
    const text = `${condition.common} (${condition.icd10}) was considered and ruled out.`;
    insertAfter(blocks, sectionEnd(blocks, /diagnos|assessment/i), { kind: 'paragraph', text });
    return { kind: 'distractor', variant, field: 'diagnoses', value: condition.icd10, text };
  }
  const relative = random.pick(['Mother', 'Father', 'Sister', 'Brother']);
  const text = `${relative}: ${condition.common} (${condition.icd10}).`;
  insertAfter(
    blocks,
    sectionEnd(blocks, /diagnos|assessment/i),
    { kind: 'heading', text: 'Family History' },
    { kind: 'paragraph', text },
  );
  return { kind: 'distractor', variant, field: 'diagnoses', value: condition.icd10, text };
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
      errors = [changeTruth(truth, random), plantDistractor(blocks, truth, random)];
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
