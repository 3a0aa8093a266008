/**
 * The whole local stack as a user runs it (the command `npm start` runs,
 * package.json's start script, a subprocess in its own process group), 40
 * uploads, and two kinds of stop mid-run: Ctrl-C to the process group, then
 * SIGKILL. npm's own wrapper process is left out (the stack sees the same
 * signals without it; npm-start.test.ts runs `npm start` itself through a
 * Ctrl-C). After each restart every upload reaches exactly one ledger
 * outcome, no document is executed to completion twice, and the roll-ups
 * count exactly what the ledger counts after either stop: EMF records are
 * journaled before the aggregator sees them (as CloudWatch Logs keeps them
 * on AWS) and a document is counted once, by its latest attempt. Prints the
 * figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { isTerminal, type LedgerStatus } from '#core/ledger/lifecycle.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Uploads per phase, and outcomes before each stop. A stop lands with
 * documents done, in flight and still queued whether 100 or 40 were
 * uploaded; 40 keep all three and cost the run less than half the work.
 */
const DOCUMENTS = 40;
const STOP_AFTER = 12;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** package.json's start script, `node <script>`: run with this Node, arguments as after `npm start --`. */
const START_SCRIPT = (
  JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start.split(' ');
if (START_SCRIPT[0] !== 'node') throw new Error(`npm start runs ${START_SCRIPT.join(' ')}`);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly output: { text: string };
}

const start = async (dataDir: string): Promise<Running> => {
  const output = { text: '' };
  const child = spawn(
    process.execPath,
    [...START_SCRIPT.slice(1), '--free-ports', '--no-samples', '--inbox', join(dataDir, 'inbox')],
    {
      cwd: repo,
      env: {
        ...process.env,
        MEDEXTRACT_DATA_DIR: dataDir,
        MEDEXTRACT_RETRY_SCALE: '0.01',
        MEDEXTRACT_RECONCILE_INTERVAL_MS: '2000',
        MEDEXTRACT_RECONCILE_GRACE_SECONDS: '2',
      },
      detached: true,
    },
  );
  children.push(child);
  child.stdout?.on('data', (chunk: Buffer) => {
    output.text += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 150_000;
  while (!/Watching .* for PDFs/.test(output.text)) {
    if (Date.now() > deadline) throw new Error(`the stack did not get ready:\n${output.text}`);
    if (child.exitCode !== null) throw new Error(`the stack exited:\n${output.text}`);
    await sleep(200);
  }
  return { child, exited, output };
};

interface StackFile {
  readonly endpoints: { s3: string; dynamodb: string; stepfunctions: string };
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly tables: { ledger: string; metrics: string };
}

const clientsOf = async (dataDir: string) => {
  const stack = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8')) as StackFile;
  const local = { region: 'us-east-1', credentials };
  return {
    stack,
    s3: new S3Client({
      ...local,
      endpoint: stack.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    sfn: new SFNClient({ ...local, endpoint: stack.endpoints.stepfunctions }),
    dynamodb: DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...local, endpoint: stack.endpoints.dynamodb }),
    ),
  };
};
type Clients = Awaited<ReturnType<typeof clientsOf>>;

const scanAll = async (clients: Clients, table: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await clients.dynamodb.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const ledgerStatuses = async (clients: Clients): Promise<LedgerStatus[]> =>
  (await scanAll(clients, clients.stack.tables.ledger)).map((item) => item.status as LedgerStatus);

const outcomes = async (clients: Clients): Promise<number> =>
  (await ledgerStatuses(clients)).filter(isTerminal).length;

const waitForOutcomes = async (clients: Clients, atLeast: number, ms: number): Promise<number> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const done = await outcomes(clients).catch(() => 0);
    if (done >= atLeast) return done;
    if (Date.now() > deadline) return done;
    // Each look is a full scan of the ledger: once a second is enough to land a stop mid-run.
    await sleep(1_000);
  }
};

/** Documents counted by the roll-ups, and SUCCEEDED + FAILED entries in the ledger. */
const countsOf = async (clients: Clients) => {
  const rolledUp = (await scanAll(clients, clients.stack.tables.metrics))
    .filter((item) => item.pk === 'ALL')
    .reduce((sum, item) => sum + Number(item.documents ?? 0), 0);
  const finished = (await ledgerStatuses(clients)).filter(
    (s) => s === 'SUCCEEDED' || s === 'FAILED',
  ).length;
  return { rolledUp, finished };
};

describe('chaos: Ctrl-C and SIGKILL mid-run on the whole local stack', () => {
  it(`gives every one of ${DOCUMENTS} uploads in each phase one outcome after each kind of stop`, async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'medextract-chaos-'));
    const base = await recordPdf('Chaos Example-Person');
    let running = await start(dataDir);
    let clients = await clientsOf(dataDir);
    for (let i = 0; i < DOCUMENTS; i += 1) {
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: clients.stack.bucket,
          Key: `incoming/chaos/doc-${String(i).padStart(3, '0')}.pdf`,
          Body: Buffer.concat([base, Buffer.from(`\n%${i}\n`)]),
        }),
      );
    }

    // Act 1: Ctrl-C to the whole process group once STOP_AFTER have an outcome.
    const beforeInt = await waitForOutcomes(clients, STOP_AFTER, 120_000);
    killGroup(running.child, 'SIGINT');
    await running.exited;
    const restartedAt = Date.now();
    running = await start(dataDir);
    clients = await clientsOf(dataDir);
    const afterInt = await waitForOutcomes(clients, DOCUMENTS, 240_000);
    const recoverIntMs = Date.now() - restartedAt;
    await sleep(3_000);
    const afterIntCounts = await countsOf(clients);

    // Act 2: more uploads, SIGKILL mid-run, restart.
    for (let i = DOCUMENTS; i < 2 * DOCUMENTS; i += 1) {
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: clients.stack.bucket,
          Key: `incoming/chaos/doc-${String(i).padStart(3, '0')}.pdf`,
          Body: Buffer.concat([base, Buffer.from(`\n%${i}\n`)]),
        }),
      );
    }
    const beforeKill = await waitForOutcomes(clients, DOCUMENTS + STOP_AFTER, 120_000);
    killGroup(running.child, 'SIGKILL');
    await running.exited;
    const killedAt = Date.now();
    running = await start(dataDir);
    clients = await clientsOf(dataDir);
    const afterKill = await waitForOutcomes(clients, 2 * DOCUMENTS, 240_000);
    const recoverKillMs = Date.now() - killedAt;
    // Let the last EMF lines reach the aggregator.
    await sleep(3_000);

    // Assess
    const statuses = await ledgerStatuses(clients);
    const executions = [];
    let token: string | undefined;
    do {
      const page = await clients.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: clients.stack.stateMachineArn,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      executions.push(...(page.executions ?? []));
      token = page.nextToken;
    } while (token);
    const succeededPerDocument = new Map<string, number>();
    for (const execution of executions) {
      if (execution.status !== 'SUCCEEDED') continue;
      const id = (execution.name ?? '').slice(0, 64);
      succeededPerDocument.set(id, (succeededPerDocument.get(id) ?? 0) + 1);
    }
    const { rolledUp, finished } = await countsOf(clients);
    console.info(
      `chaos: SIGINT after ${beforeInt} outcomes -> ${afterInt}/${DOCUMENTS} after restart in ${(recoverIntMs / 1000).toFixed(1)} s; ` +
        `SIGKILL after ${beforeKill} -> ${afterKill}/${2 * DOCUMENTS} in ${(recoverKillMs / 1000).toFixed(1)} s; ` +
        `${executions.length} executions; roll-ups vs ledger ${afterIntCounts.rolledUp}/${afterIntCounts.finished} after SIGINT, ` +
        `${rolledUp}/${finished} after SIGKILL`,
    );
    expect(statuses).toHaveLength(2 * DOCUMENTS);
    expect(afterInt).toBeGreaterThanOrEqual(DOCUMENTS);
    // Every upload is valid: a stop delays work, it never fails a document.
    // Anything else is printed with its reason and attempt before failing.
    const notSucceeded = (await scanAll(clients, clients.stack.tables.ledger))
      .filter((item) => item.status !== 'SUCCEEDED')
      .map(
        (item) => `${String(item.status)} ${String(item.reason)} attempt ${String(item.attempt)}`,
      );
    console.info(`chaos: ${notSucceeded.length} not SUCCEEDED: ${notSucceeded.join('; ')}`);
    expect(notSucceeded).toEqual([]);
    expect(statuses.every((s) => s === 'SUCCEEDED')).toBe(true);
    // No execution ended FAILED: a stop aborts what runs (ABORTED), it never fails it.
    const failedExecutions = executions.filter((execution) => execution.status === 'FAILED');
    expect(failedExecutions.map((execution) => execution.name)).toEqual([]);
    expect([...succeededPerDocument.values()].filter((n) => n > 1)).toEqual([]);
    // A document without a SUCCEEDED execution was killed after RecordResult wrote its
    // outcome and before the execution's end was persisted: it must show as ABORTED.
    const aborted = new Set(
      executions
        .filter((execution) => execution.status === 'ABORTED')
        .map((execution) => (execution.name ?? '').slice(0, 64)),
    );
    const ids = (await scanAll(clients, clients.stack.tables.ledger)).map((item) =>
      String(item.documentId),
    );
    const withoutSuccess = ids.filter((id) => !succeededPerDocument.has(id));
    expect(withoutSuccess.filter((id) => !aborted.has(id))).toEqual([]);
    console.info(
      `chaos: ${withoutSuccess.length} recorded outcomes whose execution was killed after recording`,
    );
    // The roll-ups equal the ledger after Ctrl-C and after SIGKILL alike.
    expect(afterIntCounts.rolledUp).toBe(afterIntCounts.finished);
    expect(rolledUp).toBe(finished);
    killGroup(running.child, 'SIGINT');
    await running.exited;
  }, 900_000);
});
