/**
 * The esbuild settings of the CLI test bundle (cli-bundle-setup.ts): split
 * ES modules for Node, packages left to node_modules and loaded through
 * `require` where the plugin says so. The source-bundle test builds with the
 * same settings, so what it proves holds for the bundle the CLI tests run.
 */
import type { BuildOptions } from 'esbuild';
import { REQUIRE_BANNER } from '#infra/bundle-banner.ts';
import { packagesThroughRequire } from '../../bin/source-bundle.mjs';

export const splitSourceBundleOptions = (root: string) =>
  ({
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The SDK shims (adapters/aws-sdk/*.cjs, ADR 42) and the plugin require their package.
    banner: { js: REQUIRE_BANNER },
    plugins: [packagesThroughRequire],
    logLevel: 'error',
  }) satisfies BuildOptions;
