/**
 * `tsx test/bench/init-without.ts <outdir> <part>...`: every function bundle
 * and the hello-world, built with the shared settings but with the named
 * parts resolved to an empty module, so `npm run bench:init-compare --
 * .data/bench/bundles <outdir>` shows what each part's bytes cost at cold
 * init. The part is lazily loaded code that an ordinary import never runs
 * (`tracer`: Powertools Tracer with the X-Ray SDK; Ajv, measured this way
 * for ADR 59, is no longer in any function bundle, ADR 64). The bundles
 * import, but they do not work: for measurement only, never shipped.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { functionEntry } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from './bundles.ts';

const PARTS: Readonly<Record<string, RegExp>> = {
  tracer: /tracer-cjs\.cjs$/,
};

const [outdir, ...parts] = process.argv.slice(2);
const unknown = parts.filter((part) => !(part in PARTS));
if (!outdir || parts.length === 0 || unknown.length > 0)
  throw new Error(`usage: init-without.ts <outdir> <${Object.keys(PARTS).join('|')}>...`);

const emptyModules: Plugin = {
  name: 'empty-modules',
  setup(builder) {
    for (const part of parts)
      builder.onResolve({ filter: PARTS[part] as RegExp }, () => ({
        path: part,
        namespace: 'empty',
      }));
    builder.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

const entries: [string, string][] = [
  ...FUNCTION_NAMES.map((name): [string, string] => [name, functionEntry(name)]),
  ['hello-world', fileURLToPath(new URL('./hello-handler.ts', import.meta.url))],
];
for (const [name, entry] of entries) {
  const result = await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: [entry],
    outfile: join(outdir, name, 'index.mjs'),
    plugins: [emptyModules],
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  process.stdout.write(`${name} ${bytes}\n`);
}
