/**
 * `npm start` and `medextract invoke` as a user runs them: subprocesses with
 * their own data folder. npm start processes the samples, then picks up a PDF
 * dropped into the inbox, serves `medextract invoke` on its stack (found
 * through the data folder's stack.json, as the CLI finds it for a user) and
 * shuts down cleanly on SIGINT. `medextract invoke --ephemeral` starts a
 * private stack of its own and reports a handler error as JSON.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PDF_TEXT_JOB_BUNDLE_VARIABLE } from '#functions/load-document/pdf-text-worker.ts';
import { EXTRACTOR_JOB_BUNDLE_VARIABLE } from '#local/bedrock/extractor-pool.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The environment a user's shell gives npm start: without the test run's bundles of the worker jobs. */
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== EXTRACTOR_JOB_BUNDLE_VARIABLE && name !== PDF_TEXT_JOB_BUNDLE_VARIABLE,
    ),
  );
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    // The whole process group: npm, its shell and the stack.
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** Resolves with everything printed once `pattern` has appeared (or rejects after `ms`). */
const waitFor = (child: ChildProcess, output: { text: string }, pattern: RegExp, ms: number) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${output.text}`)),
      ms,
    );
    const check = () => {
      if (pattern.test(output.text)) {
        clearTimeout(timer);
        resolve(output.text);
      }
    };
    child.stdout?.on('data', check);
    check();
  });

/** `medextract invoke ...` on the data folder's stack (`--ephemeral` in `args`: a private one). */
const invoke = (args: string[], dataDir: string) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      'node',
      [medextractScript(), 'invoke', ...args],
      { cwd: repo, env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir }, timeout: 120_000 },
      (error, stdout) =>
        resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stdout }),
    );
  });

describe('npm start', () => {
  it('processes the samples, then a PDF dropped into the inbox, serves medextract invoke, and stops on Ctrl-C', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'medextract-start-'));
    const inbox = join(dataDir, 'inbox');
    const output = { text: '' };
    const child = spawn('npm', ['start', '--', '--free-ports', '--inbox', inbox], {
      cwd: repo,
      env: { ...userEnv(), MEDEXTRACT_DATA_DIR: dataDir },
      // Its own process group, so Ctrl-C can be sent to all of it as a terminal does.
      detached: true,
    });
    children.push(child);
    child.stdout.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    // Act: the samples
    await waitFor(child, output, /Watching .* for PDFs/, 150_000);
    // Assess
    expect(output.text).toContain('rule-based extractor, not an LLM');
    expect(output.text).toMatch(/aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ s3 cp/);
    // Every sample is extracted; one whose required field is empty or unverified waits for review.
    expect(
      output.text.match(/│ (aps|lab|dis|off)-\d{4}\.pdf\s+│ (SUCCEEDED|NEEDS_REVIEW)/g),
    ).toHaveLength(8);
    expect(
      output.text.match(/│ (aps|lab|dis|off)-\d{4}\.pdf\s+│ SUCCEEDED/g)?.length,
    ).toBeGreaterThan(0);
    // Assess: the HTTP API answers over the same stack, on 127.0.0.1 only
    const apiUrl = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output.text)?.[1];
    expect(apiUrl).toBeDefined();
    // Roll-ups follow the log delivery, as on AWS: every sample is counted once it arrives.
    const rolledUp = async () => {
      const metrics = await fetch(`${apiUrl}/api/metrics/prompts/v2.2.0`);
      expect(metrics.status).toBe(200);
      return metrics.json();
    };
    await expect
      .poll(rolledUp, { timeout: 30_000, interval: 500 })
      .toMatchObject({ metrics: { version: '2.2.0', documents: 8 } });
    // Act: a dropped file
    const dropped = join(dataDir, 'dropped.pdf');
    await writeFile(dropped, await recordPdf());
    await copyFile(dropped, join(inbox, 'from-inbox.pdf'));
    await waitFor(child, output, /from-inbox\.pdf\s+│ SUCCEEDED/, 60_000);
    // Act: one handler with a fixture event, then one with an event file, on npm start's stack
    const selected = await invoke(['select-variant', '--event', 'tasks/select-variant'], dataDir);
    const started = await invoke(['starter', '--event', 'events/sqs/s3-test-event.json'], dataDir);
    // Assess
    expect(selected.code).toBe(0);
    expect(JSON.parse(selected.stdout)).toMatchObject({
      function: 'select-variant',
      stage: 'local',
      result: { promptVersion: '2.2.0', experimentId: null, arm: null, resolvedBy: 'alias' },
    });
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ result: { batchItemFailures: [] } });
    // Act: Ctrl-C, to the whole foreground process group as a terminal sends it
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    if (child.pid) process.kill(-child.pid, 'SIGINT');
    // Assess: the stack stopped cleanly; npm itself ends by the signal, as in a terminal.
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(output.text).toContain('Stopped. Data kept in');
  }, 240_000);
});

describe('medextract invoke --ephemeral', () => {
  it('reports a handler error as JSON with exit code 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'medextract-invoke-'));
    // An event of our own (not a fixture, so nothing is put in place for it)
    // naming a document id the ledger has never seen.
    const event = join(dataDir, 'unknown-document.json');
    const unknownId = 'f'.repeat(64);
    await writeFile(
      event,
      JSON.stringify({
        documentId: unknownId,
        executionId: `arn:aws:states:us-east-1:123456789012:execution:medextract-local-extract:${unknownId}`,
        attempt: 0,
      }),
    );
    // No `npm start` runs on this data folder: the call starts its own stack.
    const { code, stdout } = await invoke(
      ['load-document', '--event', event, '--ephemeral'],
      dataDir,
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      function: 'load-document',
      error: { name: 'UnknownDocument' },
    });
  }, 150_000);
});
