/**
 * Reads a labelled dataset folder for `medextract eval`: every `<id>.pdf`
 * with its `<id>.truth.json`. Problems are usage errors naming `--dataset`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { DatasetDocument } from '#services/evaluation.ts';
import { UsageError } from './output.ts';

const TruthSchema = z.record(z.string(), z.unknown());

/**
 * Reads a dataset folder: every `<id>.pdf` with its `<id>.truth.json`, sorted
 * by id. Messages give counts, never file names (a file name may carry a
 * patient's name).
 * @throws UsageError when the folder is missing, holds no PDF, or a truth file is missing or not a JSON object.
 */
export const readDataset = (dir: string): DatasetDocument[] => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError('--dataset: folder not found');
  }
  const ids = readdirSync(dir)
    .filter((name) => name.endsWith('.pdf'))
    .map((name) => name.slice(0, -'.pdf'.length))
    .sort((a, b) => a.localeCompare(b));
  if (ids.length === 0) throw new UsageError('--dataset: the folder holds no <id>.pdf');
  const missing = ids.filter((id) => !existsSync(join(dir, `${id}.truth.json`)));
  if (missing.length > 0) {
    throw new UsageError(
      `--dataset: ${missing.length} of ${ids.length} PDFs have no <id>.truth.json beside them`,
    );
  }
  const documents = ids.map((id) => ({
    id,
    pdfPath: join(dir, `${id}.pdf`),
    truth: parseTruth(readFileSync(join(dir, `${id}.truth.json`), 'utf-8')),
  }));
  const valid = documents.filter(
    (document): document is DatasetDocument => document.truth !== null,
  );
  if (valid.length < documents.length) {
    throw new UsageError(
      `--dataset: ${documents.length - valid.length} truth files are not JSON objects`,
    );
  }
  return valid;
};

const parseTruth = (text: string): Record<string, unknown> | null => {
  try {
    const parsed = TruthSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};
