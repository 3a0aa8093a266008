/**
 * The after-bundling commands that bundle a function's worker entry points
 * (contracts/worker-bundles.ts) beside its `index.mjs`, with the same esbuild
 * settings as the function bundle (infra/bundle-settings.ts), with a source
 * map without sources.
 */
import type { FunctionName } from '#contracts/functions.ts';
import { WORKER_BUNDLES } from '#contracts/worker-bundles.ts';
import { bundleSettingsFlags } from './bundle-settings.ts';

export const workerBundleCommands = (
  name: FunctionName,
  inputDir: string,
  outputDir: string,
): string[] =>
  (WORKER_BUNDLES[name] ?? []).map((worker) =>
    [
      `"${inputDir}/node_modules/.bin/esbuild"`,
      `"${inputDir}/${worker.entry}"`,
      '--bundle',
      ...bundleSettingsFlags(),
      '--sourcemap',
      '--sources-content=false',
      `"--outfile=${outputDir}/${worker.file}"`,
      '--log-level=error',
    ].join(' '),
  );
