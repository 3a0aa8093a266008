/**
 * Paths inside the repository that the CDK app reads at synth time: function
 * entries, the prompts folder copied into bundles, the lockfile esbuild uses.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '#contracts/functions.ts';

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lockfile that pins what esbuild bundles. */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** Entry of a function: `functions/<name>/handler.ts`, exporting `handler`. */
export const functionEntry = (name: FunctionName): string =>
  join(REPO_ROOT, 'functions', name, 'handler.ts');

/** Absolute path of a file given relative to the repository root. */
export const fromRepoRoot = (relativePath: string): string => join(REPO_ROOT, relativePath);
