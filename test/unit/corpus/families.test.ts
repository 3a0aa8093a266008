/**
 * Layout families: the split rule holds exactly one family of each kind out
 * and never a legacy one; family documents are deterministic, carry a
 * layout sidecar, print every truth value, and satisfy the v2.0.0 schema.
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
import { familiesIn, LAYOUT_FAMILIES, splitOf } from '#local/corpus/families.ts';
import { type FamilyEntry, generateFamilyCorpus } from '#local/corpus/family-corpus.ts';
import { SYNTHETIC_MARK } from '#local/corpus/pdf.ts';

const PROMPT_DIR = new URL('../../../prompts/medical-record/v2.0.0/', import.meta.url);
const NEW_FAMILIES = LAYOUT_FAMILIES.filter((family) => family.kind !== 'legacy');

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/- /g, '-');
}

async function pdfText(path: string): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)));
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

let root = '';
let corpus: FamilyEntry[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medextract-families-'));
  corpus = await generateFamilyCorpus({
    outDir: join(root, 'main'),
    count: NEW_FAMILIES.length * 3,
    seed: 'family-test',
    families: NEW_FAMILIES,
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the split rule', () => {
  it('keeps every legacy family in tuning', () => {
    for (const family of LAYOUT_FAMILIES.filter((f) => f.kind === 'legacy')) {
      expect(splitOf(family), family.name).toBe('tuning');
    }
  });

  it('holds exactly one family of each kind out and leaves one to tune on', () => {
    for (const kind of ['narrative', 'form', 'note', 'table'] as const) {
      const ofKind = LAYOUT_FAMILIES.filter((family) => family.kind === kind);
      expect(
        ofKind.filter((family) => splitOf(family) === 'held-out'),
        kind,
      ).toHaveLength(1);
      expect(ofKind.filter((family) => splitOf(family) === 'tuning').length, kind).toBeGreaterThan(
        0,
      );
    }
  });

  it('gives the held-out set recorded in docs/evaluation.md', () => {
    expect(familiesIn('held-out').map((family) => family.name)).toEqual([
      'consult-letter',
      'stacked-form',
      'addendum-note',
      'discharge-tables',
    ]);
  });

  it('uses distinct names and id prefixes', () => {
    expect(new Set(LAYOUT_FAMILIES.map((f) => f.name)).size).toBe(LAYOUT_FAMILIES.length);
    expect(new Set(LAYOUT_FAMILIES.map((f) => f.prefix)).size).toBe(LAYOUT_FAMILIES.length);
  });
});

describe('generateFamilyCorpus', () => {
  it('writes a PDF, a truth file and a layout sidecar per document', async () => {
    const files = await readdir(join(root, 'main'));
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(corpus.length);
    expect(files.filter((f) => f.endsWith('.truth.json'))).toHaveLength(corpus.length);
    expect(files.filter((f) => f.endsWith('.layout.json'))).toHaveLength(corpus.length);
    const first = corpus[0];
    if (first === undefined) throw new Error('empty corpus');
    expect(JSON.parse(await readFile(first.layoutPath, 'utf8'))).toEqual({
      family: 'narrative-letter',
      kind: 'narrative',
      split: 'tuning',
    });
  });

  it('is deterministic: the same seed gives byte-identical files', async () => {
    const again = await generateFamilyCorpus({
      outDir: join(root, 'again'),
      count: NEW_FAMILIES.length,
      seed: 'family-test',
      families: NEW_FAMILIES,
    });
    for (const [index, entry] of again.entries()) {
      const original = corpus[index];
      if (original === undefined) throw new Error('missing original');
      expect(entry.id).toBe(original.id);
      expect((await readFile(entry.pdfPath)).equals(await readFile(original.pdfPath))).toBe(true);
      expect(await readFile(entry.truthPath, 'utf8')).toBe(
        await readFile(original.truthPath, 'utf8'),
      );
    }
  });

  it.each(NEW_FAMILIES.map((family) => family.name))(
    '%s: the PDF text holds every truth value in its printed form and the synthetic mark',
    async (name) => {
      const entries = corpus.filter((entry) => entry.layout.family === name);
      expect(entries.length).toBe(3);
      for (const entry of entries) {
        const raw = await pdfText(entry.pdfPath);
        const text = flatten(raw);
        const missing = entry.printed.filter((form) => !text.includes(flatten(form.text)));
        expect(missing, entry.id).toEqual([]);
        expect(raw, entry.id).toContain(SYNTHETIC_MARK);
        for (const medication of entry.truth.medications) {
          expect(text, entry.id).toContain(medication.name);
        }
      }
    },
  );

  it('writes truth files that satisfy the v2.0.0 schema and score 1.0 against themselves', async () => {
    const schema = compileSchema(
      JSON.parse(await readFile(new URL('schema.json', PROMPT_DIR), 'utf8')),
    );
    const metadata = MetadataSchema.parse(
      JSON.parse(await readFile(new URL('metadata.json', PROMPT_DIR), 'utf8')),
    );
    const evaluations = [];
    for (const entry of corpus) {
      const truth: unknown = JSON.parse(await readFile(entry.truthPath, 'utf8'));
      const normalised = normaliseExtraction(truth);
      expect(schema(normalised) ? [] : describeErrors(schema.errors), entry.id).toEqual([]);
      evaluations.push(evaluateDocument(metadata.fields, truth, truth));
    }
    expect(summarise(evaluations).micro.f1).toBe(1);
  });
});

describe('corpus command', () => {
  it('generates one side of the split with --split', async () => {
    const lines: string[] = [];
    await corpusCommand((line) => lines.push(line)).parseAsync(
      ['--out', join(root, 'cli'), '--count', '4', '--seed', 'cli', '--split', 'held-out'],
      { from: 'user' },
    );
    expect(lines.slice(0, 4).every((line) => line.includes('held-out'))).toBe(true);
    expect(lines.at(-1)).toContain('4 document(s)');
  });

  it('rejects an unknown family', async () => {
    const command = corpusCommand(() => undefined).exitOverride();
    command.configureOutput({ writeErr: () => undefined });
    await expect(
      command.parseAsync(['--families', 'no-such-family'], { from: 'user' }),
    ).rejects.toThrow(/unknown layout family/);
  });
});
