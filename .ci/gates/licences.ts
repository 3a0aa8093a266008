/**
 * Licence gate: every package installed under node_modules (nested ones
 * included) must declare a licence on the allow-list in licences.json, or
 * be listed there as an exception with a reason. `npx tsx .ci/gates/licences.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const PolicySchema = z.object({
  allowed: z.array(z.string().min(1)),
  exceptions: z.record(z.string(), z.object({ licence: z.string(), reason: z.string().min(20) })),
});
export type LicencePolicy = z.infer<typeof PolicySchema>;

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly licence: string | null;
  readonly path: string;
}

/**
 * True when an SPDX expression is satisfied by the allow-list: `A OR B`
 * needs one side, `A AND B` both; parentheses group; `WITH` exceptions are
 * judged by their base licence.
 */
export const expressionAllowed = (expression: string, allowed: ReadonlySet<string>): boolean => {
  const tokens = expression
    .replace(/[()]/g, (p) => ` ${p} `)
    .split(/\s+/)
    .filter(Boolean);
  let position = 0;
  const primary = (): boolean => {
    const token = tokens[position++];
    if (token === '(') {
      const value = orExpression();
      position += 1; // ')'
      return value;
    }
    if (tokens[position] === 'WITH') position += 2;
    return token !== undefined && allowed.has(token.replace(/\+$/, ''));
  };
  const andExpression = (): boolean => {
    let value = primary();
    while (tokens[position] === 'AND') {
      position += 1;
      value = primary() && value;
    }
    return value;
  };
  const orExpression = (): boolean => {
    let value = andExpression();
    while (tokens[position] === 'OR') {
      position += 1;
      value = andExpression() || value;
    }
    return value;
  };
  return orExpression();
};

const LicenceField = z.union([
  z.string(),
  z.object({ type: z.string() }).transform((l) => l.type),
  z
    .array(z.union([z.string(), z.object({ type: z.string() })]))
    .transform((list) => list.map((l) => (typeof l === 'string' ? l : l.type)).join(' OR ')),
]);
const ManifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  license: LicenceField.optional(),
  licenses: LicenceField.optional(),
});

/** Every package directory under `nodeModules`, scoped and nested ones included. */
export const installedPackages = (nodeModules: string, root = nodeModules): InstalledPackage[] => {
  if (!existsSync(nodeModules)) return [];
  const found: InstalledPackage[] = [];
  const visit = (dir: string): void => {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
      if (parsed.success) {
        found.push({
          name: parsed.data.name,
          version: parsed.data.version,
          licence: parsed.data.license ?? parsed.data.licenses ?? null,
          path: relative(root, dir),
        });
      }
    }
    found.push(...installedPackages(join(dir, 'node_modules'), root));
  };
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(join(nodeModules, entry.name), { withFileTypes: true })) {
        if (scoped.isDirectory()) visit(join(nodeModules, entry.name, scoped.name));
      }
    } else {
      visit(join(nodeModules, entry.name));
    }
  }
  return found;
};

export interface LicenceViolation {
  readonly pkg: InstalledPackage;
  readonly problem: string;
}

/** Packages whose licence is neither allowed nor an exception that still matches. */
export const licenceViolations = (
  packages: readonly InstalledPackage[],
  policy: LicencePolicy,
): LicenceViolation[] => {
  const allowed = new Set(policy.allowed);
  return packages.flatMap((pkg): LicenceViolation[] => {
    const exception = policy.exceptions[pkg.name];
    const declared = pkg.licence ?? '(none)';
    if (exception) {
      return exception.licence === declared
        ? []
        : [
            {
              pkg,
              problem: `exception recorded for ${exception.licence}, package declares ${declared}`,
            },
          ];
    }
    if (pkg.licence === null) return [{ pkg, problem: 'declares no licence' }];
    return expressionAllowed(pkg.licence, allowed)
      ? []
      : [{ pkg, problem: `licence ${pkg.licence} is not on the allow-list` }];
  });
};

const main = (): void => {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const policy = PolicySchema.parse(
    JSON.parse(readFileSync(new URL('./licences.json', import.meta.url), 'utf8')),
  );
  const packages = installedPackages(join(repo, 'node_modules'));
  const violations = licenceViolations(packages, policy);
  const excepted = packages.filter((pkg) => policy.exceptions[pkg.name]).length;
  for (const { pkg, problem } of violations) {
    console.log(`licence: ${pkg.name}@${pkg.version} (${pkg.path}): ${problem}`);
  }
  console.log(
    `licence check: ${packages.length} installed packages, ${excepted} by recorded exception, ${violations.length} violations`,
  );
  process.exitCode = violations.length === 0 ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
