/**
 * Vitest global setup of the `isolated` project: bundles the CLI once for
 * the run (what `medextractScript()` in test/helpers/cli-bundle.ts hands to
 * the CLI tests) and removes the bundle when the run ends. In watch mode
 * each re-run rebuilds it first, so a test never runs an older CLI than the
 * sources.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { TestProject } from 'vitest/node';
import { REQUIRE_BANNER } from '#infra/bundle-banner.ts';
import './cli-bundle.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `import.meta.url` becomes the module's own source URL; any other `import.meta` use is refused. */
const sourceUrlPlugin: esbuild.Plugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js)$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = await readFile(args.path, 'utf-8');
      const pinned = text.replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      );
      if (pinned.includes('import.meta')) {
        return {
          errors: [{ text: `${args.path}: only import.meta.url can be bundled for tests` }],
        };
      }
      return { contents: pinned, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * CommonJS packages the CLI imports (the AWS SDK, aws-cdk-lib, commander,
 * cli-table3, jstat, tesseract.js, the canvas): an ES
 * `import` of one makes Node 20 detect its format and scan its source for export
 * names (the cjs-module-lexer) before running it, about as much CPU again as
 * loading it (ADR 42). Each becomes a one-line CommonJS module in the bundle, so
 * the bundle `require`s the package instead: same module, same classes.
 */
const REQUIRED_PACKAGES =
  /^(@aws-sdk\/[^/]+|@smithy\/[^/]+|aws-cdk-lib(\/[^/]+)?|commander|cli-table3|jstat|tesseract\.js|@napi-rs\/canvas)$/;

const packagesThroughRequirePlugin: esbuild.Plugin = {
  name: 'commonjs-packages-through-require',
  setup(build) {
    build.onResolve({ filter: REQUIRED_PACKAGES }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'require-package' },
    );
    build.onLoad({ filter: /.*/, namespace: 'require-package' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

export interface CliBundle {
  /** Absolute path of the entry script. */
  readonly entry: string;
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
  const context = await esbuild.context({
    absWorkingDir: root,
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The SDK shims (adapters/aws-sdk/*.cjs, ADR 42) and the plugin above require their package.
    banner: { js: REQUIRE_BANNER },
    outdir,
    plugins: [packagesThroughRequirePlugin, sourceUrlPlugin],
    logLevel: 'error',
  });
  await context.rebuild();
  return {
    entry: join(outdir, 'main.js'),
    rebuild: async () => {
      await context.rebuild();
    },
    dispose: async () => {
      await context.dispose();
      await rm(outdir, { recursive: true, force: true });
    },
  };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bundle = await buildCliBundle();
  project.provide('medextractBundle', bundle.entry);
  project.onTestsRerun(() => bundle.rebuild());
  return () => bundle.dispose();
}
