/**
 * The ledger through the whole local stack: each odd key gets its outcome
 * (`.Pdf` processed, folder marker / other extension / unsafe key IGNORED,
 * an overwritten version never FAILED), a patient's name in a file name
 * appears in no execution history, execution record, log file or DLQ body,
 * and the roll-ups count what the ledger counts. (Lost notifications are
 * the chaos test's subject: a stop loses the in-memory queue.)
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, type LedgerEntry } from '#core/ledger/lifecycle.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { encryptedPdf, recordPdf } from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

const CANARY = 'Marbrey-Testcase, Quillon';
let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'medextract-ledger-'));
  stack = await startLocalStack({
    dataDir,
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    reconcile: { intervalMs: 1_000, graceSeconds: 1 },
    // Tables on the run's DynamoDB Local; the files this test reads are Step Functions' and logs'.
    sharedDynamoDb: sharedDynamoDb('ledger'),
  });
}, 120_000);
afterAll(() => stack?.stop());

const put = (key: string, body: Buffer) =>
  stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));

const ledger = async (): Promise<LedgerEntry[]> => {
  const out = await stack.clients.dynamodb.send(
    new ScanCommand({ TableName: stack.tables.ledger }),
  );
  return (out.Items ?? []) as LedgerEntry[];
};

const settleLedger = async (expected: number, ms = 90_000): Promise<LedgerEntry[]> => {
  const deadline = Date.now() + ms;
  for (;;) {
    await stack.settle();
    const entries = await ledger();
    if (entries.length >= expected && entries.every((e) => isTerminal(e.status))) return entries;
    if (Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
};

describe('the ledger on the whole local stack', () => {
  it('gives every odd key its outcome and keeps a patient name out of workflow state', async () => {
    // Prepare
    const pdf = await recordPdf();
    const uploads: Array<[string, Buffer]> = [
      ['incoming/Report.Pdf', pdf],
      ['incoming/folder/', Buffer.alloc(0)],
      ['incoming/notes.txt', Buffer.from('not a document')],
      ['incoming/a/../b.pdf', pdf],
      [`incoming/${CANARY} - APS.pdf`, Buffer.concat([pdf, Buffer.from('\n%canary\n')])],
      [`incoming/${CANARY} - locked.pdf`, await encryptedPdf()],
    ];
    // Act
    for (const [key, body] of uploads) await put(key, body);
    const entries = await settleLedger(uploads.length);
    // Assess: one terminal outcome per upload.
    const byKey = new Map(entries.map((e) => [e.key, e]));
    expect(entries.every((e) => isTerminal(e.status))).toBe(true);
    expect(byKey.get('incoming/Report.Pdf')?.status).toBe('SUCCEEDED');
    expect(byKey.get('incoming/folder/')).toMatchObject({
      status: 'IGNORED',
      reason: 'FOLDER_MARKER',
    });
    expect(byKey.get('incoming/notes.txt')).toMatchObject({
      status: 'IGNORED',
      reason: 'UNSUPPORTED_EXTENSION',
    });
    // Clients may normalise `..` before sending; if the key arrived as written it is refused.
    const dotted = byKey.get('incoming/a/../b.pdf');
    if (dotted) expect(dotted).toMatchObject({ status: 'IGNORED', reason: 'UNSAFE_KEY' });
    else expect(byKey.get('incoming/b.pdf')?.status).toBe('SUCCEEDED');
    expect(byKey.get(`incoming/${CANARY} - APS.pdf`)?.status).toBe('SUCCEEDED');
    expect(byKey.get(`incoming/${CANARY} - locked.pdf`)).toMatchObject({
      status: 'FAILED',
      reason: 'ENCRYPTED',
    });

    // Assess: the canary name is in no history, execution record, log file or DLQ body.
    const executions =
      (
        await stack.clients.sfn.send(
          new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn }),
        )
      ).executions ?? [];
    expect(executions.length).toBeGreaterThanOrEqual(3);
    for (const execution of executions) {
      const history = await stack.clients.sfn.send(
        new GetExecutionHistoryCommand({ executionArn: execution.executionArn ?? '' }),
      );
      expect(JSON.stringify(history.events)).not.toContain('Marbrey');
    }
    const dlq = await stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.extractionDlq, MaxNumberOfMessages: 10 }),
    );
    expect(dlq.Messages?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(dlq.Messages)).not.toContain('Marbrey');
    const files = [
      ...(await filesUnder(join(dataDir, 'stepfunctions'))),
      ...(await filesUnder(join(dataDir, 'logs'))),
    ];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(await readFile(file, 'utf8'), file).not.toContain('Marbrey');
    }
  }, 180_000);

  it('records an overwritten key as SUPERSEDED or processed, never FAILED', async () => {
    // Act: two versions of one key, back to back.
    const pdf = await recordPdf();
    await put('incoming/overwritten.pdf', Buffer.concat([pdf, Buffer.from('\n%v1\n')]));
    await put('incoming/overwritten.pdf', Buffer.concat([pdf, Buffer.from('\n%v2\n')]));
    const entries = (await settleLedger(8)).filter((e) => e.key === 'incoming/overwritten.pdf');
    // Assess
    expect(entries).toHaveLength(2);
    const [older, newer] = entries.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    expect(['SUPERSEDED', 'SUCCEEDED']).toContain(older?.status);
    expect(newer?.status).toBe('SUCCEEDED');
  }, 120_000);

  it('counts in the roll-ups exactly the SUCCEEDED and FAILED ledger entries', async () => {
    // Act
    const entries = await settleLedger(8);
    // Assess
    const rolledUp = (
      (await stack.clients.dynamodb.send(new ScanCommand({ TableName: stack.tables.metrics })))
        .Items ?? []
    )
      .filter((item) => item.pk === 'ALL')
      .reduce((sum, item) => sum + Number(item.documents ?? 0), 0);
    const finished = entries.filter((e) => e.status === 'SUCCEEDED' || e.status === 'FAILED');
    expect(rolledUp).toBe(finished.length);
  }, 120_000);
});
