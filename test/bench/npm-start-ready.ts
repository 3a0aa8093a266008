/**
 * `npm start` as a user runs it, from the command to its "local stack ready"
 * line, `rounds` times on fresh data folders: `npx tsx
 * test/bench/npm-start-ready.ts [--rounds n] [--repo dir]`. Each round runs
 * `npm start -- --once --no-samples --free-ports` under `/usr/bin/time` and
 * prints the milliseconds to the ready line, the whole run's wall time and
 * its CPU (user + sys, npm and every child process included). `--repo`
 * points at another checkout (an earlier commit) to compare in the same hour.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromRepoRoot } from '#infra/repo-paths.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    repo: { type: 'string', default: fromRepoRoot('.') },
  },
});

interface Round {
  readonly readyMs: number;
  readonly wallMs: number;
  readonly cpuSeconds: number;
}

const round = (repo: string): Promise<Round> =>
  new Promise((resolve, reject) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medextract-ready-'));
    const started = Date.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'CPU %U %S', 'npm', 'start', '--', '--once', '--no-samples', '--free-ports'],
      { cwd: repo, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir } },
    );
    let stdout = '';
    let stderr = '';
    let readyMs: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (readyMs === undefined && /local stack ready/.test(stdout)) readyMs = Date.now() - started;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || readyMs === undefined || !cpu) {
        reject(new Error(`npm start exited ${code} without a ready line:\n${stdout}\n${stderr}`));
        return;
      }
      resolve({
        readyMs,
        wallMs: Date.now() - started,
        cpuSeconds: Number(cpu[1]) + Number(cpu[2]),
      });
    });
  });

console.log(`npm start in ${values.repo}, load ${loadavg()[0]?.toFixed(1)}`);
for (let i = 0; i < Number(values.rounds); i += 1) {
  const { readyMs, wallMs, cpuSeconds } = await round(values.repo);
  console.log(
    `round ${i + 1}: ready line after ${readyMs} ms, run ${wallMs} ms, CPU ${cpuSeconds.toFixed(2)} s`,
  );
}
