/**
 * Every function bundle, built with the CDK app's esbuild settings, loads the
 * AWS SDK through `require` and never with an ES import (ADR 42): on Node 20
 * an ES import of a CommonJS SDK package costs about as much CPU again as
 * loading it. The bench's hello-world baseline loads its client the same way,
 * so the cold-init ratio compares like with like. Also proves the check
 * reports an ES import when there is one.
 */
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { fromRepoRoot, functionEntry } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from '#test/bench/bundles.ts';

interface SdkImports {
  /** SDK packages the bundle loads with an ES `import`. */
  readonly imported: string[];
  /** SDK packages the bundle loads with `require`. */
  readonly required: string[];
}

/** The external `@aws-sdk/*` packages of one bundle, by how the bundle loads them. */
const sdkImports = async (options: BuildOptions): Promise<SdkImports> => {
  const result = await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    ...options,
    outfile: 'out/index.mjs',
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  if (!output) throw new Error('esbuild produced no entry output');
  const sdk = output.imports.filter(
    (entry) => entry.external && entry.path.startsWith('@aws-sdk/'),
  );
  const unique = (kind: string): string[] =>
    [...new Set(sdk.filter((entry) => entry.kind === kind).map((entry) => entry.path))].sort();
  return { imported: unique('import-statement'), required: unique('require-call') };
};

describe('the AWS SDK in function bundles', () => {
  it.each(FUNCTION_NAMES)(
    '%s requires the SDK and imports none of it',
    async (name) => {
      // Act
      const { imported, required } = await sdkImports({ entryPoints: [functionEntry(name)] });

      // Assess
      expect(imported).toEqual([]);
      expect(required.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it("the bench's hello-world baseline requires its S3 client and imports no SDK", async () => {
    // Act
    const { imported, required } = await sdkImports({
      entryPoints: [fromRepoRoot('test/bench/hello-handler.ts')],
    });

    // Assess
    expect(imported).toEqual([]);
    expect(required).toEqual(['@aws-sdk/client-s3']);
  });

  it('reports a bundle that imports the SDK with an ES import', async () => {
    // Prepare
    const stdin = {
      contents: "import { S3Client } from '@aws-sdk/client-s3'; export const client = S3Client;",
      loader: 'ts' as const,
      resolveDir: fromRepoRoot('functions/score'),
    };

    // Act
    const { imported, required } = await sdkImports({ stdin });

    // Assess
    expect(imported).toEqual(['@aws-sdk/client-s3']);
    expect(required).toEqual([]);
  });
});
