/**
 * Seeded-error corpus: reproducible from its seed; each document's truth
 * differs from the regular document's in exactly the recorded value (the PDF
 * still prints the original), and the distractor is printed but absent from
 * the truth.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookup } from '#core/evaluation/outcomes.ts';
import { generateDocument } from '#local/corpus/generate.ts';
import {
  DISTRACTOR_VARIANTS,
  distractorFor,
  generateSeededDocument,
  generateSeededErrorCorpus,
  type SeededEntry,
} from '#local/corpus/seeded-errors.ts';

const SEED = 'seeded-test';

const flatten = (text: string): string => text.replace(/\s+/g, ' ').replace(/- /g, '-');

async function pdfText(path: string): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)));
  const { text } = await extractText(pdf, { mergePages: true });
  return flatten(text);
}

/** `medications[1].dose` -> the value, through arrays. */
function valueAt(root: unknown, path: string): unknown {
  const dotted = path.replace(/\[(\d+)\]/g, '.$1');
  let current: unknown = root;
  for (const key of dotted.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

let root = '';
let entries: SeededEntry[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seeded-'));
  entries = await generateSeededErrorCorpus({ outDir: root, count: 8, seed: SEED });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('seeded-error corpus', () => {
  it('plants one truth change and one distractor in every document, recorded in a sidecar', async () => {
    expect(entries).toHaveLength(8);
    for (const entry of entries) {
      expect(entry.seeded.errors.map((error) => error.kind)).toEqual([
        'truth-changed',
        'distractor',
      ]);
      const sidecar = JSON.parse(await readFile(entry.seededPath, 'utf8'));
      expect(sidecar).toEqual(entry.seeded);
    }
    // Eight documents draw more than one kind of change and of distractor.
    const changed = new Set(entries.map((entry) => JSON.stringify(entry.seeded.errors[0])));
    expect(changed.size).toBe(8);
    const variants = new Set(
      entries.map((entry) => {
        const distractor = entry.seeded.errors[1];
        return distractor?.kind === 'distractor' ? distractor.variant : null;
      }),
    );
    expect(variants.size).toBeGreaterThan(1);
  });

  it('changes only the recorded truth value and keeps the printed one in the PDF', async () => {
    for (const entry of entries) {
      const change = entry.seeded.errors[0];
      if (change?.kind !== 'truth-changed') throw new Error('expected a truth change first');
      const index = Number(entry.id.slice(-4));
      const regular = await generateDocument(SEED, index, entry.documentType);
      const truth = JSON.parse(await readFile(entry.truthPath, 'utf8'));
      expect(valueAt(regular.truth, change.path)).toEqual(change.printed);
      expect(valueAt(truth, change.path)).toEqual(change.truth);
      expect(change.truth).not.toEqual(change.printed);
      // Values printed as stored (dates, weights and lab values are printed in the document's own style).
      if (/^(?:patient\.mrn|vitals\.heartRate|medications\[\d+\]\.dose)$/.test(change.path)) {
        expect(await pdfText(entry.pdfPath)).toContain(String(change.printed));
      }
      // Everything else is the regular document's truth.
      const restored = structuredClone(truth);
      const dotted = change.path.replace(/\[(\d+)\]/g, '.$1').split('.');
      const last = dotted.pop() ?? '';
      (valueAt(restored, dotted.join('.')) as Record<string, unknown>)[last] = change.printed;
      expect(restored).toEqual(JSON.parse(regular.truthJson));
    }
  });

  it('prints each distractor but leaves it out of the truth', async () => {
    for (const entry of entries) {
      const distractor = entry.seeded.errors[1];
      if (distractor?.kind !== 'distractor') throw new Error('expected a distractor second');
      const text = (await pdfText(entry.pdfPath)).toLowerCase();
      expect(text).toContain(distractor.value.toLowerCase());
      const truth = JSON.parse(await readFile(entry.truthPath, 'utf8'));
      const field = lookup(truth, distractor.field);
      expect(field.found).toBe(true);
      const stated = JSON.stringify(field.found ? field.value : null).toLowerCase();
      expect(stated).not.toContain(distractor.value.toLowerCase());
    }
  });

  it('meets every document type with every distractor over 16 documents', () => {
    const pairs = new Set(Array.from({ length: 16 }, (_, i) => `${i % 4}:${distractorFor(i + 1)}`));
    expect(pairs.size).toBe(16);
    expect(new Set(Array.from({ length: 4 }, (_, i) => distractorFor(i + 1)))).toEqual(
      new Set(DISTRACTOR_VARIANTS),
    );
  });

  it('gives the same documents for the same seed', async () => {
    const first = entries[2];
    if (first === undefined) throw new Error('missing document');
    const again = await generateSeededDocument(SEED, 3, first.documentType);
    expect(again.pdf.equals(await readFile(first.pdfPath))).toBe(true);
    expect(again.truthJson).toBe(await readFile(first.truthPath, 'utf8'));
    expect(again.seeded).toEqual(first.seeded);
  });
});
