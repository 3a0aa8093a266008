/**
 * Builds the web console (`console/`) into `console/dist/` with esbuild:
 * `npm run build`, and `npm start` when the bundle is missing or older than
 * its sources. Prints each output file's size.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fromRepoRoot } from '#infra/repo-paths.ts';

export const CONSOLE_DIR = fromRepoRoot('console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

const newestIn = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
};

/** True when `dist/index.html` is missing or older than any source, the ASL or this script. */
export const consoleIsStale = (): boolean => {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestIn(join(CONSOLE_DIR, 'src')),
    statSync(join(CONSOLE_DIR, 'index.html')).mtimeMs,
    statSync(fromRepoRoot('statemachines/extract.asl.json')).mtimeMs,
  );
  return sources > built;
};

export interface BuiltFile {
  readonly path: string;
  readonly bytes: number;
}

/** Bundles the console; answers every file written with its size. */
export const buildConsole = async (): Promise<BuiltFile[]> => {
  rmSync(CONSOLE_DIST, { recursive: true, force: true });
  const assets = join(CONSOLE_DIST, 'assets');
  mkdirSync(assets, { recursive: true });
  await build({
    entryPoints: [join(CONSOLE_DIR, 'src/main.tsx')],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: false,
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: assets,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    loader: { '.css': 'css' },
    logLevel: 'warning',
    legalComments: 'linked',
  });
  // pdf.js renders in its own worker, loaded by URL at run time.
  copyFileSync(
    fromRepoRoot('node_modules/pdfjs-dist/build/pdf.worker.min.mjs'),
    join(assets, 'pdf.worker.min.mjs'),
  );
  copyFileSync(join(CONSOLE_DIR, 'index.html'), join(CONSOLE_DIST, 'index.html'));
  const files: BuiltFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path: relative(CONSOLE_DIST, path), bytes: statSync(path).size });
    }
  };
  walk(CONSOLE_DIST);
  return files.sort((a, b) => a.path.localeCompare(b.path));
};

/** Builds when stale; answers whether it built. */
export const ensureConsoleBuilt = async (): Promise<boolean> => {
  if (!consoleIsStale()) return false;
  await buildConsole();
  return true;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildConsole();
  for (const file of files) {
    process.stdout.write(`${(file.bytes / 1024).toFixed(1).padStart(9)} KiB  ${file.path}\n`);
  }
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  process.stdout.write(`${(total / 1024).toFixed(1).padStart(9)} KiB  total in console/dist\n`);
}
