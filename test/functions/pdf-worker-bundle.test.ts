/**
 * The capped pdf.js worker from a function bundle: bundled the way
 * PipelineFunction bundles (ESM, SDK external, the same createRequire
 * banner), the parent bundle carries no pdf.js and starts the worker's own
 * bundle beside it (contracts/worker-bundles.ts), which extracts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PDF_TEXT_JOB } from '#contracts/worker-bundles.ts';
import { REQUIRE_BANNER } from '#infra/bundle-banner.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

mkdirSync(fromRepoRoot('cdk.out'), { recursive: true });
const dir = mkdtempSync(fromRepoRoot('cdk.out/test-pdf-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pdf.js worker in a bundle', () => {
  it('extracts a record and stops the bomb fixture when bundled', async () => {
    // Prepare
    const options: BuildOptions & { metafile: true } = {
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['@aws-sdk/*'],
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      metafile: true,
    };
    const parent = await build({
      ...options,
      entryPoints: [fromRepoRoot('functions/load-document/pdf-inspection.ts')],
      outfile: join(dir, 'index.mjs'),
    });
    await build({
      ...options,
      entryPoints: [fromRepoRoot(PDF_TEXT_JOB.entry)],
      outfile: join(dir, PDF_TEXT_JOB.file),
    });
    const parentInputs = Object.keys(parent.metafile.inputs);
    writeFileSync(join(dir, 'record.pdf'), await recordPdf());
    writeFileSync(
      join(dir, 'run.mjs'),
      [
        "import { readFileSync } from 'node:fs';",
        "import { inspectPdf } from './index.mjs';",
        'for (const file of process.argv.slice(2)) {',
        '  const outcome = await inspectPdf(readFileSync(file)).then(',
        "    (r) => 'OK ' + r.pageCount,",
        '    (e) => e.reason ?? e.name,',
        '  );',
        '  console.log(outcome);',
        '}',
      ].join('\n'),
    );

    // Act
    const run = spawnSync(
      process.execPath,
      [
        join(dir, 'run.mjs'),
        join(dir, 'record.pdf'),
        fromRepoRoot('test/fixtures/decompression-bomb.pdf'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );

    // Assess
    expect(parentInputs.filter((input) => input.includes('node_modules/unpdf'))).toEqual([]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['OK 1', 'DECOMPRESSION_LIMIT']);
  }, 90_000);
});
