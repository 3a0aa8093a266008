/**
 * Creates and releases the drafts of a prompt family: a new draft is a copy
 * of an existing version, and releasing one lints it and records its files'
 * hashes in the manifest. Authoring only: the functions never import this
 * (it carries the Ajv schema lint, ADR 64).
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSemver, isSemver, versionFolder } from '#core/prompts/semver.ts';
import { MetadataSchema } from '#core/prompts/types.ts';
import {
  DRAFT_CHANGELOG_PREFIX,
  formatJson,
  hashFolder,
  MANIFEST_FILE,
  type Manifest,
  PromptAdminError,
  readManifest,
} from './manifest.ts';
import { loadPromptVersion } from './prompt-folder.ts';
import { lintSchema } from './schema-lint.ts';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function requireSemver(version: string): void {
  if (!isSemver(version)) {
    throw new PromptAdminError(`${version} is not a MAJOR.MINOR.PATCH version (no leading v)`);
  }
}

/**
 * Copies version `fromVersion` to a new draft folder `newVersion`, bumping its
 * metadata version and created date and opening its changelog with a draft line.
 * Fails when the target exists or is released, or is not higher than the source.
 * Returns the new folder's path.
 */
export function createDraft(
  familyDir: string,
  fromVersion: string,
  newVersion: string,
  created: string = today(),
): string {
  requireSemver(fromVersion);
  requireSemver(newVersion);
  const source = join(familyDir, versionFolder(fromVersion));
  const target = join(familyDir, versionFolder(newVersion));
  if (!existsSync(source))
    throw new PromptAdminError(`${versionFolder(fromVersion)} does not exist`);
  if (existsSync(target)) throw new PromptAdminError(`${versionFolder(newVersion)} already exists`);
  if (Object.hasOwn(readManifest(familyDir).versions, newVersion)) {
    throw new PromptAdminError(`${newVersion} is already released`);
  }
  if (compareSemver(newVersion, fromVersion) <= 0) {
    throw new PromptAdminError(`${newVersion} is not higher than ${fromVersion}`);
  }
  const from = loadPromptVersion(source, { lintSchema });
  cpSync(source, target, { recursive: true });
  const metadata = MetadataSchema.parse({
    ...from.metadata,
    version: newVersion,
    created,
    changelog: [
      `${DRAFT_CHANGELOG_PREFIX}${fromVersion}: replace this line with what changed.`,
      ...from.metadata.changelog,
    ],
  });
  writeFileSync(join(target, 'metadata.json'), formatJson(metadata));
  return target;
}

/**
 * Validates the draft `version` and adds the sha256 of each of its files to the
 * manifest, which freezes it. Fails when it is already released, when the folder
 * is invalid, or when its changelog still starts with the draft line.
 */
export function releaseVersion(
  familyDir: string,
  version: string,
  released: string = today(),
): Manifest {
  requireSemver(version);
  const manifest = readManifest(familyDir);
  if (Object.hasOwn(manifest.versions, version)) {
    throw new PromptAdminError(`${version} is already released`);
  }
  const dir = join(familyDir, versionFolder(version));
  if (!existsSync(dir)) throw new PromptAdminError(`${versionFolder(version)} does not exist`);
  const loaded = loadPromptVersion(dir, { lintSchema });
  if (loaded.metadata.changelog[0]?.startsWith(DRAFT_CHANGELOG_PREFIX)) {
    throw new PromptAdminError(
      `${versionFolder(version)}/metadata.json: describe the change in changelog[0] before release`,
    );
  }
  const versions: Manifest['versions'] = { ...manifest.versions };
  versions[version] = { released, files: hashFolder(dir) };
  const sorted: Manifest = { versions: {} };
  for (const key of Object.keys(versions).sort(compareSemver)) {
    const entry = versions[key];
    if (entry) sorted.versions[key] = entry;
  }
  writeFileSync(join(familyDir, MANIFEST_FILE), formatJson(sorted));
  return sorted;
}
