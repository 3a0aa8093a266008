/**
 * The esbuild settings every Lambda bundle is built with, defined once: the
 * CDK constructs (through NodejsFunction's options), the worker bundles
 * (through the esbuild command line) and the bench's bundles (through the
 * esbuild API, the hello-world baseline included) all derive theirs from here.
 * The AWS SDK is bundled, resolved to its ES build and tree-shaken (ADR 45).
 */
import { REQUIRE_BANNER } from './bundle-banner.ts';
import { fromRepoRoot } from './repo-paths.ts';

/**
 * The package.json `imports` condition under which `#adapters/aws-sdk/<package>.cjs`
 * resolves to the SDK package itself (its ES build) instead of the CommonJS shim
 * the local runtime and the tests load through tsx (ADR 45).
 */
export const BUNDLE_CONDITION = 'lambda-bundle';

/**
 * Packages the bundles take from a file of this repository instead:
 * `@smithy/node-http-handler` without its HTTP/2 handler, whose `node:http2`
 * import would otherwise load at init in every bundle with the Bedrock client
 * (ADR 59); and `semver`, which only the X-Ray SDK's AWS SDK v2 patcher
 * requires, as a stand-in that refuses every call (ADR 59, second amendment).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@smithy/node-http-handler': fromRepoRoot('adapters/aws-sdk/node-http-handler-http1.mjs'),
  semver: fromRepoRoot('functions/shared/xray-semver-stand-in.cjs'),
};

/** esbuild settings shared by every function and worker bundle. */
export const BUNDLE_SETTINGS = {
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  // Naming any condition drops esbuild's default `module` one, which is what picks the
  // ES build of @aws-sdk/core, @smithy/core and others from their `exports` maps.
  conditions: [BUNDLE_CONDITION, 'module'],
  minify: true,
  // tesseract.js finds its worker script through __dirname, which an ES bundle lacks:
  // it ships as node_modules of the load-document bundle instead (PAGE_RENDERER_MODULES).
  external: ['tesseract.js'],
  alias: BUNDLE_ALIASES,
  banner: REQUIRE_BANNER,
} as const;

/** The aliases as esbuild's `--alias:<package>=<path>` values, without the flag's name. */
export const bundleAliasValues = (): string[] =>
  Object.entries(BUNDLE_SETTINGS.alias).map(([name, path]) => `${name}=${path}`);

/** The same settings as esbuild command-line flags (worker bundles built after bundling). */
export const bundleSettingsFlags = (): string[] => [
  `--platform=${BUNDLE_SETTINGS.platform}`,
  `--target=${BUNDLE_SETTINGS.target}`,
  `--format=${BUNDLE_SETTINGS.format}`,
  `--main-fields=${BUNDLE_SETTINGS.mainFields.join(',')}`,
  `--conditions=${BUNDLE_SETTINGS.conditions.join(',')}`,
  ...(BUNDLE_SETTINGS.minify ? ['--minify'] : []),
  ...BUNDLE_SETTINGS.external.map((name) => `--external:${name}`),
  ...bundleAliasValues().map((value) => `"--alias:${value}"`),
  `"--banner:js=${BUNDLE_SETTINGS.banner}"`,
];
