/**
 * Runs a probe script bundled with the function bundles' esbuild settings
 * (the same aliases and conditions as the CDK app), in a fresh Node process
 * with only the given environment, and hands back what it printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from '#test/bench/bundles.ts';

export interface ProbeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `source` (TypeScript) bundled as if it were a file of `functionDir` (repository-relative), then run. */
export const runBundledProbe = async (
  source: string,
  functionDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ProbeRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'medextract-probe-'));
  try {
    const outfile = join(dir, 'probe.mjs');
    await build({
      ...FUNCTION_BUNDLE_OPTIONS,
      stdin: { contents: source, loader: 'ts', resolveDir: fromRepoRoot(functionDir) },
      outfile,
    });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(pathToFileURL(outfile).href)});`,
      ],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
