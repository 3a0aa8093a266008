/**
 * The one way tests read the shared corpus (`../shared/corpora/<name>/` next
 * to the repository). When it is absent the tests that need it are reported
 * as skipped with a note saying which folder is missing, or, with
 * MEDEXTRACT_REQUIRE_SHARED_CORPUS=1 (CI with the corpus mounted), fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

export const SHARED_CORPORA_DIR = fileURLToPath(
  new URL('../../../shared/corpora/', import.meta.url),
);

export interface SharedCorpus {
  readonly name: string;
  readonly dir: string;
  /** File names (not paths), sorted; empty when the corpus is absent. */
  readonly files: readonly string[];
  /** Why the corpus cannot be used, or null when it can. */
  readonly absent: string | null;
  readonly read: (file: string) => Buffer;
}

/** The files with `extension` in `../shared/corpora/<name>/`. */
export const sharedCorpus = (name: string, extension: string): SharedCorpus => {
  const dir = join(SHARED_CORPORA_DIR, name);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith(extension))
        .sort()
    : [];
  const absent = !existsSync(dir)
    ? `shared corpus ../shared/corpora/${name} is absent (looked in ${dir})`
    : files.length === 0
      ? `shared corpus ../shared/corpora/${name} holds no ${extension} files`
      : null;
  return { name, dir, files, absent, read: (file) => readFileSync(join(dir, file)) };
};

/**
 * Registers, inside a describe block, one test that makes an absent corpus
 * visible: skipped with the reason as the reporter's note, or failing when
 * the corpus is required. Registers nothing when the corpus is there.
 */
export const reportAbsentCorpus = (corpus: SharedCorpus): void => {
  if (corpus.absent === null) return;
  const reason = corpus.absent;
  if (process.env.MEDEXTRACT_REQUIRE_SHARED_CORPUS === '1') {
    it(`needs the ${corpus.name} corpus`, () => {
      throw new Error(`${reason}; MEDEXTRACT_REQUIRE_SHARED_CORPUS=1 requires it`);
    });
  } else {
    it(`uses the ${corpus.name} corpus`, (context) => context.skip(reason));
  }
};
