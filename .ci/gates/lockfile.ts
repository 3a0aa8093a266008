/**
 * Lockfile gate: package.json pins every dependency to an exact version,
 * and every package in package-lock.json (other than those bundled inside
 * another package) carries a sha512 integrity hash and, where it records
 * where it came from, an https URL on the npm registry. `npm ci` then
 * installs exactly what was reviewed. `npx tsx .ci/gates/lockfile.ts`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const REGISTRY = 'https://registry.npmjs.org/';
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

const ManifestSchema = z.object({
  dependencies: z.record(z.string(), z.string()).default({}),
  devDependencies: z.record(z.string(), z.string()).default({}),
});
const LockSchema = z.object({
  lockfileVersion: z.number(),
  packages: z.record(
    z.string(),
    z.object({
      resolved: z.string().optional(),
      integrity: z.string().optional(),
      inBundle: z.boolean().optional(),
      link: z.boolean().optional(),
    }),
  ),
});

/** Problems with the manifest and lockfile, one line each. */
export const lockfileProblems = (manifest: unknown, lock: unknown): string[] => {
  const { dependencies, devDependencies } = ManifestSchema.parse(manifest);
  const problems: string[] = [];
  for (const [name, range] of Object.entries({ ...dependencies, ...devDependencies })) {
    if (!EXACT_VERSION.test(range)) problems.push(`${name}: "${range}" is not an exact version`);
  }
  const { lockfileVersion, packages } = LockSchema.parse(lock);
  if (lockfileVersion < 3) problems.push(`lockfileVersion ${lockfileVersion}: expected 3`);
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || entry.inBundle || entry.link) continue;
    if (!entry.integrity?.startsWith('sha512-')) problems.push(`${path}: no sha512 integrity`);
    if (entry.resolved !== undefined && !entry.resolved.startsWith(REGISTRY)) {
      problems.push(`${path}: resolved outside the npm registry`);
    }
  }
  return problems;
};

const main = (): void => {
  const read = (file: string): unknown =>
    JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
  const lock = read('package-lock.json');
  const problems = lockfileProblems(read('package.json'), lock);
  for (const problem of problems) console.log(`lockfile: ${problem}`);
  const count = Object.keys(LockSchema.parse(lock).packages).length - 1;
  console.log(`lockfile check: ${count} locked packages, ${problems.length} problems`);
  process.exitCode = problems.length === 0 ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
