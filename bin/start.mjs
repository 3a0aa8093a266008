#!/usr/bin/env node
/**
 * What `npm start` runs: bundles `cli/start.ts` and the sources it imports
 * with esbuild, as they are at this start, into one file and runs that, so
 * Node loads one plain JavaScript file instead of resolving and transforming
 * some 300 modules through tsx's loader (ADR 52).
 *
 * - Built at every start (about a second), so it never runs older code than
 *   the sources; nothing is cached between starts.
 * - Packages stay external and load from node_modules; the CommonJS ones
 *   (the AWS SDK, aws-cdk-lib, commander, ...) through `require`, which
 *   spares Node 20 scanning their source for export names as an ES `import`
 *   of them does.
 * - Every bundled module keeps its own source file's URL as
 *   `import.meta.url`, so what the code finds next to itself (package.json,
 *   the ASL, prompts, workers, the DynamoDB Local launcher, `.data/`)
 *   resolves exactly as from source; workers still load their TypeScript
 *   job modules through tsx. Any other `import.meta` use fails the build.
 * - The file is written under `.data/start/` (inside the repository, so
 *   its bare imports find node_modules), one per process, and deleted once
 *   loaded; leftovers of a process killed while loading go at the next start.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';
import { packagesThroughRequire, sourceImportMetaUrl } from './source-bundle.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(REPO_ROOT, 'cli', 'start.ts');
const OUT_DIR = join(REPO_ROOT, '.data', 'start');
/** A leftover this old belongs to a process that did not live to delete it. */
const LEFTOVER_MS = 10 * 60_000;

const removeLeftovers = () => {
  for (const name of readdirSync(OUT_DIR)) {
    const path = join(OUT_DIR, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > LEFTOVER_MS) rmSync(path, { force: true });
    } catch {
      // Removed by another start meanwhile.
    }
  }
};

mkdirSync(OUT_DIR, { recursive: true });
removeLeftovers();
let bundled;
try {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The bundled CommonJS shims (adapters/aws-sdk/*.cjs) and the plugin above call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    outfile: join(OUT_DIR, 'start.mjs'),
    plugins: [packagesThroughRequire, sourceImportMetaUrl],
    logLevel: 'silent',
  });
  bundled = result.outputFiles[0].contents;
} catch (error) {
  const errors = error?.errors ?? [
    { text: error instanceof Error ? error.message : String(error) },
  ];
  const reasons = errors.map((e) =>
    e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text,
  );
  process.stderr.write(
    `npm start failed: cli/start.ts could not be bundled:\n${reasons.join('\n')}\n`,
  );
  process.exit(2);
} finally {
  // The build service is not needed again unless the web console is rebuilt (which starts it anew).
  await stop();
}
const file = join(OUT_DIR, `start-${process.pid}.mjs`);
writeFileSync(file, bundled);
try {
  await import(pathToFileURL(file).href);
} finally {
  rmSync(file, { force: true });
}
