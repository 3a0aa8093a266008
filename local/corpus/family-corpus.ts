/**
 * Generates a labelled corpus from chosen layout families: for each document
 * its PDF, its truth file and a `<id>.layout.json` sidecar naming the layout
 * family, its kind and its split (`tuning` or `held-out`), so an evaluation
 * can report the two sides separately. Deterministic like the legacy
 * generator: the same seed gives byte-identical files.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drawClinicalCase } from './clinical-case.ts';
import { type LayoutFamily, type LayoutKind, type LayoutSplit, splitOf } from './families.ts';
import { MAX_PAGES } from './generate.ts';
import { renderPdf } from './pdf.ts';
import { Random } from './random.ts';
import { type PrintedForm, serialiseTruth, type Truth } from './truth.ts';
import { FILLER_SENTENCES } from './vocabulary.ts';

/** What the sidecar records about a document's layout. */
export interface LayoutRecord {
  readonly family: string;
  readonly kind: LayoutKind;
  readonly split: LayoutSplit;
}

/** One generated family document in memory. */
export interface FamilyDocument {
  readonly id: string;
  readonly layout: LayoutRecord;
  readonly pdf: Buffer;
  readonly pages: number;
  readonly truth: Truth;
  readonly truthJson: string;
  readonly printed: readonly PrintedForm[];
}

/** One family document on disk. */
export interface FamilyEntry extends Omit<FamilyDocument, 'pdf' | 'truthJson'> {
  readonly pdfPath: string;
  readonly truthPath: string;
  readonly layoutPath: string;
}

/** The sidecar's exact text. */
export function serialiseLayout(layout: LayoutRecord): string {
  return `${JSON.stringify({ family: layout.family, kind: layout.kind, split: layout.split }, null, 2)}\n`;
}

function fillers(random: Random, weights: LayoutFamily['extraPages']): string[] {
  const extraPages = random.weighted(weights.map((weight, pages) => [pages, weight] as const));
  const count = extraPages === 0 ? random.int(0, 2) : extraPages * 10 + random.int(0, 4);
  return Array.from({ length: count }, () =>
    random.sample(FILLER_SENTENCES, random.int(3, 7)).join(' '),
  );
}

/** Generates document `index` of a family; streams seeded by (seed, family, index). */
export async function generateFamilyDocument(
  seed: string | number,
  index: number,
  family: LayoutFamily,
): Promise<FamilyDocument> {
  const stream = (purpose: string): Random =>
    new Random(`${seed}:${family.name}:${index}:${purpose}`);
  const clinical = drawClinicalCase(stream('case'));
  const composition = family.compose(stream('compose'), clinical);
  const padding = fillers(stream('filler'), family.extraPages);
  const id = `${family.prefix}-${String(index).padStart(4, '0')}`;
  for (let kept = padding.length; kept >= 0; kept -= 1) {
    const { bytes, pages } = await renderPdf(composition.model, padding.slice(0, kept));
    if (pages <= MAX_PAGES) {
      return {
        id,
        layout: { family: family.name, kind: family.kind, split: splitOf(family) },
        pdf: bytes,
        pages,
        truth: composition.truth,
        truthJson: serialiseTruth(composition.truth),
        printed: composition.printed,
      };
    }
  }
  throw new RangeError(`document ${id} exceeds ${MAX_PAGES} pages`);
}

/** Options of `generateFamilyCorpus`. */
export interface FamilyCorpusOptions {
  readonly outDir: string;
  readonly count: number;
  readonly seed: string | number;
  /** Families to cycle through, in order. */
  readonly families: readonly LayoutFamily[];
}

/** Writes `count` documents cycling through `families`, each with its sidecar. */
export async function generateFamilyCorpus(options: FamilyCorpusOptions): Promise<FamilyEntry[]> {
  if (options.families.length === 0) throw new RangeError('no layout families requested');
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new RangeError('count must be a non-negative integer');
  }
  await mkdir(options.outDir, { recursive: true });
  const entries: FamilyEntry[] = [];
  for (let index = 1; index <= options.count; index += 1) {
    const family = options.families[(index - 1) % options.families.length];
    if (family === undefined) throw new RangeError('layout family out of range');
    const { pdf, truthJson, ...document } = await generateFamilyDocument(
      options.seed,
      index,
      family,
    );
    const base = join(options.outDir, document.id);
    const entry: FamilyEntry = {
      ...document,
      pdfPath: `${base}.pdf`,
      truthPath: `${base}.truth.json`,
      layoutPath: `${base}.layout.json`,
    };
    await writeFile(entry.pdfPath, pdf);
    await writeFile(entry.truthPath, truthJson, 'utf8');
    await writeFile(entry.layoutPath, serialiseLayout(document.layout), 'utf8');
    entries.push(entry);
  }
  return entries;
}
