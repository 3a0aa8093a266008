/**
 * Prompt version admin: `new <fromVersion> <newVersion>` copies a version to a
 * draft, `release <version>` validates a draft and freezes it in the manifest.
 * Only parses arguments; the work is in adapters/prompts/manifest.ts.
 */
import { Command } from 'commander';
import * as z from 'zod';
import { PromptAdminError } from '#adapters/prompts/manifest.ts';
import { familyDir, PromptFolderError } from '#adapters/prompts/registry.ts';
import { createDraft, releaseVersion } from '#adapters/prompts/release.ts';

function fail(error: unknown): never {
  if (error instanceof PromptAdminError || error instanceof PromptFolderError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const program = new Command()
  .name('prompts-admin')
  .description('Create and release prompt versions')
  .option('--family-dir <dir>', 'prompt family folder', familyDir());

const OptionsSchema = z.object({ familyDir: z.string().min(1) });

function selectedFamilyDir(): string {
  return OptionsSchema.parse(program.opts()).familyDir;
}

program
  .command('new')
  .description('copy a version folder to a new draft version')
  .argument('<fromVersion>', 'version to copy, e.g. 2.0.0')
  .argument('<newVersion>', 'higher version to create, e.g. 2.1.0')
  .action((fromVersion: string, newVersion: string) => {
    try {
      const dir = createDraft(selectedFamilyDir(), fromVersion, newVersion);
      process.stdout.write(`created draft ${dir}\n`);
    } catch (error) {
      fail(error);
    }
  });

program
  .command('release')
  .description('validate a draft and add its file hashes to manifest.json')
  .argument('<version>', 'draft version to release, e.g. 2.1.0')
  .action((version: string) => {
    try {
      const manifest = releaseVersion(selectedFamilyDir(), version);
      const files = Object.keys(manifest.versions[version]?.files ?? {}).length;
      process.stdout.write(`released ${version} (${files} files hashed)\n`);
    } catch (error) {
      fail(error);
    }
  });

program.parse();
