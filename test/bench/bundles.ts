/**
 * Builds function bundles the way the CDK app does (the shared esbuild settings
 * of infra/bundle-settings.ts: ESM, minified, the AWS SDK bundled from its ES
 * build) and reports their bytes; shared by `npm run bench:bundles` and
 * `npm run bench`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { WORKER_BUNDLES } from '#contracts/worker-bundles.ts';
import { BUNDLE_SETTINGS } from '#infra/bundle-settings.ts';
import { fromRepoRoot, functionEntry } from '#infra/repo-paths.ts';

export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** Worker bundles beside `index.mjs` (contracts/worker-bundles.ts): file name and bytes. */
  readonly workers: Readonly<Record<string, number>>;
}

/** The CDK app's esbuild settings for a function bundle (infra/bundle-settings.ts). */
export const FUNCTION_BUNDLE_OPTIONS = {
  ...BUNDLE_SETTINGS,
  mainFields: [...BUNDLE_SETTINGS.mainFields],
  conditions: [...BUNDLE_SETTINGS.conditions],
  external: [...BUNDLE_SETTINGS.external],
  alias: { ...BUNDLE_SETTINGS.alias },
  bundle: true,
  banner: { js: BUNDLE_SETTINGS.banner },
  logLevel: 'error',
} satisfies BuildOptions;

/** Bundles one entry point to `<outdir>/<name>/index.mjs`, and its workers beside it. */
export const buildBundle = async (
  name: string,
  entry: string,
  outdir: string,
): Promise<BuiltBundle> => {
  const file = join(outdir, name, 'index.mjs');
  await build({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [entry], outfile: file });
  const workers: Record<string, number> = {};
  for (const worker of WORKER_BUNDLES[name as FunctionName] ?? []) {
    const workerFile = join(outdir, name, worker.file);
    await build({
      ...FUNCTION_BUNDLE_OPTIONS,
      entryPoints: [fromRepoRoot(worker.entry)],
      outfile: workerFile,
    });
    workers[worker.file] = statSync(workerFile).size;
  }
  return { name, file, bytes: statSync(file).size, workers };
};

/** Every function of the app, bundled under `outdir`. */
export const buildFunctionBundles = async (outdir: string): Promise<BuiltBundle[]> => {
  const built: BuiltBundle[] = [];
  for (const name of FUNCTION_NAMES)
    built.push(await buildBundle(name, functionEntry(name), outdir));
  return built;
};
