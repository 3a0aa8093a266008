/**
 * `npx medextract process ... --json` as a user runs it: a subprocess that
 * starts its own local stack (no `npm start` runs on its data folder), takes
 * a folder's PDFs, prints one JSON array, reports progress on stderr and
 * exits 0 when every file succeeded, 1 when any failed, 2 on usage errors.
 * Its private stack keeps its tables on the DynamoDB Local that
 * MEDEXTRACT_DYNAMODB_ENDPOINT names (the run's shared one; for the folder
 * run, through a proxy that records every call), under a stage of its own
 * whose tables are gone when the command ends, also when it is interrupted.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { stageTableNames } from '#cli/ephemeral-dynamodb.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { recordPdf, truncatedPdf } from '#test/helpers/pdf-fixtures.ts';
import {
  type RecordingProxy,
  startRecordingProxy,
} from '#test/helpers/recording-dynamodb-proxy.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const medextract = (args: string[], dynamodb: string = inject('sharedDynamoDbEndpoint')) =>
  new Promise<Run>((resolve) => {
    execFile(
      'node',
      [medextractScript(), ...args],
      {
        cwd: repo,
        timeout: 180_000,
        env: {
          ...process.env,
          MEDEXTRACT_DATA_DIR: dataDir,
          MEDEXTRACT_DYNAMODB_ENDPOINT: dynamodb,
        },
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

let dir: string;
let dataDir: string;
let proxy: RecordingProxy;
let folderRun: Promise<Run> | undefined;
/** The folder's run, once, through the recording proxy (two tests read it). */
const processFolder = (): Promise<Run> => {
  folderRun ??= medextract(['process', dir, '--json'], proxy.endpoint);
  return folderRun;
};

/** The stage whose tables the subprocess created through `through`. */
const stageOf = (through: RecordingProxy): string => {
  const created = through.calls.find((call) => call.operation === 'CreateTable');
  return /^medextract-(eph-[0-9a-f]{8})-/.exec(created?.tables[0] ?? '')?.[1] ?? '';
};

/** Each table that still exists on the shared DynamoDB Local, null for one that does not. */
const tablesLeft = async (names: readonly string[]): Promise<Array<string | null>> => {
  const client = new DynamoDBClient({
    endpoint: inject('sharedDynamoDbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await Promise.all(
      names.map((name) =>
        client.send(new DescribeTableCommand({ TableName: name })).then(
          () => name,
          (error: Error) => (error.name === 'ResourceNotFoundException' ? null : error.message),
        ),
      ),
    );
  } finally {
    client.destroy();
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medextract-cli-'));
  dataDir = await mkdtemp(join(tmpdir(), 'medextract-cli-data-'));
  await writeFile(join(dir, 'office note.pdf'), await recordPdf());
  // A PDF header with a broken body: it passes the CLI's check and fails in the pipeline.
  await writeFile(join(dir, 'truncated.PDF'), await truncatedPdf());
  proxy = await startRecordingProxy(inject('sharedDynamoDbEndpoint'));
});

afterAll(async () => proxy?.close());

describe('medextract process', () => {
  it('prints one JSON object per file of a folder and exits 1 when one failed', async () => {
    // Act
    const { code, stdout, stderr } = await processFolder();
    // Assess
    expect(code).toBe(1);
    // Progress off a terminal: plain lines on stderr, the last one for the whole batch.
    expect(stderr).toContain('process: 2/2 documents done');
    const results: Array<Record<string, unknown>> = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      file: join(dir, 'office note.pdf'),
      key: 'incoming/office note.pdf',
      status: 'SUCCEEDED',
      reason: null,
      promptVersion: '2.2.0',
    });
    expect(results[0]?.documentId).toMatch(/^[0-9a-f]{64}$/);
    expect(results[0]?.completeness).toBeGreaterThan(0.5);
    expect(results[0]?.fields).toMatchObject({ patient: { name: 'Quillon Marbrey-Testcase' } });
    // Evidence beside the fields: the name's quote found verbatim on page 1, with its box.
    const evidence = results[0]?.evidence as Record<
      string,
      { page: number; match: string; bbox: unknown }
    >;
    expect(evidence['patient.name']).toMatchObject({ page: 1, match: 'exact' });
    expect(evidence['patient.name']?.bbox).toMatchObject({ width: expect.any(Number) });
    expect(Object.keys(results[0]?.confidence as object)).toEqual(Object.keys(evidence));
    expect(results[0]?.review).toMatchObject({ required: expect.any(Boolean) });
    // The ledger outcome follows the review verdict.
    const review = results[0]?.review as { required: boolean };
    expect(results[0]?.outcome).toBe(review.required ? 'NEEDS_REVIEW' : 'SUCCEEDED');
    expect(results[1]).not.toHaveProperty('evidence');
    expect(results[1]).toMatchObject({
      key: 'incoming/truncated.PDF',
      status: 'FAILED',
      reason: 'INVALID_PDF',
      fields: null,
    });
    expect(Object.keys(results[1] ?? {}).sort()).toEqual([
      'completeness',
      'documentId',
      'fields',
      'file',
      'key',
      'outcome',
      'promptVersion',
      'reason',
      'status',
    ]);
    expect(results[1]?.outcome).toBe('FAILED');
  }, 200_000);

  it("keeps its private stack's tables under a stage of its own and deletes them when it ends", async () => {
    // Act
    const { code } = await processFolder();
    const created = proxy.calls.filter((call) => call.operation === 'CreateTable');
    const stage = stageOf(proxy);
    const names = stageTableNames(stage);
    const left = await tablesLeft(names);

    // Assess
    expect(code).toBe(1);
    expect(stage).toMatch(/^eph-[0-9a-f]{8}$/);
    expect(created.flatMap((call) => call.tables).sort()).toEqual([...names].sort());
    // It worked there: the ledger and the result rows of its documents were written on that stage.
    const written = proxy.calls
      .filter((call) => /^(PutItem|UpdateItem|TransactWriteItems)$/.test(call.operation))
      .flatMap((call) => call.tables);
    expect(written).toEqual(expect.arrayContaining([`medextract-${stage}-ledger`]));
    expect(written).toEqual(expect.arrayContaining([`medextract-${stage}-results`]));
    // Its last calls deleted every table of the stage, and none is left.
    const deletes = proxy.calls.slice(-names.length);
    expect(deletes.map((call) => call.operation)).toEqual(names.map(() => 'DeleteTable'));
    expect(deletes.flatMap((call) => call.tables).sort()).toEqual([...names].sort());
    expect(left).toEqual(names.map(() => null));
  }, 200_000);

  it('deletes its tables and exits 130 when interrupted (Ctrl-C) while it works', async () => {
    // Prepare
    const interrupted = await startRecordingProxy(inject('sharedDynamoDbEndpoint'));
    const child = spawn(
      process.execPath,
      [medextractScript(), 'process', join(dir, 'office note.pdf')],
      {
        cwd: repo,
        env: {
          ...process.env,
          MEDEXTRACT_DATA_DIR: dataDir,
          MEDEXTRACT_DYNAMODB_ENDPOINT: interrupted.endpoint,
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The stack is up and working once the upload's ledger entry is written.
    await vi.waitUntil(
      () =>
        interrupted.calls.some(
          (call) =>
            /^(PutItem|UpdateItem|TransactWriteItems)$/.test(call.operation) &&
            call.tables.some((table) => table.endsWith('-ledger')),
        ),
      { timeout: 150_000, interval: 20 },
    );
    const signalledAt = interrupted.calls.length;

    // Act
    child.kill('SIGINT');
    const code = await exited;
    await interrupted.close();

    // Assess
    const stage = stageOf(interrupted);
    const names = stageTableNames(stage);
    expect(stage).toMatch(/^eph-[0-9a-f]{8}$/);
    expect(code).toBe(130);
    const deleted = interrupted.calls
      .slice(signalledAt)
      .filter((call) => call.operation === 'DeleteTable')
      .flatMap((call) => call.tables);
    expect(deleted.sort()).toEqual([...names].sort());
    expect(await tablesLeft(names)).toEqual(names.map(() => null));
  }, 200_000);

  it('exits 0 when every file succeeded', async () => {
    const { code, stdout } = await medextract(['process', join(dir, 'office note.pdf')]);
    expect(code).toBe(0);
    expect(stdout).toContain('SUCCEEDED');
  }, 200_000);

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await medextract(['process', join(dir, 'missing.pdf')]);
    expect(code).toBe(2);
    expect(stderr).toContain('argument 1: no such file or folder');
  }, 60_000);
});
