/**
 * The after-bundling commands that bundle a function's worker entry points
 * (contracts/worker-bundles.ts) beside its `index.mjs`, with the same esbuild
 * settings as the function bundle: ES module, Node 24, minified, source map
 * without sources, the AWS SDK and tesseract.js left to the runtime.
 */
import type { FunctionName } from '#contracts/functions.ts';
import { WORKER_BUNDLES } from '#contracts/worker-bundles.ts';
import { REQUIRE_BANNER } from './bundle-banner.ts';

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
      '--platform=node',
      '--target=node24',
      '--format=esm',
      '--main-fields=module,main',
      '--minify',
      '--sourcemap',
      '--sources-content=false',
      "'--external:@aws-sdk/*'",
      '--external:tesseract.js',
      `"--banner:js=${REQUIRE_BANNER}"`,
      `"--outfile=${outputDir}/${worker.file}"`,
      '--log-level=error',
    ].join(' '),
  );
