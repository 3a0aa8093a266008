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

// Inside the repository, so the bundle resolves the external @aws-sdk/* from node_modules.
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

  it('leaves the AWS SDK to the runtime, loaded through require (ADR 42)', () => {
    // Prepare
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Act
    const requiresSdk = /[\w$]+\(\s*["']@aws-sdk\/client-s3["']\s*\)/.test(code);
    const importsSdk = /from\s*["']@aws-sdk\//.test(code);

    // Assess
    expect(requiresSdk).toBe(true);
    expect(importsSdk).toBe(false);
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

/** Minified bytes per function before Powertools Tracer was added; no bundle may grow past them. */
const BUDGET_BYTES = {
  starter: 511_797,
  'load-document': 2_122_132,
  'select-variant': 506_079,
  // Split from invoke-model with the Tracer in: 408,005 bytes measured then (bench:bundles).
  'admit-model-call': 420_000,
  'invoke-model': 651_646,
  score: 643_294,
  'record-result': 551_174,
  'record-failure': 551_416,
  aggregator: 507_956,
} as const;

describe('function bundle sizes', () => {
  let sizes: Record<keyof typeof BUDGET_BYTES, BundleSize>;
  beforeAll(async () => {
    sizes = await measureBundles();
  }, 120_000);

  it.each(Object.entries(BUDGET_BYTES))('%s stays within %i bytes', (name, budget) => {
    expect(sizes[name as keyof typeof BUDGET_BYTES].bytes).toBeLessThanOrEqual(budget);
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
