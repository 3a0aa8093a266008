/**
 * Corpus generator: same seed gives identical files; each type's PDF text
 * holds the truth values in their printed forms; 1 to 4 pages; truth files are
 * canonical v2.0.0 extractions that score perfectly against themselves.
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarise } from '#core/evaluation/metrics.ts';
import { evaluateDocument } from '#core/evaluation/outcomes.ts';
import { normaliseExtraction } from '#core/extraction/normalise.ts';
import { compileSchema, describeErrors } from '#core/extraction/validation.ts';
import { MetadataSchema } from '#core/prompts/types.ts';
import { corpusCommand } from '#local/corpus/cli.ts';
import {
  CORPUS_DOCUMENT_TYPES,
  type CorpusEntry,
  generateCorpus,
  generateSamples,
} from '#local/corpus/generate.ts';
import { SYNTHETIC_MARK } from '#local/corpus/pdf.ts';
import { TRUTH_KEYS } from '#local/corpus/truth.ts';

const PROMPT_DIR = new URL('../../../prompts/medical-record/v2.0.0/', import.meta.url);

/** Collapses whitespace; a line broken after a hyphen is joined back. */
function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/- /g, '-');
}

/** Each page's text, read once per file: two checks below read the same 24 PDFs. */
const pageTexts = new Map<string, Promise<string[]>>();
async function readPages(path: string): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)));
  const { text } = await extractText(pdf, { mergePages: false });
  return text;
}
function pdfPages(path: string): Promise<string[]> {
  let pages = pageTexts.get(path);
  if (pages === undefined) {
    pages = readPages(path);
    pageTexts.set(path, pages);
  }
  return pages;
}

let root = '';
let corpus: CorpusEntry[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medextract-corpus-'));
  corpus = await generateCorpus({ outDir: join(root, 'main'), count: 24, seed: 'unit-test' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateCorpus', () => {
  it('names documents by type prefix and running number, cycling through the four types', () => {
    expect(corpus.slice(0, 5).map((entry) => entry.id)).toEqual([
      'aps-0001',
      'lab-0002',
      'dis-0003',
      'off-0004',
      'aps-0005',
    ]);
    expect(new Set(corpus.map((entry) => entry.documentType))).toEqual(
      new Set(CORPUS_DOCUMENT_TYPES),
    );
  });

  it('writes a PDF and a truth file per document, and nothing else', async () => {
    const files = (await readdir(join(root, 'main'))).sort();

    expect(files).toHaveLength(48);
    expect(files.filter((file) => file.endsWith('.pdf'))).toHaveLength(24);
    expect(files.filter((file) => file.endsWith('.truth.json'))).toHaveLength(24);
    expect(files).toContain('off-0024.truth.json');
  });

  it('is deterministic: the same seed gives byte-identical PDFs and truth files', async () => {
    // Prepare
    const again = await generateCorpus({
      outDir: join(root, 'again'),
      count: 4,
      seed: 'unit-test',
    });

    // Act / Assess
    for (const [index, entry] of again.entries()) {
      const original = corpus[index];
      expect(original?.id).toBe(entry.id);
      if (original === undefined) continue;
      expect((await readFile(entry.pdfPath)).equals(await readFile(original.pdfPath))).toBe(true);
      expect(await readFile(entry.truthPath, 'utf8')).toBe(
        await readFile(original.truthPath, 'utf8'),
      );
    }
  });

  it('gives different documents for a different seed', async () => {
    const other = await generateCorpus({ outDir: join(root, 'other'), count: 4, seed: 'another' });

    for (const [index, entry] of other.entries()) {
      const original = corpus[index];
      if (original === undefined) throw new Error('missing original');
      expect(await readFile(entry.truthPath, 'utf8')).not.toBe(
        await readFile(original.truthPath, 'utf8'),
      );
    }
  });

  it('restricts and orders the types when asked', async () => {
    const labs = await generateCorpus({
      outDir: join(root, 'types'),
      count: 3,
      seed: 'unit-test',
      types: ['lab_report', 'office_note'],
    });

    expect(labs.map((entry) => entry.id)).toEqual(['lab-0001', 'off-0002', 'lab-0003']);
    expect(labs.map((entry) => entry.truth.encounter.documentType)).toEqual([
      'lab_report',
      'office_note',
      'lab_report',
    ]);
  });

  it('rejects an empty type list and a negative count', async () => {
    await expect(
      generateCorpus({ outDir: join(root, 'bad'), count: 1, seed: 1, types: [] }),
    ).rejects.toThrow(RangeError);
    await expect(generateCorpus({ outDir: join(root, 'bad'), count: -1, seed: 1 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('generated PDFs', () => {
  it.each(CORPUS_DOCUMENT_TYPES)(
    '%s: the PDF text holds every truth value in its printed form',
    async (type) => {
      const entries = corpus.filter((entry) => entry.documentType === type);
      expect(entries.length).toBe(6);
      for (const entry of entries) {
        const text = flatten((await pdfPages(entry.pdfPath)).join('\n'));
        const missing = entry.printed.filter((form) => !text.includes(flatten(form.text)));
        expect(missing, entry.id).toEqual([]);
        // Spot checks that do not rely on the recorded forms.
        for (const diagnosis of entry.truth.diagnoses) {
          if (diagnosis.icd10 != null) expect(text, entry.id).toContain(diagnosis.icd10);
        }
        for (const medication of entry.truth.medications) {
          expect(text, entry.id).toContain(medication.name);
        }
      }
    },
  );

  it('prints the patient name and date of birth in the style the truth was derived from', () => {
    for (const entry of corpus) {
      const name = entry.printed.find((form) => form.path === 'patient.name');
      const dob = entry.printed.find((form) => form.path === 'patient.dateOfBirth');
      const [first] = (entry.truth.patient.name ?? '').split(' ');
      expect(name?.text.toLowerCase(), entry.id).toContain((first ?? '').toLowerCase());
      const [year] = (entry.truth.patient.dateOfBirth ?? '').split('-');
      expect(dob?.text, entry.id).toContain(year);
    }
  });

  it('runs from 1 to 4 pages, with the synthetic mark and page number on every page', async () => {
    const counts = new Set<number>();
    for (const entry of corpus) {
      const pages = await pdfPages(entry.pdfPath);
      expect(pages.length, entry.id).toBe(entry.pages);
      expect(entry.pages).toBeGreaterThanOrEqual(1);
      expect(entry.pages).toBeLessThanOrEqual(4);
      counts.add(entry.pages);
      pages.forEach((page, index) => {
        expect(page, entry.id).toContain(SYNTHETIC_MARK);
        expect(page, entry.id).toContain(`Page ${index + 1} of ${pages.length}`);
      });
    }
    // The corpus is not all one length.
    expect(counts.size).toBeGreaterThanOrEqual(3);
  });
});

describe('truth files', () => {
  it('parse, use only canonical keys and satisfy the v2.0.0 output schema', async () => {
    const schema: unknown = JSON.parse(await readFile(new URL('schema.json', PROMPT_DIR), 'utf8'));
    if (typeof schema !== 'object' || schema === null) throw new Error('schema is not an object');
    const validate = compileSchema({ ...schema });

    for (const entry of corpus) {
      const truth: unknown = JSON.parse(await readFile(entry.truthPath, 'utf8'));
      expect(Object.keys(truth ?? {}), entry.id).toEqual([...TRUTH_KEYS]);
      const valid = validate(truth);
      expect(describeErrors(validate.errors), entry.id).toEqual([]);
      expect(valid).toBe(true);
      expect(truth).toEqual(entry.truth);
    }
  });

  it('hold canonical values: normalising a truth file changes nothing', async () => {
    for (const entry of corpus) {
      const truth: unknown = JSON.parse(await readFile(entry.truthPath, 'utf8'));
      expect(normaliseExtraction(truth), entry.id).toEqual(truth);
    }
  });

  it('state risk factors only with evidence for them in the truth', () => {
    for (const entry of corpus) {
      const { truth } = entry;
      for (const risk of truth.riskFactors) {
        if (risk.factor === 'tobacco use') {
          expect(['current', 'former']).toContain(truth.socialHistory.tobaccoUse);
        }
        if (risk.factor === 'obesity') {
          const bmi = truth.vitals.bmi;
          const diagnosed = truth.diagnoses.some((d) => d.icd10 === 'E66.9');
          expect(bmi !== null ? bmi >= 30 : diagnosed, entry.id).toBe(true);
        }
      }
      if (truth.socialHistory.tobaccoUse === 'current') {
        expect(truth.riskFactors).toContainEqual(
          expect.objectContaining({ factor: 'tobacco use', severity: 'high' }),
        );
      }
    }
  });

  it('score perfectly against themselves and poorly against an empty prediction', async () => {
    const metadata = MetadataSchema.parse(
      JSON.parse(await readFile(new URL('metadata.json', PROMPT_DIR), 'utf8')),
    );

    const perfect = summarise(
      corpus.map((entry) => evaluateDocument(metadata.fields, entry.truth, entry.truth)),
    );
    const empty = summarise(
      corpus.map((entry) => evaluateDocument(metadata.fields, entry.truth, {})),
    );

    expect(perfect.micro.f1).toBe(1);
    expect(perfect.micro.fa + perfect.micro.fd + perfect.micro.fn).toBe(0);
    expect(empty.micro.tp).toBe(0);
    expect(empty.micro.f1).toBe(0);
  });
});

describe('generateSamples', () => {
  it('writes the fixed sample set: 8 documents, two of each type', async () => {
    const samples = await generateSamples(join(root, 'samples'));

    expect(samples.map((entry) => entry.id)).toEqual([
      'aps-0001',
      'lab-0002',
      'dis-0003',
      'off-0004',
      'aps-0005',
      'lab-0006',
      'dis-0007',
      'off-0008',
    ]);
    const again = await generateSamples(join(root, 'samples-again'));
    expect(again.map((entry) => entry.truth)).toEqual(samples.map((entry) => entry.truth));
  });
});

describe('corpus command', () => {
  it('generates the requested documents and prints ids, types and page counts', async () => {
    // Prepare
    const lines: string[] = [];
    const out = join(root, 'cli');

    // Act
    await corpusCommand((line) => lines.push(line)).parseAsync(
      ['--out', out, '--count', '3', '--seed', 'cli', '--types', 'dis,aps'],
      { from: 'user' },
    );

    // Assess
    expect((await readdir(out)).sort()).toEqual([
      'aps-0002.pdf',
      'aps-0002.truth.json',
      'dis-0001.pdf',
      'dis-0001.truth.json',
      'dis-0003.pdf',
      'dis-0003.truth.json',
    ]);
    expect(lines[0]).toMatch(/^dis-0001 {2}discharge_summary {2}[1-4] page\(s\)$/);
    expect(lines.at(-1)).toBe(`3 document(s) written to ${out}`);
  });
});
