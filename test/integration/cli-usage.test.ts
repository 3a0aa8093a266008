/**
 * `medextract` answering mistakes plainly, as a user runs it (a subprocess):
 * non-PDF arguments refused before any stack starts, commands that need
 * `npm start` saying so instead of starting one, `--version`, `--stage`
 * checked, exit codes in `--help`, a DynamoDB endpoint for private stacks
 * that is not on loopback or does not answer. No local stack is started by
 * any of these: the data folder a stack would fill stays empty.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEDEXTRACT_BIN, medextractScript } from '#test/helpers/cli-bundle.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dataDir: string;
let dir: string;

/**
 * Runs the CLI as a subprocess: the run's bundle of it (test/helpers/cli-bundle.ts)
 * unless `script` says otherwise, such as `bin/medextract.mjs` as users run it.
 */
const medextract = (
  args: string[],
  env: Record<string, string> = {},
  script: string = medextractScript(),
): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: repo, timeout: 60_000, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir, ...env } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const NO_STACK = 'no local stack on 127.0.0.1; run npm start';

let bundleHelp: Promise<Run> | undefined;
/** The bundle's `--help`, run once for the two tests that read it (same arguments, same output). */
const helpFromBundle = (): Promise<Run> => {
  bundleHelp ??= medextract(['--help']);
  return bundleHelp;
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'medextract-usage-data-'));
  dir = await mkdtemp(join(tmpdir(), 'medextract-usage-'));
  await mkdir(join(dir, 'texts'));
  await writeFile(join(dir, 'texts', 'notes.txt'), 'not a pdf');
  await writeFile(join(dir, 'texts', 'renamed.pdf'), '# Markdown, named .pdf');
});

describe('medextract answers mistakes plainly', () => {
  it('prints its version from package.json, run as users run it (bin/medextract.mjs)', async () => {
    const run = await medextract(['--version'], {}, MEDEXTRACT_BIN);
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf-8'));
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  }, 60_000);

  it("leaves a command's own --version alone (the prompt version, not the CLI's)", async () => {
    const run = await medextract(['metrics', 'show', '--version', '9.9.9']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'medextract: --version 9.9.9 is not a bundled prompt version (1.0.0, 1.1.0, 2.0.0, 2.1.0, 2.2.0)\n',
    );
  }, 60_000);

  it('answers --help from bin/medextract.mjs exactly as from the bundle the other tests run', async () => {
    const [bin, bundle] = await Promise.all([
      medextract(['--help'], {}, MEDEXTRACT_BIN),
      helpFromBundle(),
    ]);
    expect(bin.code).toBe(0);
    expect(bundle.code).toBe(0);
    expect(bundle.stdout).toContain('Usage: medextract');
    expect(bundle.stdout).toBe(bin.stdout);
    expect(bundle.stderr).toBe(bin.stderr);
  }, 60_000);

  it('documents the exit codes in --help', async () => {
    const run = await helpFromBundle();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit codes:');
    expect(run.stdout).toMatch(/0 {2}done/);
    expect(run.stdout).toMatch(/1 {2}the work failed/);
    expect(run.stdout).toMatch(/2 {2}the command was used wrongly/);
  }, 60_000);

  it('refuses a non-PDF argument at once, naming no file, and starts no stack', async () => {
    const run = await medextract(['process', join(repo, 'README.md')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'medextract: argument 1: not a PDF (no %PDF- header in the first 1024 bytes)\n',
    );
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('refuses a folder whose .pdf file is not a PDF, a folder without PDFs and a missing file', async () => {
    const [renamed, empty, missing] = await Promise.all([
      medextract(['process', join(dir, 'texts')]),
      medextract(['process', dir]),
      medextract(['process', join(dir, 'missing.pdf')]),
    ]);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain('argument 1, a matching file: not a PDF');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('argument 1: the folder has no .pdf files');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('argument 1: no such file or folder');
    for (const run of [renamed, empty, missing]) {
      expect(run.stderr).not.toMatch(/EISDIR|ENOENT|Error:/);
      expect(run.stderr).not.toContain('renamed');
    }
  }, 60_000);

  it.each(
    [
      ['dlq', 'list'],
      ['dlq', 'redrive'],
      ['metrics', 'show'],
      ['experiments', 'list'],
      ['documents', 'list'],
      ['prompts', 'alias', 'show'],
      ['alerts'],
      ['logs'],
      ['logs', '--follow'],
    ].map((args) => [args.join(' '), args] as const),
  )(
    '%s says there is no running stack instead of starting one',
    async (_command, args) => {
      const run = await medextract([...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(NO_STACK);
      expect(run.stdout).toBe('');
      // The refusal is all it says, and nothing was started on the data folder.
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(readdirSync(dataDir)).toEqual([]);
    },
    60_000,
  );

  it("shows the last run's logs without a stack, says so, and picks one function", async () => {
    // Prepare: what a stopped stack leaves in the data folder
    const logs = await mkdtemp(join(tmpdir(), 'medextract-usage-logs-'));
    await mkdir(join(logs, 'logs'));
    const line = (at: string, message: string) =>
      JSON.stringify({ level: 'INFO', message, timestamp: at });
    await writeFile(
      join(logs, 'logs', 'starter.log'),
      `${line('2026-11-27T15:00:00.000Z', 'started')}\n${JSON.stringify({ _aws: { Timestamp: 1 } })}\n`,
    );
    await writeFile(
      join(logs, 'logs', 'score.log'),
      `${line('2026-11-27T15:00:01.000Z', 'scored')}\n`,
    );
    // Act
    const all = await medextract(['logs'], { MEDEXTRACT_DATA_DIR: logs });
    const one = await medextract(['logs', '--function', 'score'], { MEDEXTRACT_DATA_DIR: logs });
    const wrong = await medextract(['logs', '--function', 'nope'], { MEDEXTRACT_DATA_DIR: logs });
    // Assess
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('No local stack is running; these are the logs of the last run.');
    expect(all.stdout.trim().split('\n')).toEqual([
      `starter        ${line('2026-11-27T15:00:00.000Z', 'started')}`,
      `score          ${line('2026-11-27T15:00:01.000Z', 'scored')}`,
    ]);
    expect(one.stdout.trim()).toBe(line('2026-11-27T15:00:01.000Z', 'scored'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--function must be one of starter,');
  }, 60_000);

  it('refuses a MEDEXTRACT_DYNAMODB_ENDPOINT off loopback or not answering, and starts no stack', async () => {
    const pdf = join(repo, 'events', 'documents', 'aps-0001.pdf');
    const [remote, silent] = await Promise.all([
      medextract(['process', pdf], { MEDEXTRACT_DYNAMODB_ENDPOINT: 'http://192.0.2.1:8000' }),
      // Port 9 (discard) refuses at once on loopback.
      medextract(['process', pdf], { MEDEXTRACT_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' }),
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toBe(
      'medextract: MEDEXTRACT_DYNAMODB_ENDPOINT must be http://127.0.0.1:<port>, a DynamoDB Local on this machine\n',
    );
    expect(silent.code).toBe(2);
    expect(silent.stderr).toContain(
      'medextract: MEDEXTRACT_DYNAMODB_ENDPOINT: no DynamoDB answers at http://127.0.0.1:9',
    );
    for (const run of [remote, silent]) expect(run.stdout).toBe('');
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('refuses an unknown stage and names the known ones', async () => {
    const run = await medextract(['metrics', 'show', '--stage', 'qa']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "medextract: --stage must be one of dev, staging, prod (or omitted for the local stack); got 'qa'\n",
    );
  }, 60_000);

  it("takes the region of --stage dev from the stage's config (never 'Region is missing')", async () => {
    // Credentials and an endpoint that refuses at once: the call gets as far as the network.
    const run = await medextract(['metrics', 'show', '--stage', 'dev'], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('Region is missing');
    expect(run.stderr).toContain('ECONNREFUSED');
    // A plain message: no error class name in front of it.
    expect(run.stderr).toMatch(/^medextract: [a-z]/);
  }, 60_000);
});
