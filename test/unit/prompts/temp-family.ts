/**
 * Disposable copies of the medical-record prompt family for tests that edit,
 * break or release versions without touching the real folder.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import * as z from 'zod';
import { familyDir } from '#adapters/prompts/registry.ts';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Copies the family (or only the given version folders, without a manifest,
 * so they are drafts) into a temp dir removed after the test. Returns the copy.
 */
export function copyFamily(onlyVersions?: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'medextract-prompts-'));
  created.push(root);
  const target = join(root, 'medical-record');
  if (onlyVersions === undefined) {
    cpSync(familyDir(), target, { recursive: true });
  } else {
    for (const version of onlyVersions) {
      cpSync(join(familyDir(), `v${version}`), join(target, `v${version}`), { recursive: true });
    }
  }
  return target;
}

/** Rewrites one file of a copied family through `change`. */
export function editFile(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

/** Rewrites a JSON file of a copied family through `change` on its parsed value. */
export function editJson(
  dir: string,
  file: string,
  change: (value: Record<string, unknown>) => void,
): void {
  editFile(dir, file, (text) => {
    const value = z.record(z.string(), z.unknown()).parse(JSON.parse(text));
    change(value);
    return `${JSON.stringify(value, null, 2)}\n`;
  });
}
