/**
 * Every function bundle, built with the shared bundle settings
 * (infra/bundle-settings.ts), carries the AWS SDK inside it from the SDK's ES
 * build, where esbuild can tree-shake it, and loads none of it from the
 * runtime, neither by `import` nor by `require` (ADR 45, amending ADR 42). The
 * bench's hello-world baseline is built the same way. Also proves the check
 * reports a bundle that leaves the SDK external or bundles its CommonJS build.
 * The functions are built in one esbuild call (test/bench/function-outputs.ts),
 * whose outputs are each function's own build byte for byte: the first test
 * checks that against one function built alone.
 * (The file keeps its name from ADR 42's rule, which it replaces.)
 */
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { fromRepoRoot, functionEntry } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from '#test/bench/bundles.ts';
import { type FunctionOutput, functionOutputs } from '#test/bench/function-outputs.ts';

interface SdkInBundle {
  /** `@aws-sdk/*` packages the bundle leaves to the runtime (by import or require). */
  readonly external: string[];
  /** `@aws-sdk/*` packages bundled from their ES build (`dist-es`). */
  readonly esBuild: string[];
  /** `@aws-sdk/*` packages bundled from their CommonJS build (`dist-cjs`), which cannot be tree-shaken. */
  readonly cjsBuild: string[];
  /** The CommonJS shims of `adapters/aws-sdk/` (ADR 42) bundled in place of the SDK's ES build. */
  readonly shims: string[];
}

const sdkPackage = (path: string): string | undefined =>
  /node_modules\/(@aws-sdk\/[^/]+)\//.exec(path)?.[1];

/** How one bundle's metafile output gets its `@aws-sdk/*` packages. */
const sdkOf = (output: Metafile['outputs'][string]): SdkInBundle => {
  const unique = (names: (string | undefined)[]): string[] =>
    [...new Set(names.filter((name): name is string => name !== undefined))].sort();
  const inputs = Object.keys(output.inputs);
  return {
    external: unique(
      output.imports
        .filter((entry) => entry.external && entry.path.startsWith('@aws-sdk/'))
        .map((entry) => entry.path),
    ),
    esBuild: unique(inputs.filter((path) => path.includes('/dist-es/')).map(sdkPackage)),
    cjsBuild: unique(inputs.filter((path) => path.includes('/dist-cjs/')).map(sdkPackage)),
    shims: unique(inputs.map((path) => /adapters\/aws-sdk\/([\w-]+)\.cjs$/.exec(path)?.[1])),
  };
};

/** One bundle built on its own, with its code. */
const buildAlone = async (options: BuildOptions): Promise<FunctionOutput> => {
  const result = await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    ...options,
    outfile: 'out/index.mjs',
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  const code = result.outputFiles.find((file) => file.path.endsWith('index.mjs'))?.text;
  if (!output || code === undefined) throw new Error('esbuild produced no entry output');
  return { output, code };
};

/** How one bundle built on its own gets its `@aws-sdk/*` packages, from esbuild's metafile. */
const sdkInBundle = async (options: BuildOptions): Promise<SdkInBundle> =>
  sdkOf((await buildAlone(options)).output);

/** Every function's bundle, from one esbuild call shared by the tests below. */
let allFunctions: Promise<Map<string, FunctionOutput>> | undefined;
const functionBundle = async (name: string): Promise<FunctionOutput> => {
  allFunctions ??= functionOutputs();
  const built = (await allFunctions).get(name);
  if (!built) throw new Error(`no bundle for ${name}`);
  return built;
};

describe('the AWS SDK in function bundles', () => {
  it('the functions built in one call are each byte for byte the function built alone', async () => {
    // Act
    const together = await functionBundle('score');
    const alone = await buildAlone({ entryPoints: [functionEntry('score')] });

    // Assess
    expect(together.code).toBe(alone.code);
    expect(Object.keys(together.output.inputs)).toEqual(Object.keys(alone.output.inputs));
  }, 60_000);

  it.each(FUNCTION_NAMES)(
    '%s bundles the SDK from its ES build and loads none from the runtime',
    async (name) => {
      // Act
      const sdk = sdkOf((await functionBundle(name)).output);

      // Assess
      expect(sdk.external).toEqual([]);
      expect(sdk.cjsBuild).toEqual([]);
      expect(sdk.shims).toEqual([]);
      expect(sdk.esBuild).toContain('@aws-sdk/core');
    },
    60_000,
  );

  it("the bench's hello-world baseline bundles its S3 client the same way", async () => {
    // Act
    const sdk = await sdkInBundle({ entryPoints: [fromRepoRoot('test/bench/hello-handler.ts')] });

    // Assess
    expect(sdk.external).toEqual([]);
    expect(sdk.cjsBuild).toEqual([]);
    expect(sdk.shims).toEqual([]);
    expect(sdk.esBuild).toContain('@aws-sdk/client-s3');
    expect(sdk.esBuild).not.toContain('@aws-sdk/client-dynamodb');
  });

  it('reports a bundle that leaves the SDK to the runtime', async () => {
    // Prepare
    const stdin = {
      contents: "import { S3Client } from '@aws-sdk/client-s3'; export const client = S3Client;",
      loader: 'ts' as const,
      resolveDir: fromRepoRoot('functions/score'),
    };

    // Act
    const sdk = await sdkInBundle({ stdin, external: ['@aws-sdk/*'] });

    // Assess
    expect(sdk.external).toEqual(['@aws-sdk/client-s3']);
    expect(sdk.esBuild).toEqual([]);
  });

  it('reports a bundle built without the bundle condition: the CommonJS shim and SDK builds', async () => {
    // Prepare
    const stdin = {
      contents:
        "import { S3Client } from '#adapters/aws-sdk/client-s3.cjs'; export const client = S3Client;",
      loader: 'ts' as const,
      resolveDir: fromRepoRoot('functions/score'),
    };

    // Act
    const sdk = await sdkInBundle({ stdin, conditions: [] });

    // Assess
    expect(sdk.shims).toEqual(['client-s3']);
    expect(sdk.cjsBuild).toContain('@aws-sdk/core');
  });
});
