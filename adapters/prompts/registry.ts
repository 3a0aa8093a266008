/**
 * The prompt registry: every version folder of one prompt family, loaded and
 * validated up front, with its release status from the manifest. Released
 * versions are checked against their recorded hashes, so a tampered prompt
 * fails at load instead of being sent to the model.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptVersionUnknownError } from '#contracts/errors.ts';
import { compareSemver } from '#core/prompts/semver.ts';
import type { PromptVersion } from '#core/prompts/types.ts';
import { problemLocation, problemMessage, readManifest, verifyManifest } from './manifest.ts';
import { loadPromptVersion, PromptFolderError } from './prompt-folder.ts';
import type { SchemaLint } from './schema-lint.ts';

export {
  estimateTokens,
  renderPrompt,
  sanitiseDocumentText,
  TOOL_NAME,
} from '#core/prompts/render.ts';
export { PromptFolderError } from './prompt-folder.ts';

/**
 * `prompts/` of this repository, resolved from this file's URL. Bundled
 * functions have no repository around them and pass their own copy's directory
 * to loadPromptRegistry; a bundle without `import.meta.url` (CommonJS) falls
 * back to `./prompts` under the working directory so importing never throws.
 */
export const PROMPTS_ROOT: string = resolvePromptsRoot();

function resolvePromptsRoot(): string {
  const here: unknown = import.meta.url;
  if (typeof here === 'string' && here.startsWith('file:')) {
    return fileURLToPath(new URL('../../prompts/', here));
  }
  return join(process.cwd(), 'prompts');
}

/** The seed family of medical-record extraction prompts. */
export const MEDICAL_RECORD_FAMILY = 'medical-record';

/** Whether a version is frozen in the manifest or still a draft. */
export type PromptVersionStatus = 'released' | 'draft';

/** All versions of one prompt family. */
export interface PromptRegistry {
  readonly family: string;
  /** Every version with its status, oldest first. */
  list(): { version: string; status: PromptVersionStatus }[];
  /** One version by `MAJOR.MINOR.PATCH` (no leading v); throws PromptVersionUnknownError. */
  get(version: string): PromptVersion;
  /** Every version string, oldest first. */
  versions(): string[];
}

/** Directory of a family under a prompts root (default: this repository's `prompts/`). */
export function familyDir(family: string = MEDICAL_RECORD_FAMILY, root = PROMPTS_ROOT): string {
  return join(root, family);
}

/**
 * Reads and validates every `v*` folder of `familyDir` synchronously.
 * Throws PromptFolderError naming the file and problem for a malformed folder,
 * a released version whose files differ from the manifest, or versions that
 * disagree on their family. `lintSchema` (authoring callers: `schema-lint.ts`)
 * checks each draft's schema; released schemas passed it when released.
 */
export function loadPromptRegistry(
  familyDir: string,
  { lintSchema }: { readonly lintSchema?: SchemaLint } = {},
): PromptRegistry {
  if (!existsSync(familyDir)) throw new PromptFolderError('.', 'prompt family folder not found');
  const manifest = readManifest(familyDir);
  const problem = verifyManifest(familyDir, manifest)[0];
  if (problem) {
    throw new PromptFolderError(problemLocation(problem), problemMessage(problem));
  }

  const loaded = new Map<string, PromptVersion>();
  for (const entry of readdirSync(familyDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('v')) continue;
    // verifyManifest above checked a released folder's files against their hashes.
    const released = Object.hasOwn(manifest.versions, entry.name.slice(1));
    const version = loadPromptVersion(join(familyDir, entry.name), { released, lintSchema });
    loaded.set(version.version, version);
  }
  const ordered = [...loaded.keys()].sort(compareSemver);
  const first = loaded.get(ordered[0] ?? '');
  if (!first) throw new PromptFolderError('.', 'no v<major>.<minor>.<patch> version folders');
  const { family } = first;
  for (const version of loaded.values()) {
    if (version.family !== family) {
      throw new PromptFolderError(
        `v${version.version}/metadata.json`,
        `key family: ${version.family} differs from ${family} in the same folder`,
      );
    }
  }

  return {
    family,
    list: () =>
      ordered.map((version) => ({
        version,
        status: Object.hasOwn(manifest.versions, version) ? 'released' : 'draft',
      })),
    get: (version) => {
      const found = loaded.get(version);
      if (!found) throw new PromptVersionUnknownError(`prompt version ${version} is not bundled`);
      return found;
    },
    versions: () => [...ordered],
  };
}
