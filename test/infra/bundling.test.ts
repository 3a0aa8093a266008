/**
 * The one test that really bundles: a single PipelineFunction built with local
 * esbuild (no Docker), checked for an ESM bundle with a source map and the
 * prompts folder beside it, then loaded by Node to prove the artifact imports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor } from '#infra/config.ts';
import { PipelineFunction } from '#infra/constructs/pipeline-function.ts';
import { createApp } from '#infra/medextract-app.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { type BundleSize, measureBundles } from '#test/bench/bundle-sizes.ts';

// Inside the repository, like every CDK asset directory of this app.
mkdirSync(fromRepoRoot('cdk.out'), { recursive: true });
const outdir = mkdtempSync(fromRepoRoot('cdk.out/test-bundling-'));
let bundleDir = '';

beforeAll(() => {
  // aws-cdk-lib's built-in CloudFormation validation only warns and never touches the
  // assets (test/infra/synth.ts); its engine would cost about 10 s of CPU to start.
  const app = createApp({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'BundlingTest', { env: { region: 'us-east-1' } });
  new PipelineFunction(stack, 'Score', {
    name: 'score',
    config: configFor('dev'),
    logsKey: new kms.Key(stack, 'LogsKey', { enableKeyRotation: true }),
    invocation: { kind: 'state-machine-task' },
    bundlePrompts: true,
  });
  app.synth();
  const assetDirs = readdirSync(outdir).filter(
    (entry) => entry.startsWith('asset.') && existsSync(join(outdir, entry, 'index.mjs')),
  );
  if (assetDirs.length !== 1) throw new Error(`Expected one bundle, found ${assetDirs.length}`);
  bundleDir = join(outdir, assetDirs[0] ?? '');
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundle', () => {
  it('is one ESM file with a source map and no sources inlined', () => {
    // Prepare
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Act
    const map: unknown = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8'));

    // Assess
    expect(code).toContain('createRequire');
    expect(code).toMatch(/export\s*\{[^}]*handler/);
    expect(map).toMatchObject({ version: 3 });
    expect(map).not.toHaveProperty('sourcesContent');
  });

  it('carries every prompt version next to index.mjs', () => {
    // Prepare
    const family = join(bundleDir, 'prompts', 'medical-record');

    // Act
    const versions = readdirSync(family)
      .filter((entry) => entry.startsWith('v'))
      .sort();

    // Assess
    expect(versions).toEqual(
      readdirSync(fromRepoRoot('prompts/medical-record'))
        .filter((entry) => entry.startsWith('v'))
        .sort(),
    );
    for (const version of versions) {
      expect(existsSync(join(family, version, 'metadata.json')), version).toBe(true);
      expect(existsSync(join(family, version, 'schema.json')), version).toBe(true);
    }
  });

  it('carries the AWS SDK inside, loading none of it from the runtime (ADR 45)', () => {
    // Prepare
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Act
    const requiresSdk = /[\w$]+\(\s*["']@aws-sdk\/client-[\w-]+["']\s*\)/.test(code);
    const importsSdk = /from\s*["']@aws-sdk\//.test(code);

    // Assess
    expect(requiresSdk).toBe(false);
    expect(importsSdk).toBe(false);
    // The S3 client's own code is in the bundle: its ES build's command class names survive minifying.
    expect(code).toContain('GetObjectCommand');
  });

  it("takes the HTTP handler package from the shared settings' alias, without node:http2 (ADR 59)", () => {
    // Prepare
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Act
    const { sources } = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };

    // Assess: the S3 client's HTTP/1.1 handler came through the alias's file, as on the CDK's command line.
    expect(
      sources.some((source) => source.endsWith('adapters/aws-sdk/node-http-handler-http1.mjs')),
    ).toBe(true);
    expect(sources.some((source) => source.endsWith('node-http-handler/dist-es/index.js'))).toBe(
      false,
    );
    expect(code).not.toMatch(/["']node:http2["']/);
  });

  it("takes semver from the shared settings' alias, the stand-in for the X-Ray SDK's v2 patcher (ADR 59)", () => {
    // Act
    const { sources } = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };

    // Assess: the X-Ray SDK is in the bundle, and its `require('semver')` reached the stand-in.
    expect(
      sources.some((source) => source.includes('aws-xray-sdk-core/dist/lib/patchers/aws_p.js')),
    ).toBe(true);
    expect(
      sources.some((source) => source.endsWith('functions/shared/xray-semver-stand-in.cjs')),
    ).toBe(true);
    expect(sources.some((source) => source.includes('node_modules/semver/'))).toBe(false);
  });

  it('imports under Node and exports the handler', () => {
    // Prepare
    const url = pathToFileURL(join(bundleDir, 'index.mjs')).href;
    const script = `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`;

    // Act
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundleDir,
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        DOCUMENTS_BUCKET: 'medextract-dev-documents',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('function');
  });
});

/**
 * Minified bytes per function with the AWS SDK bundled from its ES build
 * (ADR 45), as measured then (`npm run bench:bundles`) plus about 3 %: no
 * bundle may grow past them without a reason; record-result and
 * record-failure as measured without Powertools Idempotency (ADR 63: 708,856
 * and 556,542 bytes). Every bundle stays under 1.5 MB.
 */
const BUDGET_BYTES = {
  starter: 672_000,
  'load-document': 822_000,
  'select-variant': 640_000,
  'admit-model-call': 787_000,
  'invoke-model': 954_000,
  score: 902_000,
  'record-result': 730_000,
  'record-failure': 573_000,
  aggregator: 644_000,
  drift: 641_000,
  reconciler: 812_000,
} as const;

const MAX_BUNDLE_BYTES = 1_500_000;

describe('function bundle sizes', () => {
  let sizes: Record<keyof typeof BUDGET_BYTES, BundleSize>;
  beforeAll(async () => {
    sizes = await measureBundles();
  }, 120_000);

  it.each(Object.entries(BUDGET_BYTES))('%s stays within %i bytes', (name, budget) => {
    expect(sizes[name as keyof typeof BUDGET_BYTES].bytes).toBeLessThanOrEqual(budget);
  });

  it('keeps every function bundle under 1.5 MB', () => {
    for (const [name, size] of Object.entries(sizes)) {
      expect(size.bytes, name).toBeLessThan(MAX_BUNDLE_BYTES);
    }
  });

  it('bundles only the zod schemas in use', () => {
    // `import { z } from 'zod'` anywhere in a bundle pulls in all of zod
    // (about 450 KB); `import * as z` lets esbuild keep what is used.
    for (const [name, size] of Object.entries(sizes)) {
      expect(size.packages.zod ?? 0, name).toBeLessThan(150_000);
    }
  });

  it('carries the X-Ray SDK in every bundle, loaded only when tracing', () => {
    for (const [name, size] of Object.entries(sizes)) {
      expect(size.packages['aws-xray-sdk-core'] ?? 0, name).toBeGreaterThan(0);
    }
  });
});
