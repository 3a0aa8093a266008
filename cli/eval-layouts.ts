/**
 * Reads the layout sidecars (`<id>.layout.json`) of a dataset for
 * `medextract eval`: each names the document's layout family and split.
 * Documents without one are simply unlabelled; a sidecar that is not a
 * layout record is a usage error naming `--dataset`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LayoutRecord, parseLayoutRecord } from '#core/evaluation/index.ts';
import { UsageError } from './output.ts';

const parseSidecar = (text: string): LayoutRecord | null => {
  try {
    return parseLayoutRecord(JSON.parse(text));
  } catch {
    return null;
  }
};

/**
 * The layout record of every id that has a sidecar, keyed by id; empty when
 * the folder has none. Messages give counts, never file names.
 * @throws UsageError when a sidecar is not JSON with a family and a split of `tuning` or `held-out`.
 */
export const readLayouts = (dir: string, ids: readonly string[]): Map<string, LayoutRecord> => {
  const layouts = new Map<string, LayoutRecord>();
  let invalid = 0;
  for (const id of ids) {
    const path = join(dir, `${id}.layout.json`);
    if (!existsSync(path)) continue;
    const record = parseSidecar(readFileSync(path, 'utf-8'));
    if (record === null) invalid += 1;
    else layouts.set(id, record);
  }
  if (invalid > 0) {
    throw new UsageError(
      `--dataset: ${invalid} layout sidecars are not layout records (a family and a split of tuning or held-out)`,
    );
  }
  return layouts;
};
