/**
 * Bundles every function the way the CDK app does (esbuild, ESM, minified,
 * AWS SDK external) in memory and reports each bundle's bytes and the bytes
 * each npm package contributes, and the worker bundles beside them:
 * `npm run bench:bundles [-- --json]`. The
 * bundling test imports `measureBundles` to hold the sizes to a budget; the
 * functions are built in one esbuild call (function-outputs.ts).
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { WORKER_BUNDLES } from '#contracts/worker-bundles.ts';
import { fromRepoRoot, functionEntry } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from './bundles.ts';
import { functionOutputs } from './function-outputs.ts';

export interface BundleSize {
  readonly bytes: number;
  /** Output bytes per npm package (`zod`, `@aws-lambda-powertools/logger`, ...). */
  readonly packages: Readonly<Record<string, number>>;
}

const packageOf = (input: string): string | null =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? null;

/** Bytes per npm package of one bundle's metafile output. */
const sizeOf = (output: Metafile['outputs'][string]): BundleSize => {
  const packages: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(input);
    if (pkg) packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
  }
  return { bytes: output.bytes, packages };
};

/** One function's bundle, or with `entry` one of its worker bundles. */
export const measureBundle = async (name: FunctionName, entry?: string): Promise<BundleSize> => {
  const result = await build({
    entryPoints: [entry ? fromRepoRoot(entry) : functionEntry(name)],
    outfile: `${name}/index.mjs`,
    write: false,
    metafile: true,
    ...FUNCTION_BUNDLE_OPTIONS,
  });
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  if (!output) throw new Error(`No bundle output for ${name}`);
  return sizeOf(output);
};

/** Every function's bundle, all built in one esbuild call (function-outputs.ts). */
export const measureBundles = async (): Promise<Record<FunctionName, BundleSize>> => {
  const outputs = await functionOutputs();
  const sizes: Partial<Record<FunctionName, BundleSize>> = {};
  for (const name of FUNCTION_NAMES) {
    const built = outputs.get(name);
    if (!built) throw new Error(`No bundle output for ${name}`);
    sizes[name] = sizeOf(built.output);
  }
  return sizes as Record<FunctionName, BundleSize>;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureBundles();
  const workers: Record<string, number> = {};
  for (const [name, list] of Object.entries(WORKER_BUNDLES)) {
    for (const worker of list ?? []) {
      workers[`${name}/${worker.file}`] = (
        await measureBundle(name as FunctionName, worker.entry)
      ).bytes;
    }
  }
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({
        ...Object.fromEntries(Object.entries(sizes).map(([n, s]) => [n, s.bytes])),
        ...workers,
      }),
    );
  } else {
    for (const [name, { bytes }] of Object.entries(sizes))
      console.log(`${name.padEnd(16)} ${bytes}`);
    for (const [file, bytes] of Object.entries(workers)) console.log(`${file} ${bytes} (worker)`);
  }
}
