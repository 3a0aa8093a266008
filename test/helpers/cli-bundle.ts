/**
 * The `medextract` command the CLI tests spawn: the CLI's TypeScript bundled
 * once per test run by esbuild, so each subprocess loads a few plain
 * JavaScript files instead of every module through tsx's loader. Packages
 * stay external (loaded from node_modules as `bin/medextract.mjs` loads
 * them), and every bundled module keeps its own `import.meta.url` (the
 * source file's URL), so paths next to the sources (package.json, the ASL,
 * prompts, workers, the DynamoDB launcher, `.data/`) resolve exactly as
 * from source; the workers' jobs come from bundles the variables of
 * test/helpers/cli-bundle-setup.ts name (ADR 60). The bundle lives in a folder of its own under `.data/` for
 * the run and is built from the sources as they are when the run starts
 * (test/helpers/cli-bundle-setup.ts).
 */
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the bundled CLI entry for this run (test/helpers/cli-bundle-setup.ts). */
    medextractBundle: string;
  }
}

/** How users run the CLI from a checkout (package.json `bin`): tsx over the sources. */
export const MEDEXTRACT_BIN = 'bin/medextract.mjs';

/**
 * The script to pass to `node` (relative to the repository or absolute):
 * the run's bundle when the `isolated` project's global setup built one,
 * else `bin/medextract.mjs` itself.
 */
export const medextractScript = (): string => {
  return inject('medextractBundle') || MEDEXTRACT_BIN;
};
