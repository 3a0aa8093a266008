/**
 * The plugins of the bundles built from the sources at run time
 * (bin/source-bundle.mjs): a CommonJS package imported statically or loaded
 * on first use with `import()` keeps its named exports in a split bundle,
 * as the CLI test bundle is built (test/helpers/cli-bundle-setup.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSourceBundleOptions } from '#test/helpers/cli-bundle-options.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(async () => {
  // Inside the repository, so the bundle's bare imports find node_modules.
  await mkdir(join(root, '.data'), { recursive: true });
  dir = await mkdtemp(join(root, '.data', 'source-bundle-'));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  // commander and the SDK's clients are in the plugin's list of CommonJS packages.
  await writeFile(
    join(dir, 'entry.ts'),
    [
      "import { Command } from 'commander';",
      'export const statically = typeof Command;',
      "export const onFirstUse = async () => typeof (await import('@aws-sdk/client-sqs')).SQSClient;",
    ].join('\n'),
  );
});

afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('packagesThroughRequire', () => {
  it("keeps a package's named exports whether it is imported or loaded with import()", async () => {
    // Act
    await esbuild.build({
      ...splitSourceBundleOptions(root),
      entryPoints: { main: join(dir, 'entry.ts') },
      outdir: join(dir, 'out'),
    });
    const bundle: { statically: string; onFirstUse: () => Promise<string> } = await import(
      pathToFileURL(join(dir, 'out', 'main.js')).href
    );
    // Assess
    expect(bundle.statically).toBe('function');
    // Through the one-line CommonJS chunk this was 'undefined': only `default` was exported.
    expect(await bundle.onFirstUse()).toBe('function');
  });
});
