/**
 * Bundles every function the way the CDK app does (esbuild, ESM, minified,
 * AWS SDK external) into a temporary folder and prints each bundle's bytes:
 * `npm run bench:bundles [-- --json]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { functionEntry } from '#infra/repo-paths.ts';

const outdir = mkdtempSync(join(tmpdir(), 'medextract-bundles-'));
const sizes: Record<string, number> = {};
try {
  for (const name of FUNCTION_NAMES) {
    const outfile = join(outdir, name, 'index.mjs');
    await build({
      entryPoints: [functionEntry(name)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      external: ['@aws-sdk/*'],
      logLevel: 'error',
    });
    sizes[name] = statSync(outfile).size;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(sizes));
} else {
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(16)} ${bytes}`);
}
