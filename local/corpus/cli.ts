/**
 * Command line for the synthetic corpus generator:
 * `tsx local/corpus/cli.ts --out <dir> --count <n> --seed <s> [--types aps,lab]`
 * or `--samples` for the fixed demo set, or layout families with
 * `--families ltr,stk` / `--split tuning|held-out` (each document then gets a
 * `<id>.layout.json` sidecar); `--scanned` writes every document as an
 * image-only scan of itself (same truth file); `--seeded-errors` writes the
 * seeded-error corpus (planted mistakes, `<id>.seeded.json` sidecars). Prints ids, types and page
 * counts only; the documents themselves stay on disk.
 */

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import * as z from 'zod';
import { familiesIn, familyNamed, LAYOUT_FAMILIES, type LayoutFamily } from './families.ts';
import { generateFamilyCorpus } from './family-corpus.ts';
import {
  CORPUS_DOCUMENT_TYPES,
  type CorpusEntry,
  DOCUMENT_PREFIXES,
  generateCorpus,
  generateSamples,
} from './generate.ts';
import { DEFAULT_SCAN_OPTIONS, scanFilesInPlace } from './scan.ts';
import { generateSeededErrorCorpus } from './seeded-errors.ts';
import type { CorpusDocumentType } from './truth.ts';

function positiveCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 10000');
  }
  return count;
}

function documentTypes(value: string): CorpusDocumentType[] {
  return value.split(',').map((part) => {
    const wanted = part.trim();
    const type = CORPUS_DOCUMENT_TYPES.find(
      (candidate) => candidate === wanted || DOCUMENT_PREFIXES[candidate] === wanted,
    );
    if (type === undefined) {
      throw new InvalidArgumentError(
        `unknown type "${wanted}"; use ${CORPUS_DOCUMENT_TYPES.map((t) => DOCUMENT_PREFIXES[t]).join(', ')}`,
      );
    }
    return type;
  });
}

function layoutFamilies(value: string): LayoutFamily[] {
  return value.split(',').map((part) => {
    const family = familyNamed(part.trim());
    if (family === undefined) {
      throw new InvalidArgumentError(
        `unknown layout family "${part.trim()}"; use ${LAYOUT_FAMILIES.map((f) => f.name).join(', ')}`,
      );
    }
    return family;
  });
}

function split(value: string): 'tuning' | 'held-out' {
  if (value !== 'tuning' && value !== 'held-out') {
    throw new InvalidArgumentError('expected tuning or held-out');
  }
  return value;
}

const OptionsSchema = z.object({
  out: z.string().min(1),
  count: z.number().int().positive(),
  seed: z.string(),
  types: z.array(z.enum(CORPUS_DOCUMENT_TYPES)).optional(),
  samples: z.boolean().optional(),
  families: z.array(z.custom<LayoutFamily>()).optional(),
  split: z.enum(['tuning', 'held-out']).optional(),
  scanned: z.boolean().optional(),
  seededErrors: z.boolean().optional(),
  fax: z.boolean().optional(),
  stamp: z.boolean().optional(),
  dpi: z.coerce.number().int().min(150).max(200).default(DEFAULT_SCAN_OPTIONS.dpi),
  skew: z.coerce.number().min(0).max(5).default(DEFAULT_SCAN_OPTIONS.maxSkewDegrees),
});

/** Builds the `corpus` command; `write` receives each output line. */
export function corpusCommand(write: (line: string) => void = console.log): Command {
  return new Command('corpus')
    .description(
      'Generate synthetic medical PDFs with ground-truth JSON (SYNTHETIC TEST DOCUMENTS).',
    )
    .option('--out <dir>', 'output directory (.data/ is git-ignored)', '.data/corpus')
    .option('--count <n>', 'number of documents', positiveCount, 20)
    .option('--seed <s>', 'seed; the same seed gives identical files', 'medextract')
    .option(
      '--types <list>',
      'comma-separated types to cycle through (aps, lab, dis, off)',
      documentTypes,
    )
    .option('--samples', 'write the fixed 8-document sample set instead')
    .option(
      '--families <list>',
      'comma-separated layout families (names or id prefixes)',
      layoutFamilies,
    )
    .option(
      '--split <side>',
      'every layout family of one side of the split: tuning or held-out',
      split,
    )
    .option('--scanned', 'write each document as an image-only scan (grey raster, no text layer)')
    .option(
      '--seeded-errors',
      'plant known mistakes: a value changed in the truth only, and a distractor (see <id>.seeded.json)',
    )
    .option('--fax', 'with --scanned: 1-bit fax look with speckle and a dropped line')
    .option('--stamp', 'with --scanned: a fax transmission header on every page')
    .option('--dpi <n>', 'with --scanned: raster resolution, 150-200')
    .option('--skew <degrees>', 'with --scanned: largest skew either way')
    .action(async (raw: unknown) => {
      const options = OptionsSchema.parse(raw);
      if (options.families !== undefined || options.split !== undefined) {
        const families = [
          ...(options.families ?? []),
          ...(options.split === undefined ? [] : familiesIn(options.split)),
        ];
        const written = await generateFamilyCorpus({
          outDir: options.out,
          count: options.count,
          seed: options.seed,
          families: [...new Set(families)],
        });
        for (const entry of written) {
          write(
            `${entry.id}  ${entry.layout.family}  ${entry.layout.split}  ${entry.pages} page(s)`,
          );
        }
        write(`${written.length} document(s) written to ${options.out}`);
        return;
      }
      if (options.seededErrors) {
        const seeded = await generateSeededErrorCorpus({
          outDir: options.out,
          count: options.count,
          seed: options.seed,
          ...(options.types === undefined ? {} : { types: options.types }),
        });
        for (const entry of seeded) {
          const kinds = entry.seeded.errors
            .map((error) => (error.kind === 'distractor' ? error.variant : error.path))
            .join(', ');
          write(`${entry.id}  ${entry.documentType}  ${entry.pages} page(s)  seeded: ${kinds}`);
        }
        write(`${seeded.length} document(s) with seeded errors written to ${options.out}`);
        return;
      }
      const entries: CorpusEntry[] = options.samples
        ? await generateSamples(options.out)
        : await generateCorpus({
            outDir: options.out,
            count: options.count,
            seed: options.seed,
            ...(options.types === undefined ? {} : { types: options.types }),
          });
      if (options.scanned) {
        await scanFilesInPlace(
          entries.map((entry) => entry.pdfPath),
          {
            ...DEFAULT_SCAN_OPTIONS,
            dpi: options.dpi,
            fax: options.fax === true,
            stamp: options.stamp === true,
            maxSkewDegrees: options.skew,
            seed: options.samples ? 'samples' : options.seed,
          },
        );
      }
      for (const entry of entries) {
        write(`${entry.id}  ${entry.documentType}  ${entry.pages} page(s)`);
      }
      const kind = options.scanned
        ? ` as ${options.fax ? 'faxed' : 'scanned'} images at ${options.dpi} dpi`
        : '';
      write(`${entries.length} document(s) written to ${options.out}${kind}`);
    });
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  corpusCommand()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
