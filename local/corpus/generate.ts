/**
 * Generates a labelled synthetic corpus: for each document a PDF
 * (`<id>.pdf`) and its ground truth in the canonical v2.0.0 shape
 * (`<id>.truth.json`). Deterministic: the same seed gives byte-identical
 * PDFs and truth files. Ids carry the type prefix and a running number
 * (`aps-0001`, `lab-0002`, `dis-0003`, `off-0004`). Nothing generated is
 * meant to be committed.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drawClinicalCase } from './clinical-case.ts';
import { composeAttendingPhysicianStatement } from './documents/attending-physician-statement.ts';
import type { Composer, Composition } from './documents/common.ts';
import { composeDischargeSummary } from './documents/discharge-summary.ts';
import { composeLabReport } from './documents/lab-report.ts';
import { composeOfficeNote } from './documents/office-note.ts';
import { renderPdf } from './pdf.ts';
import { Random } from './random.ts';
import { type CorpusDocumentType, type PrintedForm, serialiseTruth, type Truth } from './truth.ts';
import { FILLER_SENTENCES } from './vocabulary.ts';

/** The four document types, in the order a mixed corpus cycles through them. */
export const CORPUS_DOCUMENT_TYPES: readonly CorpusDocumentType[] = [
  'attending_physician_statement',
  'lab_report',
  'discharge_summary',
  'office_note',
];

/** Id prefix of each document type. */
export const DOCUMENT_PREFIXES: Readonly<Record<CorpusDocumentType, string>> = {
  attending_physician_statement: 'aps',
  lab_report: 'lab',
  discharge_summary: 'dis',
  office_note: 'off',
};

const COMPOSERS: Readonly<Record<CorpusDocumentType, Composer>> = {
  attending_physician_statement: composeAttendingPhysicianStatement,
  lab_report: composeLabReport,
  discharge_summary: composeDischargeSummary,
  office_note: composeOfficeNote,
};

/** Longest document the generator produces. */
export const MAX_PAGES = 4;

/** One generated document in memory. */
export interface GeneratedDocument {
  readonly id: string;
  readonly documentType: CorpusDocumentType;
  readonly pdf: Buffer;
  readonly pages: number;
  readonly truth: Truth;
  /** The truth file's exact text. */
  readonly truthJson: string;
  /** How each truth value is printed in the PDF. */
  readonly printed: readonly PrintedForm[];
}

/** One generated document on disk. */
export interface CorpusEntry extends Omit<GeneratedDocument, 'pdf' | 'truthJson'> {
  readonly pdfPath: string;
  readonly truthPath: string;
}

/** Options of `generateCorpus`. */
export interface CorpusOptions {
  readonly outDir: string;
  readonly count: number;
  readonly seed: string | number;
  /** Types to cycle through, in order; all four by default. */
  readonly types?: readonly CorpusDocumentType[];
}

/** The id of the `index`-th document (1-based). */
export function documentId(type: CorpusDocumentType, index: number): string {
  return `${DOCUMENT_PREFIXES[type]}-${String(index).padStart(4, '0')}`;
}

/**
 * Boilerplate paragraphs for one document; how many decides whether it runs to
 * one page or four (`generateDocument` drops any excess beyond MAX_PAGES).
 */
function fillerParagraphs(random: Random): string[] {
  const extraPages = random.weighted([
    [0, 0.35],
    [1, 0.3],
    [2, 0.2],
    [3, 0.15],
  ]);
  const count = extraPages === 0 ? random.int(0, 2) : extraPages * 10 + random.int(0, 4);
  return Array.from({ length: count }, () =>
    random.sample(FILLER_SENTENCES, random.int(3, 7)).join(' '),
  );
}

/**
 * Generates one document in memory. Each document draws from its own
 * streams seeded by (seed, index), so adding documents never changes earlier ones.
 * Filler paragraphs are dropped one by one until the PDF fits in MAX_PAGES.
 * `alter`, when given, rewrites the composition before it is printed (the
 * seeded-error corpus adds its mistakes there) from its own stream.
 */
export async function generateDocument(
  seed: string | number,
  index: number,
  documentType: CorpusDocumentType,
  alter?: (composition: Composition, random: Random) => Composition,
): Promise<GeneratedDocument> {
  const stream = (purpose: string): Random => new Random(`${seed}:${index}:${purpose}`);
  const clinical = drawClinicalCase(stream('case'));
  const composed = COMPOSERS[documentType](stream('compose'), clinical);
  const composition = alter ? alter(composed, stream('alter')) : composed;

  const fillers = fillerParagraphs(stream('filler'));
  for (let kept = fillers.length; kept >= 0; kept -= 1) {
    const { bytes, pages } = await renderPdf(composition.model, fillers.slice(0, kept));
    if (pages <= MAX_PAGES) {
      return {
        id: documentId(documentType, index),
        documentType,
        pdf: bytes,
        pages,
        truth: composition.truth,
        truthJson: serialiseTruth(composition.truth),
        printed: composition.printed,
      };
    }
  }
  throw new RangeError(`document ${documentId(documentType, index)} exceeds ${MAX_PAGES} pages`);
}

/**
 * Generates `count` documents into `outDir` (created if missing), cycling
 * through `types`, and returns what was written.
 */
export async function generateCorpus(options: CorpusOptions): Promise<CorpusEntry[]> {
  const types = options.types ?? CORPUS_DOCUMENT_TYPES;
  if (types.length === 0) throw new RangeError('no document types requested');
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new RangeError('count must be a non-negative integer');
  }
  await mkdir(options.outDir, { recursive: true });
  const entries: CorpusEntry[] = [];
  for (let index = 1; index <= options.count; index += 1) {
    const type = types[(index - 1) % types.length];
    if (type === undefined) throw new RangeError('document type out of range');
    const { pdf, truthJson, ...document } = await generateDocument(options.seed, index, type);
    const pdfPath = join(options.outDir, `${document.id}.pdf`);
    const truthPath = join(options.outDir, `${document.id}.truth.json`);
    await writeFile(pdfPath, pdf);
    await writeFile(truthPath, truthJson, 'utf8');
    entries.push({ ...document, pdfPath, truthPath });
  }
  return entries;
}

/** Seed of the fixed sample set. */
export const SAMPLE_SEED = 'samples';

/** The fixed sample set used by the local demo: 8 documents, two of each type. */
export function generateSamples(outDir: string): Promise<CorpusEntry[]> {
  return generateCorpus({ outDir, count: 8, seed: SAMPLE_SEED });
}
