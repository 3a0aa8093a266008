/**
 * Vitest global setup of the `isolated` project: bundles the CLI once for
 * the run (what `medextractScript()` in test/helpers/cli-bundle.ts hands to
 * the CLI tests) and removes the bundle when the run ends. In watch mode
 * each re-run rebuilds it first, so a test never runs an older CLI than the
 * sources.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { TestProject } from 'vitest/node';
import { PDF_TEXT_JOB } from '#contracts/worker-bundles.ts';
import { PDF_TEXT_JOB_BUNDLE_VARIABLE } from '#functions/load-document/pdf-text-worker.ts';
import { EXTRACTOR_JOB_BUNDLE_VARIABLE } from '#local/bedrock/extractor-pool.ts';
import { sourceImportMetaUrl } from '../../bin/source-bundle.mjs';
import { splitSourceBundleOptions } from './cli-bundle-options.ts';
import './cli-bundle.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliBundle {
  /** Absolute path of the entry script. */
  readonly entry: string;
  /** Absolute path of the rule-based extractor's worker job, bundled (local/bedrock/extractor-pool.ts). */
  readonly extractorJob: string;
  /** Absolute path of LoadDocument's pdf.js worker job, bundled (functions/load-document/pdf-text-worker.ts). */
  readonly pdfTextJob: string;
  /** Builds again from the current sources (watch mode re-runs). */
  rebuild(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Bundles `cli/main.ts` with code splitting, so a command still loads only
 * its own group's modules, into a new folder under `.data/` (inside the
 * repository, so its bare imports find node_modules).
 */
export const buildCliBundle = async (root: string = REPO_ROOT): Promise<CliBundle> => {
  const parent = join(root, '.data');
  await mkdir(parent, { recursive: true });
  const outdir = await mkdtemp(join(parent, 'test-cli-'));
  await writeFile(join(outdir, 'package.json'), '{"type":"module"}\n');
  const split = splitSourceBundleOptions(root);
  const context = await esbuild.context({
    ...split,
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    outdir,
    plugins: [...split.plugins, sourceImportMetaUrl],
  });
  // The workers' jobs, each on its own (no splitting): every local stack of the
  // run, in a test process or a CLI subprocess, starts its extractor worker
  // from the first and LoadDocument's pdf.js workers from the second, named
  // by the variables set below.
  const jobContext = await esbuild.context({
    absWorkingDir: root,
    entryPoints: {
      'extractor-job': join(root, 'local', 'bedrock', 'extractor-job.ts'),
      [PDF_TEXT_JOB.file.replace(/\.mjs$/, '')]: join(root, PDF_TEXT_JOB.entry),
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    outdir,
    plugins: [sourceImportMetaUrl],
    logLevel: 'error',
  });
  await Promise.all([context.rebuild(), jobContext.rebuild()]);
  return {
    entry: join(outdir, 'main.js'),
    extractorJob: join(outdir, 'extractor-job.mjs'),
    pdfTextJob: join(outdir, PDF_TEXT_JOB.file),
    rebuild: async () => {
      await Promise.all([context.rebuild(), jobContext.rebuild()]);
    },
    dispose: async () => {
      await Promise.all([context.dispose(), jobContext.dispose()]);
      await rm(outdir, { recursive: true, force: true });
    },
  };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bundle = await buildCliBundle();
  project.provide('medextractBundle', bundle.entry);
  // Test processes start after the global setups and inherit this, and so do
  // the CLI and `npm start` processes they spawn.
  process.env[EXTRACTOR_JOB_BUNDLE_VARIABLE] = bundle.extractorJob;
  process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE] = bundle.pdfTextJob;
  project.onTestsRerun(() => bundle.rebuild());
  return async () => {
    delete process.env[EXTRACTOR_JOB_BUNDLE_VARIABLE];
    delete process.env[PDF_TEXT_JOB_BUNDLE_VARIABLE];
    await bundle.dispose();
  };
}
