/**
 * Release bookkeeping for a prompt family: `manifest.json` records the sha256 of
 * every file of every released version, which makes released folders
 * immutable (any change, added or removed file is detected). A version folder
 * missing from the manifest is a draft; release.ts creates and releases drafts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { compareSemver, SEMVER_PATTERN, versionFolder } from '#core/prompts/semver.ts';
import { PromptFolderError } from './prompt-folder.ts';

/** File name of the manifest inside a family folder. */
export const MANIFEST_FILE = 'manifest.json';

/** First changelog line of a fresh draft; a version cannot be released while it is still there. */
export const DRAFT_CHANGELOG_PREFIX = 'Draft from ';

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
const ReleasedVersionSchema = z.lazy(() =>
  z.strictObject({
    released: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
    /** Path relative to the version folder (posix separators) -> sha256 hex. */
    files: z.record(z.string().check(z.minLength(1)), z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  }),
);

export const ManifestSchema = z.lazy(() =>
  z.strictObject({
    versions: z.record(z.string().check(z.regex(SEMVER_PATTERN)), ReleasedVersionSchema),
  }),
);
export type Manifest = z.infer<typeof ManifestSchema>;

/** A released version whose folder no longer matches its manifest entry. */
export interface ManifestProblem {
  readonly version: string;
  /** File relative to the version folder, or `.` for the folder itself. */
  readonly file: string;
  readonly problem: 'changed' | 'added' | 'removed' | 'folder missing';
}

/** A `new` or `release` command that cannot go ahead. */
export class PromptAdminError extends Error {
  override readonly name = 'PromptAdminError';
}

function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(join(dir, entry.name), relative));
    else files.push(relative);
  }
  return files;
}

/** sha256 (hex) of every file under `dir`, keyed by posix path relative to it, sorted. */
export function hashFolder(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const file of listFiles(dir).sort()) {
    hashes[file] = createHash('sha256')
      .update(readFileSync(join(dir, ...file.split('/'))))
      .digest('hex');
  }
  return hashes;
}

/** Reads `manifest.json` of a family folder; a family without one has released nothing. */
export function readManifest(familyDir: string): Manifest {
  const path = join(familyDir, MANIFEST_FILE);
  if (!existsSync(path)) return { versions: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new PromptFolderError(MANIFEST_FILE, 'invalid JSON');
  }
  const result = ManifestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    throw new PromptFolderError(MANIFEST_FILE, `key ${key}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** Released versions in the manifest, oldest first. */
export function releasedVersions(manifest: Manifest): string[] {
  return Object.keys(manifest.versions).sort(compareSemver);
}

/**
 * Compares every released version's folder with its manifest entry.
 * Returns one problem per changed, added or removed file (empty when intact).
 */
export function verifyManifest(
  familyDir: string,
  manifest: Manifest = readManifest(familyDir),
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const version of releasedVersions(manifest)) {
    const expected = manifest.versions[version]?.files ?? {};
    const dir = join(familyDir, versionFolder(version));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      problems.push({ version, file: '.', problem: 'folder missing' });
      continue;
    }
    const actual = hashFolder(dir);
    for (const [file, hash] of Object.entries(expected)) {
      const found = actual[file];
      if (found === undefined) problems.push({ version, file, problem: 'removed' });
      else if (found !== hash) problems.push({ version, file, problem: 'changed' });
    }
    for (const file of Object.keys(actual)) {
      if (!Object.hasOwn(expected, file)) problems.push({ version, file, problem: 'added' });
    }
  }
  return problems;
}

/** Where a problem is, relative to the family folder: `v1.0.0/system.md` or `v1.0.0`. */
export function problemLocation(problem: ManifestProblem): string {
  const folder = versionFolder(problem.version);
  return problem.file === '.' ? folder : `${folder}/${problem.file}`;
}

/** What happened, without the location. */
export function problemMessage(problem: ManifestProblem): string {
  switch (problem.problem) {
    case 'changed':
      return `released file changed (sha256 differs from ${MANIFEST_FILE})`;
    case 'added':
      return 'file added to a released version';
    case 'removed':
      return 'file removed from a released version';
    case 'folder missing':
      return 'released version folder is missing';
  }
}

/** One line naming the version folder, the file and what happened to it. */
export function describeProblem(problem: ManifestProblem): string {
  return `${problemLocation(problem)}: ${problemMessage(problem)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LINE_WIDTH = 100;

/**
 * JSON with two-space indents and short arrays of scalars on one line: the
 * layout the repository formatter produces, so written files stay lint-clean.
 */
export function formatJson(value: unknown): string {
  return `${format(value, '', 0)}\n`;
}

function format(value: unknown, indent: string, usedWidth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    if (value.every((item) => !isPlainObject(item) && !Array.isArray(item))) {
      const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      // +1 for a trailing comma the formatter counts against the width.
      if (usedWidth + flat.length + 1 <= LINE_WIDTH) return flat;
    }
    const items = value.map((item) => `${inner}${format(item, inner, inner.length)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, item]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${format(item, inner, head.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
