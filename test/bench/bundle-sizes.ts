/**
 * Prints each function bundle's bytes, built as the CDK app builds them, in a
 * temporary folder: `npm run bench:bundles [-- --json]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunctionBundles } from './bundles.ts';

const outdir = mkdtempSync(join(tmpdir(), 'medextract-bundles-'));
const sizes: Record<string, number> = {};
try {
  for (const bundle of await buildFunctionBundles(outdir)) sizes[bundle.name] = bundle.bytes;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(sizes));
} else {
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(16)} ${bytes}`);
}
