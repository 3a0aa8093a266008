/**
 * Builds function bundles the way the CDK app does (esbuild, ESM, minified,
 * AWS SDK external, as the Lambda runtime provides it) and reports their
 * bytes; shared by `npm run bench:bundles` and `npm run bench`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { REQUIRE_BANNER } from '#infra/bundle-banner.ts';
import { functionEntry } from '#infra/repo-paths.ts';

export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

/** The CDK app's esbuild settings for a function bundle. */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  // tesseract.js ships as node_modules of the load-document bundle (PAGE_RENDERER_MODULES).
  external: ['@aws-sdk/*', 'tesseract.js'],
  banner: { js: REQUIRE_BANNER },
  logLevel: 'error',
} as const satisfies BuildOptions;

/** Bundles one entry point to `<outdir>/<name>/index.mjs`. */
export const buildBundle = async (
  name: string,
  entry: string,
  outdir: string,
): Promise<BuiltBundle> => {
  const file = join(outdir, name, 'index.mjs');
  await build({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [entry], outfile: file });
  return { name, file, bytes: statSync(file).size };
};

/** Every function of the app, bundled under `outdir`. */
export const buildFunctionBundles = async (outdir: string): Promise<BuiltBundle[]> => {
  const built: BuiltBundle[] = [];
  for (const name of FUNCTION_NAMES)
    built.push(await buildBundle(name, functionEntry(name), outdir));
  return built;
};
