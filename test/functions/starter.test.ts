/**
 * Starter: S3 notifications in SQS -> a ledger entry per object and
 * StartExecution named by document id with the id only, partial batch failures.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { classifyKey } from '#core/ledger/key-classification.ts';
import { loadEvent, loadSqsEvent } from '#events/index.ts';
import { admitUpload, type NotifiedUpload } from '#functions/starter/starter.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { type MemoryLedger, memoryLedger } from '#test/helpers/memory-ledger.ts';

let handler: typeof import('#functions/starter/handler.ts')['handler'];
const sfn = mockClient(SFNClient);
const doc = mockClient(DynamoDBDocumentClient);

beforeAll(async () => {
  setHandlerEnv();
  ({ handler } = await import('#functions/starter/handler.ts'));
});
beforeEach(() => {
  // An empty ledger: every create succeeds, no other version of any key.
  doc.on(PutCommand).resolves({});
  doc.on(GetCommand).resolves({});
  doc.on(QueryCommand).resolves({ Items: [] });
});
afterEach(() => {
  sfn.reset();
  doc.reset();
});

/** Ledger items the starter wrote, by key. */
const ledgerWrites = () =>
  doc.commandCalls(PutCommand).map((call) => call.args[0].input.Item as Record<string, unknown>);

const record = (body: string, messageId: string): SQSRecord => {
  const base = loadSqsEvent('sqs/s3-object-created').Records[0];
  if (!base) throw new Error('fixture has no record');
  return { ...base, body, messageId };
};

const notificationFor = (key: string, versionId = 'v1'): string => {
  const event = loadEvent('s3/object-created') as {
    Records: { s3: { object: { key: string; versionId?: string } } }[];
  };
  const first = event.Records[0];
  if (!first) throw new Error('fixture has no record');
  first.s3.object.key = key;
  first.s3.object.versionId = versionId;
  return JSON.stringify(event);
};

describe('starter handler', () => {
  it('records RECEIVED with the decoded key and starts one execution with the id only', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    // Act
    const response = await handler(loadSqsEvent('sqs/s3-object-created'), testContext('starter'));
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const expectedId = documentIdFor({
      bucket: 'medextract-local-documents',
      key: 'incoming/aps 0001+final.pdf',
      versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    });
    const sent = calls[0]?.args[0].input;
    expect(sent?.name).toBe(expectedId);
    expect(sent?.stateMachineArn).toBe(process.env.STATE_MACHINE_ARN);
    expect(JSON.parse(sent?.input ?? '{}')).toEqual({
      documentId: expectedId,
      receivedAt: '2026-11-27T10:15:30.000Z',
      attempt: 0,
    });
    expect(sent?.input).not.toContain('aps');
    expect(ledgerWrites()).toEqual([
      expect.objectContaining({
        documentId: expectedId,
        status: 'RECEIVED',
        bucket: 'medextract-local-documents',
        key: 'incoming/aps 0001+final.pdf',
        versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
        sequencer: '0055AED6DCD90281E5',
        size: 48213,
      }),
    ]);
  });

  it('acknowledges the S3 test event without starting anything', async () => {
    const response = await handler(loadSqsEvent('sqs/s3-test-event'), testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('treats ExecutionAlreadyExists as done (duplicate notification)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const response = await handler(loadSqsEvent('sqs/s3-object-created'), testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('reports only the failing messages of a batch', async () => {
    // Prepare: a good message, a non-JSON body, and one whose start fails transiently.
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:exec', startDate: new Date() })
      .on(StartExecutionCommand, {
        name: documentIdFor({
          bucket: 'medextract-local-documents',
          key: 'incoming/b.pdf',
          versionId: 'v1',
        }),
      })
      .rejects(new Error('ServiceUnavailable'));
    const event: SQSEvent = {
      Records: [
        record(notificationFor('incoming/a.pdf'), 'good'),
        record('not json', 'poison'),
        record(notificationFor('incoming/b.pdf'), 'transient'),
      ],
    };
    // Act
    const response = await handler(event, testContext('starter'));
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'poison' },
      { itemIdentifier: 'transient' },
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });

  it('starts .pdf in any letter case and records every other key without failing the message', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const event: SQSEvent = {
      Records: [
        record(notificationFor('work/x/text.txt'), 'm1'),
        record(notificationFor('incoming/x.txt'), 'm2'),
        record(notificationFor('incoming/x.Pdf'), 'm3'),
        record(notificationFor('incoming/SCAN.PDF'), 'm4'),
      ],
    };
    const response = await handler(event, testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    const started = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    const idOf = (key: string) =>
      documentIdFor({ bucket: 'medextract-local-documents', key, versionId: 'v1' });
    expect(started).toEqual([idOf('incoming/x.Pdf'), idOf('incoming/SCAN.PDF')]);
    expect(ledgerWrites().map((item) => item.key)).toEqual([
      'work/x/text.txt',
      'incoming/x.txt',
      'incoming/x.Pdf',
      'incoming/SCAN.PDF',
    ]);
  });

  it('decodes keys with spaces, plus signs, percent, accents and right-to-left text', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const event: SQSEvent = {
      Records: [
        record(notificationFor('incoming/a+b%2Bc%25+d%C3%A9.pdf'), 'm1'),
        record(
          notificationFor('incoming/%D7%A9%D7%9C%D7%95%D7%9D+%D8%B3%D9%84%D8%A7%D9%85.pdf'),
          'm2',
        ),
      ],
    };
    await handler(event, testContext('starter'));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(ledgerWrites().map((item) => item.key)).toEqual([
      'incoming/a b+c% dé.pdf',
      'incoming/שלום سلام.pdf',
    ]);
  });
});

describe('admitUpload', () => {
  const bucket = 'medextract-test-documents';
  const upload = (
    key: string,
    versionId: string,
    sequencer: string,
    receivedAt = '2026-12-01T09:00:00.000Z',
  ): NotifiedUpload => ({
    documentId: documentIdFor({ bucket, key, versionId }),
    object: { bucket, key, versionId, etag: null, size: 10, sequencer },
    receivedAt,
    classification: classifyKey(key),
  });
  const depsWith = (ledger: MemoryLedger) => ({
    ledger,
    sfn: new SFNClient({ region: 'us-east-1' }),
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
    now: () => new Date('2026-12-01T09:00:05.000Z'),
  });

  it('records each odd key IGNORED with its reason and starts nothing', async () => {
    // Prepare
    const ledger = memoryLedger();
    const odd = {
      'incoming/folder/': 'FOLDER_MARKER',
      'incoming/a/../b.pdf': 'UNSAFE_KEY',
      'incoming/notes.docx': 'UNSUPPORTED_EXTENSION',
      'elsewhere/x.pdf': 'OUTSIDE_INCOMING',
    };
    // Act
    const outcomes = [];
    for (const key of Object.keys(odd)) {
      outcomes.push(await admitUpload(depsWith(ledger), upload(key, 'v1', '01')));
    }
    // Assess
    expect(outcomes).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const recorded = Object.fromEntries(
      [...ledger.entries.values()].map((e) => [e.key, `${e.status} ${e.reason}`]),
    );
    expect(recorded).toEqual(
      Object.fromEntries(Object.entries(odd).map(([k, reason]) => [k, `IGNORED ${reason}`])),
    );
  });

  it('supersedes a waiting older version of a key and one that arrives after a newer one', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('StartExecution unavailable'));
    const ledger = memoryLedger();
    const v1 = upload('incoming/Report.Pdf', 'v1', '0A');
    const v2 = upload('incoming/Report.Pdf', 'v2', '0B');
    const v3 = upload('incoming/Report.Pdf', 'v3', '0C');
    // v1 arrives but its start fails, so it is still RECEIVED when v3 lands; v2 arrives last.
    await expect(admitUpload(depsWith(ledger), v1)).rejects.toThrow('unavailable');
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    // Act
    const newest = await admitUpload(depsWith(ledger), v3);
    const late = await admitUpload(depsWith(ledger), v2);
    // Assess
    expect([newest, late]).toEqual(['started', 'superseded']);
    expect(ledger.entries.get(v1.documentId)).toMatchObject({
      status: 'SUPERSEDED',
      supersededBy: v3.documentId,
    });
    expect(ledger.entries.get(v2.documentId)).toMatchObject({
      status: 'SUPERSEDED',
      supersededBy: v3.documentId,
    });
    expect(ledger.entries.get(v3.documentId)?.status).toBe('RECEIVED');
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([
      v3.documentId,
    ]);
  });

  it('starts nothing for a repeated notification of a document that already has an outcome', async () => {
    // Prepare
    const ledger = memoryLedger();
    const doc1 = upload('incoming/a.pdf', 'v1', '01');
    await ledger.record(doc1.documentId, {
      kind: 'received',
      at: doc1.receivedAt,
      documentId: doc1.documentId,
      object: doc1.object,
    });
    await ledger.record(doc1.documentId, {
      kind: 'succeeded',
      at: '2026-12-01T09:01:00.000Z',
      attempt: 0,
      promptVersion: '2.0.0',
    });
    // Act
    const outcome = await admitUpload(depsWith(ledger), doc1);
    // Assess
    expect(outcome).toBe('finished');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(ledger.entries.get(doc1.documentId)?.status).toBe('SUCCEEDED');
  });
});
