/**
 * The whole local stack, end to end, with the real handlers, SDK clients,
 * ASL and protocols: good and bad documents, duplicate notifications, awkward
 * keys, injected Bedrock faults, and the AWS CLI as a user would run it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Target, targetOfStack } from '#cli/target.ts';
import { allDocumentsKey, hourOf, promptVersionKey } from '#contracts/metrics-items.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { createPrng } from '#local/bedrock/converse-wire.ts';
import { generateCorpus } from '#local/corpus/generate.ts';
import { buildS3NotificationRecord } from '#local/s3-notifications.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { type FileResult, processFiles } from '#services/process-documents.ts';
import {
  blankPdf,
  emptyFile,
  encryptedPdf,
  manyPagesPdf,
  notPdf,
  recordPdf,
  truncatedPdf,
} from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

// Whole-stack tests on a shared 2-core machine: generous bounds, no timing assertions.
vi.setConfig({ testTimeout: 120_000 });

const run = promisify(execFile);
/** Documents of the seeded fault run (see that test for why this many). */
const FAULT_DOCUMENTS = 4;
let stack: LocalStack;
let target: Target;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    promptCacheTtlSeconds: 0,
    sharedDynamoDb: sharedDynamoDb('pipeline'),
  });
  target = targetOfStack(stack);
  dir = await mkdtemp(join(tmpdir(), 'medextract-it-'));
}, 120_000);
afterAll(async () => stack?.stop());

const write = async (name: string, bytes: Buffer): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};

const dlqMessages = async (): Promise<Array<Record<string, unknown>>> => {
  const bodies: Array<Record<string, unknown>> = [];
  for (;;) {
    const received = await stack.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.extractionDlq,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const message of messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await stack.clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: stack.queues.extractionDlq,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
  }
};

describe('local pipeline', () => {
  it('processes a good PDF: SUCCEEDED, result row, result JSON in S3, EMF rolled up', async () => {
    // Prepare
    const path = await write('good-record.pdf', await recordPdf());
    const notificationsBefore = stack.notificationsSent();
    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 60_000 });
    await stack.settle();
    // Assess
    expect(result?.status).toBe('SUCCEEDED');
    // One S3 event notification for the upload; work/ and results/ writes send none.
    expect(stack.notificationsSent() - notificationsBefore).toBe(1);
    expect(result?.promptVersion).toBe('2.2.0');
    const row = await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.results, Key: { documentId: result?.documentId } }),
    );
    expect(row.Item).toMatchObject({
      status: 'SUCCEEDED',
      servedBy: 'local.rule-based-extractor-v1',
      usageEstimated: true,
    });
    const json = await stack.clients.s3.send(
      new GetObjectCommand({ Bucket: stack.bucket, Key: `results/${result?.documentId}.json` }),
    );
    const stored = JSON.parse((await json.Body?.transformToString()) ?? '{}');
    expect(stored.fields.patient.name).toBe('Quillon Marbrey-Testcase');
    expect(stored.fields.diagnoses).toContainEqual({
      description: 'Essential hypertension',
      icd10: 'I10',
    });
    const hour = hourOf(Date.now());
    const rollup = await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.metrics, Key: promptVersionKey('2.2.0', hour) }),
    );
    expect(rollup.Item?.documents).toBeGreaterThanOrEqual(1);
    expect(rollup.Item?.succeeded).toBeGreaterThanOrEqual(1);
  });

  describe('bad documents', () => {
    const BAD: Array<[string, () => Promise<Buffer> | Buffer, string]> = [
      ['empty', emptyFile, 'EMPTY'],
      ['not a PDF', notPdf, 'NOT_PDF'],
      ['encrypted', encryptedPdf, 'ENCRYPTED'],
      ['truncated', truncatedPdf, 'INVALID_PDF'],
      ['too many pages', () => manyPagesPdf(101), 'TOO_MANY_PAGES'],
      ['blank', blankPdf, 'NO_TEXT_LAYER'],
    ];
    // All six in one batch: each test reads its own document's outcome and DLQ message,
    // and no model call during the whole batch means none for any one of them.
    let results: FileResult[] = [];
    let dlq: Array<Record<string, unknown>> = [];
    let modelCalls = 0;
    beforeAll(async () => {
      await dlqMessages();
      const callsBefore = stack.bedrock.stats().calls;
      const paths = await Promise.all(
        BAD.map(async ([label, make]) =>
          write(`bad-${label.replace(/ /g, '-')}.pdf`, Buffer.from(await make())),
        ),
      );
      results = await processFiles(
        target,
        paths.map((path) => ({ path })),
        { timeoutMs: 60_000 },
      );
      await stack.settle();
      modelCalls = stack.bedrock.stats().calls - callsBefore;
      dlq = await dlqMessages();
    });

    it.each(BAD.map(([label, , reason], index) => [label, reason, index] as const))(
      'rejects %s with its reason, one DLQ message and no model call',
      async (_label, reason, index) => {
        const result = results[index];
        expect(result?.status).toBe('FAILED');
        expect(result?.reason).toBe(reason);
        expect(modelCalls).toBe(0);
        const messages = dlq.filter((m) => m.documentId === result?.documentId);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatchObject({
          documentId: result?.documentId,
          reason,
          recorded: true,
        });
        const all = await stack.clients.dynamodb.send(
          new GetCommand({
            TableName: stack.tables.metrics,
            Key: allDocumentsKey(hourOf(Date.now())),
          }),
        );
        expect(all.Item?.[`failed_${reason}`]).toBeGreaterThanOrEqual(1);
      },
    );

    it('dead-letters each bad document once, and nothing else', () => {
      expect(dlq).toHaveLength(BAD.length);
    });
  });

  it("sends through S3, SQS and Step Functions clients that reuse their middleware stacks (ADR 72), DynamoDB's without", () => {
    // Act
    const { s3, sqs, sfn, dynamodb } = stack.clients;

    // Assess
    expect([s3, sqs, sfn].map((client) => client.config.cacheMiddleware)).toEqual([
      true,
      true,
      true,
    ]);
    expect(dynamodb.config.cacheMiddleware).not.toBe(true);
  });

  it('starts exactly one execution when the same S3 event arrives three times', async () => {
    // Prepare: the object's own notification plus the same event sent again twice.
    const incomingKey = 'incoming/triplicate.pdf';
    const body = await recordPdf('Triplo Example-Case');
    await stack.clients.s3.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: incomingKey, Body: body }),
    );
    const head = await stack.clients.s3.send(
      new HeadObjectCommand({ Bucket: stack.bucket, Key: incomingKey }),
    );
    const record = buildS3NotificationRecord(
      {
        kind: 'Put',
        bucket: stack.bucket,
        key: incomingKey,
        size: body.length,
        eTag: (head.ETag ?? '').replaceAll('"', ''),
        time: new Date(),
        requestId: 'R1',
        hostId: 'H1',
        sourceIp: '127.0.0.1',
      },
      '00000000000000000A',
      'incoming-pdf',
    );
    // Act
    for (let i = 0; i < 2; i += 1) {
      await stack.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.queues.ingest,
          MessageBody: JSON.stringify({ Records: [record] }),
        }),
      );
    }
    await stack.settle();
    // Assess
    const documentId = documentIdFor({
      bucket: stack.bucket,
      key: incomingKey,
      etag: head.ETag ?? '',
    });
    const executions = await stack.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, maxResults: 1000 }),
    );
    expect(executions.executions?.filter((e) => e.name === documentId)).toHaveLength(1);
    const rows = await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.results, Key: { documentId } }),
    );
    expect(rows.Item?.status).toBe('SUCCEEDED');
  });

  it('processes keys with spaces, plus signs, percent signs, accents, right-to-left text and .PDF', async () => {
    const body = await recordPdf();
    const names = [
      'with space.pdf',
      'a+b.pdf',
      '100% done.pdf',
      'Dossier médical é.pdf',
      'שלום سلام.pdf',
    ];
    const paths = await Promise.all(
      names.map((_name, i) => write(`key-${i}.pdf`, Buffer.concat([body, Buffer.from(`\n%${i}`)]))),
    );
    const results = await processFiles(
      target,
      paths.map((path, i) => ({ path, key: `incoming/keys/${names[i]}` })),
      { timeoutMs: 60_000 },
    );
    expect(results.map((r) => [r.key, r.status])).toEqual(
      names.map((n) => [`incoming/keys/${n}`, 'SUCCEEDED']),
    );
  });

  it(`with 30% throttling and 5% 5xx, each of ${FAULT_DOCUMENTS} documents ends as the seeded faults decide, once`, async () => {
    // Every Converse call draws from one seeded sequence, in arrival order. A document
    // gets up to 12 calls (six admissions of two attempts each: InvokeModel's own retry,
    // then back to admission, as test/statemachine/execution.test.ts counts them); it
    // ends FAILED MODEL_THROTTLED or MODEL_UNAVAILABLE when all 12 fail (0.35^12, about
    // 3 in a million per document), the retry ladder exhausted as configured. Documents
    // run one at a time here, so the seed alone decides each document's calls, and the
    // expected outcomes are computed from it. Under this seed 4 documents make 12 calls
    // (6 throttled, one 503, one 500) and take every path the 20 of seed 7 took: two
    // answered at once, one after a throttle, and one after seven faults of both kinds
    // (four readmissions deep); the documents run one after another, so each one costs.
    const THROTTLE = 0.3;
    const SERVER_ERROR = 0.05;
    const SEED = 2294;
    const ATTEMPTS = 12;
    const random = createPrng(SEED);
    const expected = Array.from({ length: FAULT_DOCUMENTS }, () => {
      for (let call = 1; call <= ATTEMPTS; call += 1) {
        const pick = random();
        random(); // the variant draw: every call takes two
        if (pick >= THROTTLE + SERVER_ERROR) return { status: 'SUCCEEDED', calls: call };
        if (call === ATTEMPTS) {
          return {
            status: 'FAILED',
            calls: call,
            reason: pick < THROTTLE ? 'MODEL_THROTTLED' : 'MODEL_UNAVAILABLE',
          };
        }
      }
      throw new Error('unreachable');
    });
    // Prepare
    const corpus = await generateCorpus({
      outDir: join(dir, 'faults'),
      count: FAULT_DOCUMENTS,
      seed: 'faults',
    });
    const documentsCounted = async () =>
      Number(
        (
          await stack.clients.dynamodb.send(
            new GetCommand({
              TableName: stack.tables.metrics,
              Key: allDocumentsKey(hourOf(Date.now())),
            }),
          )
        ).Item?.documents ?? 0,
      );
    await stack.settle();
    const countedBefore = await documentsCounted();
    stack.bedrock.setFaults({ throttleRate: THROTTLE, serverErrorRate: SERVER_ERROR, seed: SEED });
    stack.bedrock.resetStats();
    // Act
    const results = await processFiles(
      target,
      corpus.map((entry) => ({ path: entry.pdfPath })),
      { keyPrefix: 'faults/', timeoutMs: 240_000, concurrency: 1 },
    );
    await stack.settle();
    const stats = stack.bedrock.stats();
    stack.bedrock.setFaults({});
    // Assess
    expect(results.map((r) => r.status)).toEqual(expected.map((e) => e.status));
    expect(results.filter((r) => r.status === 'FAILED').map((r) => r.reason)).toEqual(
      expected.filter((e) => e.status === 'FAILED').map((e) => e.reason),
    );
    expect(stats.calls).toBe(expected.reduce((sum, e) => sum + e.calls, 0));
    expect(stats.byOutcome.success).toBe(expected.filter((e) => e.status === 'SUCCEEDED').length);
    expect(stats.byOutcome.throttled).toBeGreaterThan(5);
    expect(stats.calls).toBe(
      stats.byOutcome.success +
        stats.byOutcome.throttled +
        stats.byOutcome.service_unavailable +
        stats.byOutcome.internal_error,
    );
    // None duplicated: one distinct execution per document, and the roll-up grew by exactly as many.
    const names = new Set(results.map((r) => r.executionArn));
    expect(names.size).toBe(FAULT_DOCUMENTS);
    expect((await documentsCounted()) - countedBefore).toBe(FAULT_DOCUMENTS);
    console.info(
      `fault run: ${stats.calls} Converse calls for ${FAULT_DOCUMENTS} documents (${stats.byOutcome.throttled} throttled, ` +
        `${stats.byOutcome.service_unavailable + stats.byOutcome.internal_error} 5xx), ` +
        `${results.filter((r) => r.status === 'FAILED').length} with the retry ladder exhausted`,
    );
  }, 300_000);

  it.runIf(existsSync('/usr/bin/aws'))(
    'lets the AWS CLI v2 upload a PDF and list its execution',
    async () => {
      // Prepare
      const path = await write('via-cli.pdf', await recordPdf('Cli Example-Person'));
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
      };
      // Act
      await run(
        '/usr/bin/aws',
        [
          '--endpoint-url',
          stack.endpoints.s3,
          's3',
          'cp',
          path,
          `s3://${stack.bucket}/incoming/via-cli.pdf`,
        ],
        { env },
      );
      const head = await stack.clients.s3.send(
        new HeadObjectCommand({ Bucket: stack.bucket, Key: 'incoming/via-cli.pdf' }),
      );
      const documentId = documentIdFor({
        bucket: stack.bucket,
        key: 'incoming/via-cli.pdf',
        etag: head.ETag ?? '',
      });
      await stack.settle();
      const { stdout } = await run(
        '/usr/bin/aws',
        [
          '--endpoint-url',
          stack.endpoints.stepfunctions,
          'stepfunctions',
          'list-executions',
          '--state-machine-arn',
          stack.stateMachineArn,
          '--output',
          'json',
        ],
        { env },
      );
      // Assess
      const listed: { executions: { name: string; status: string }[] } = JSON.parse(stdout);
      expect(listed.executions.find((e) => e.name === documentId)?.status).toBe('SUCCEEDED');
    },
  );
  // Last in the file: the stack's stop lets the stalled model call finish before it ends.
  it('reports an execution that does not end in time as FAILED with reason TIMEOUT', async () => {
    // Prepare: the model endpoint stalls for twice as long as the caller will wait (3 s,
    // counted from before the upload, so the stall outlasts it by at least 3 s), and not
    // longer, because a stop waits for the tasks in flight to settle.
    stack.bedrock.setFaults({ latencyMs: 6_000 });
    const path = await write('stalled.pdf', await recordPdf('Stall Example-Person'));
    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 3_000 });
    // Assess
    expect(result).toMatchObject({ status: 'FAILED', reason: 'TIMEOUT', fields: null });
    const execution = await stack.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: result?.executionArn }),
    );
    expect(execution.status).toBe('ABORTED');
  });
});
