/**
 * The load-document bundle with the page renderer, built as the CDK builds it
 * and proven to render: CDK's local esbuild step writes index.mjs, then the
 * renderer's node_modules are copied from this machine's node_modules (the
 * canvas with its linux-x64 binary, where the deployed bundle installs the
 * linux-arm64 one from the registry; no registry access here), the same
 * after-bundling commands copy the render worker and trim pdf.js, and a fresh
 * Node process loads index.mjs and renders one page of a scanned PDF with the
 * bundle's own worker and packages. Logs the zip size and the peak RSS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF_TEXT_JOB } from '#contracts/worker-bundles.ts';
import { DEFAULT_RENDER_OPTIONS, workerOptions } from '#functions/load-document/page-render.ts';
import { configFor } from '#infra/config.ts';
import {
  PAGE_RENDERER_MODULES,
  PipelineFunction,
  pageRendererCommands,
} from '#infra/constructs/pipeline-function.ts';
import { createApp } from '#infra/medextract-app.ts';
import { fromRepoRoot, REPO_ROOT } from '#infra/repo-paths.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

/** The canvas's prebuilt binary for this machine (the Lambda gets linux-arm64-gnu). */
const CANVAS_BINARY = `@napi-rs/canvas-${platform()}-${arch()}-gnu`;

/** `names` and every package they depend on, as npm would install them (tesseract.js has some). */
const withDependencies = (names: readonly string[]): string[] => {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const manifest = JSON.parse(
      readFileSync(fromRepoRoot(`node_modules/${name}/package.json`), 'utf8'),
    ) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...seen];
};

mkdirSync(fromRepoRoot('cdk.out'), { recursive: true });
const outdir = mkdtempSync(fromRepoRoot('cdk.out/test-render-bundle-'));
let bundleDir = '';

beforeAll(() => {
  // aws-cdk-lib's built-in CloudFormation validation only warns and never touches the
  // assets (test/infra/synth.ts); its engine would cost about 10 s of CPU to start.
  const app = createApp({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'RenderBundleTest', { env: { region: 'us-east-1' } });
  // Without bundlePageRenderer, which would `npm install` the arm64 packages from the registry.
  new PipelineFunction(stack, 'LoadDocument', {
    name: 'load-document',
    config: configFor('dev'),
    logsKey: new kms.Key(stack, 'LogsKey', { enableKeyRotation: true }),
    invocation: { kind: 'state-machine-task' },
  });
  app.synth();
  const assetDirs = readdirSync(outdir).filter(
    (entry) => entry.startsWith('asset.') && existsSync(join(outdir, entry, 'index.mjs')),
  );
  if (assetDirs.length !== 1) throw new Error(`Expected one bundle, found ${assetDirs.length}`);
  bundleDir = join(outdir, assetDirs[0] ?? '');
  // What `nodeModules` installs, copied from the local install instead.
  for (const name of withDependencies([...PAGE_RENDERER_MODULES, CANVAS_BINARY])) {
    cpSync(fromRepoRoot(`node_modules/${name}`), join(bundleDir, 'node_modules', name), {
      recursive: true,
      dereference: true,
    });
  }
  for (const command of pageRendererCommands(REPO_ROOT, bundleDir)) {
    execFileSync('sh', ['-c', command]);
  }
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const SCRIPT = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const started = performance.now();
const { handler } = await import(process.argv[2]);
const data = new Uint8Array(readFileSync(process.argv[3]));
const page = await new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./render-worker.mjs', process.argv[2]), {
    workerData: { data, pages: [1], options: ${JSON.stringify(workerOptions(DEFAULT_RENDER_OPTIONS))} },
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  let first;
  worker.on('message', (m) => {
    if (m.type === 'ready') return;
    if (m.type === 'page') first = m;
    else if (m.type === 'done') { void worker.terminate(); resolve(first); }
    else reject(new Error(m.name));
  });
  worker.on('error', reject);
  worker.on('exit', (code) => reject(new Error(\`render worker exited (\${code})\`)));
});
// The page OCR from the bundle's own trimmed tesseract.js, core and language data.
const tesseract = createRequire(process.argv[2])('tesseract.js');
const ocrStarted = performance.now();
const ocr = await tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
  langPath: new URL('./node_modules/@tesseract.js-data/eng/4.0.0_best_int', process.argv[2]).pathname,
  gzip: true,
  cacheMethod: 'none',
});
const read = await ocr.recognize(Buffer.from(page.data), {}, { blocks: true, text: true });
await ocr.terminate();
const words = (read.data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
console.log(JSON.stringify({
  handler: typeof handler,
  ocrText: read.data.text, ocrWords: words.length, ocrMs: Math.round(performance.now() - ocrStarted),
  width: page.width, height: page.height, bytes: page.data.byteLength,
  png: page.data[0] === 0x89 && page.data[1] === 0x50, bilevel: page.bilevel,
  renderMs: page.renderMs, totalMs: Math.round(performance.now() - started),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
`;

/** The pdf.js text worker's own bundle, started as pdf-text-worker.ts starts it: one job, one reply. */
const TEXT_SCRIPT = `
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
const data = new Uint8Array(readFileSync(process.argv[3]));
const worker = new Worker(new URL('./${PDF_TEXT_JOB.file}', process.argv[2]), {
  workerData: { pool: 'medextract:pdf-text' },
});
let ready = false;
const reply = await new Promise((resolve, reject) => {
  worker.on('message', (m) => {
    if (m.type === 'ready') ready = true;
    else if (m.id === 1) resolve(m.reply);
  });
  worker.on('error', reject);
  worker.postMessage({ id: 1, data, maxPages: 100 }, [data.buffer]);
});
await worker.terminate();
console.log(JSON.stringify({ ready, kind: reply.kind, pageCount: reply.pageCount, text: reply.pages?.[0]?.text ?? '' }));
`;

describe('load-document bundle with the page renderer', () => {
  it('extracts text with the pdf.js worker bundled beside index.mjs, and index.mjs holds no pdf.js', async () => {
    // Prepare
    const record = join(bundleDir, '..', `${Date.now()}-record.pdf`);
    writeFileSync(record, await recordPdf());
    const script = join(bundleDir, '..', `${Date.now()}-text.mjs`);
    writeFileSync(script, TEXT_SCRIPT);
    const main = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Act
    const result = spawnSync(
      process.execPath,
      [script, pathToFileURL(join(bundleDir, 'index.mjs')).href, record],
      { cwd: bundleDir, encoding: 'utf8', timeout: 60_000 },
    );

    // Assess
    expect(result.status, result.stderr).toBe(0);
    const reply = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    // The worker said it was ready (pdf.js loaded) before it replied.
    expect(reply).toMatchObject({ ready: true, kind: 'pages', pageCount: 1 });
    expect(reply.text.length).toBeGreaterThan(100);
    // pdf.js's API (GlobalWorkerOptions) is in the worker's bundle only.
    expect(main).not.toContain('GlobalWorkerOptions');
    expect(readFileSync(join(bundleDir, PDF_TEXT_JOB.file), 'utf8')).toContain(
      'GlobalWorkerOptions',
    );
  }, 90_000);

  it('holds the render worker, pdf.js trimmed and the canvas with its binary', () => {
    const core = join(bundleDir, 'node_modules/tesseract.js-core');
    expect(existsSync(join(core, 'tesseract-core-simd-lstm.wasm'))).toBe(true);
    expect(existsSync(join(core, 'tesseract-core-simd.wasm'))).toBe(false);
    expect(readdirSync(core).filter((file) => file.endsWith('.wasm.js'))).toEqual([]);
    expect(existsSync(join(bundleDir, 'node_modules/@tesseract.js-data/eng/4.0.0'))).toBe(false);
    expect(existsSync(join(bundleDir, 'render-worker.mjs'))).toBe(true);
    expect(existsSync(join(bundleDir, PDF_TEXT_JOB.file))).toBe(true);
    expect(existsSync(join(bundleDir, 'node_modules/pdfjs-dist/legacy/build/pdf.mjs'))).toBe(true);
    expect(existsSync(join(bundleDir, 'node_modules/pdfjs-dist/build'))).toBe(false);
    expect(existsSync(join(bundleDir, 'node_modules/pdfjs-dist/standard_fonts'))).toBe(true);
    const binaries = readdirSync(join(bundleDir, 'node_modules', CANVAS_BINARY)).filter((file) =>
      file.endsWith('.node'),
    );
    expect(binaries).toHaveLength(1);
  });

  it('loads in a fresh Node process and renders a page of a scanned PDF', async () => {
    // Prepare
    const scanned = join(bundleDir, '..', `${Date.now()}-scan.pdf`);
    writeFileSync(
      scanned,
      await scanPdf(await recordPdf(), { ...DEFAULT_SCAN_OPTIONS, fax: true }),
    );
    const script = join(bundleDir, '..', `${Date.now()}-render.mjs`);
    writeFileSync(script, SCRIPT);

    // Act
    const result = spawnSync(
      process.execPath,
      [script, pathToFileURL(join(bundleDir, 'index.mjs')).href, scanned],
      {
        cwd: bundleDir,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          DOCUMENTS_BUCKET: 'medextract-dev-documents',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    // Assess
    expect(result.status, result.stderr).toBe(0);
    const rendered = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    // A 1-bit fax page: rendered at the scan's own pixel size as a two-level PNG.
    expect(rendered).toMatchObject({ handler: 'function', png: true, bilevel: true });
    expect(rendered.ocrText).toContain('Patient');
    expect(rendered.ocrWords).toBeGreaterThan(20);
    expect(Math.max(rendered.width, rendered.height)).toBe(
      Math.round((DEFAULT_SCAN_OPTIONS.dpi * 792) / 72),
    );
    const zip = join(bundleDir, '..', 'load-document.zip');
    execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: bundleDir });
    const zipBytes = statSync(zip).size;
    expect(zipBytes).toBeGreaterThan(0);
    console.info(
      `load-document bundle: zip ${zipBytes} B (x64 canvas binary), render ${rendered.renderMs} ms, ` +
        `OCR ${rendered.ocrMs} ms (${rendered.ocrWords} words), ` +
        `peak RSS ${rendered.peakRssMb} MB, image ${rendered.bytes} B`,
    );
  }, 90_000);
});
