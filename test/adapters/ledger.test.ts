/**
 * The ledger adapter against DynamoDB Local: the table as defined, idempotent
 * receipt, outcomes that older or conflicting events cannot overwrite,
 * concurrent writers that all land in order, and the three listings.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerRepository, ledgerRepository } from '#adapters/ledger.ts';
import { LEDGER_TABLE, physicalName } from '#contracts/resources.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import type { LedgerEvent } from '#core/ledger/lifecycle.ts';
import { ensureTables } from '#local/dynamodb.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

// The run's DynamoDB Local, under a stage of this file's own.
const { endpoint, stage: STAGE } = sharedDynamoDb('ledger');
const TABLE = physicalName(STAGE, LEDGER_TABLE.suffix);
const BUCKET = 'medextract-test-documents';
const ARN = 'arn:aws:states:us-east-1:000000000000:execution:medextract-test-extract:x';

let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let ledger: LedgerRepository;

beforeAll(async () => {
  raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(raw);
  await ensureTables(raw, STAGE);
  ledger = ledgerRepository(doc, TABLE);
});

afterAll(async () => {
  raw?.destroy();
});

const upload = (key: string, version: string, at: string) => {
  const documentId = documentIdFor({ bucket: BUCKET, key, versionId: version });
  const event: LedgerEvent = {
    kind: 'received',
    at,
    documentId,
    object: { bucket: BUCKET, key, versionId: version, etag: null, size: 100, sequencer: null },
  };
  return { documentId, event };
};

describe('ledger adapter', () => {
  it('records a receipt once; a second receipt is a duplicate and changes nothing', async () => {
    // Prepare
    const { documentId, event } = upload('incoming/once.pdf', 'v1', '2026-12-01T09:00:00.000Z');

    // Act
    const first = await ledger.record(documentId, event);
    const second = await ledger.record(documentId, { ...event, at: '2026-12-01T09:05:00.000Z' });
    const stored = await ledger.get(documentId);

    // Assess
    expect(first.outcome).toBe('written');
    expect(second.outcome).toBe('duplicate');
    expect(stored).toMatchObject({
      status: 'RECEIVED',
      revision: 1,
      receivedAt: '2026-12-01T09:00:00.000Z',
    });
  });

  it('keeps SUCCEEDED against a late PROCESSING and a conflicting FAILED', async () => {
    // Prepare
    const { documentId, event } = upload('incoming/kept.pdf', 'v1', '2026-12-01T09:00:00.000Z');
    await ledger.record(documentId, event);
    await ledger.record(documentId, {
      kind: 'succeeded',
      at: '2026-12-01T09:00:10.000Z',
      attempt: 0,
      promptVersion: '2.0.0',
    });

    // Act
    const late = await ledger.record(documentId, {
      kind: 'processing',
      at: '2026-12-01T09:00:01.000Z',
      executionArn: ARN,
      attempt: 0,
    });
    const conflicting = await ledger.record(documentId, {
      kind: 'failed',
      at: '2026-12-01T09:00:20.000Z',
      attempt: 0,
      reason: 'INTERNAL_ERROR',
      promptVersion: null,
    });
    const { Item } = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { documentId }, ConsistentRead: true }),
    );

    // Assess
    expect(late.outcome).toBe('stale');
    expect(conflicting).toMatchObject({
      outcome: 'refused',
      why: 'SUCCEEDED cannot become FAILED',
    });
    expect(Item).toMatchObject({ status: 'SUCCEEDED', promptVersion: '2.0.0', revision: 2 });
  });

  it('refuses an outcome for a document it never received', async () => {
    // Act
    const result = await ledger.record('f'.repeat(64), {
      kind: 'failed',
      at: '2026-12-01T09:00:00.000Z',
      attempt: 0,
      reason: 'OBJECT_GONE',
      promptVersion: null,
    });

    // Assess
    expect(result).toEqual({
      outcome: 'refused',
      entry: undefined,
      why: 'no ledger entry for this document',
    });
    expect(await ledger.get('f'.repeat(64))).toBeUndefined();
  });

  it('lands every concurrent writer: 20 racing duplicates and an outcome give one entry, one outcome', async () => {
    // Prepare
    const { documentId, event } = upload('incoming/race.pdf', 'v1', '2026-12-01T09:00:00.000Z');
    await ledger.record(documentId, event);
    const processing: LedgerEvent = {
      kind: 'processing',
      at: '2026-12-01T09:00:01.000Z',
      executionArn: ARN,
      attempt: 0,
    };

    // Act
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => ledger.record(documentId, processing)),
      ledger.record(documentId, {
        kind: 'succeeded',
        at: '2026-12-01T09:00:05.000Z',
        attempt: 0,
        promptVersion: '1.1.0',
      }),
    ]);
    const stored = await ledger.get(documentId);

    // Assess
    const written = results.filter((r) => r.outcome === 'written');
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThanOrEqual(2);
    expect(results.every((r) => ['written', 'duplicate', 'stale'].includes(r.outcome))).toBe(true);
    expect(stored?.status).toBe('SUCCEEDED');
    expect(stored?.revision).toBe(1 + written.length);
  });

  it('refuses to overwrite an item changed behind its back, then re-reads and decides again', async () => {
    // Prepare: another writer moves the item on between our read and write.
    const { documentId, event } = upload('incoming/behind.pdf', 'v1', '2026-12-01T09:00:00.000Z');
    const created = await ledger.record(documentId, event);
    if (created.entry === undefined) throw new Error('not created');
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...created.entry,
          status: 'IGNORED',
          reason: 'UNSAFE_KEY',
          statusAt: '2026-12-01T09:00:02.000Z',
          completedAt: '2026-12-01T09:00:02.000Z',
          revision: 2,
        },
      }),
    );

    // Act
    const result = await ledger.record(documentId, {
      kind: 'processing',
      at: '2026-12-01T09:00:03.000Z',
      executionArn: ARN,
      attempt: 0,
    });

    // Assess
    expect(result).toMatchObject({ outcome: 'refused', why: 'IGNORED cannot become PROCESSING' });
    expect((await ledger.get(documentId))?.status).toBe('IGNORED');
  });

  it('lists by status (optionally before a time), by key prefix and by upload time', async () => {
    // Prepare
    const bucketStage = `${Date.now()}`;
    const keys = [
      ['incoming/list-a/1.pdf', '2026-12-02T08:00:00.000Z'],
      ['incoming/list-a/2.pdf', '2026-12-02T08:01:00.000Z'],
      ['incoming/list-b/1.pdf', '2026-12-02T08:02:00.000Z'],
    ] as const;
    const ids: string[] = [];
    for (const [key, at] of keys) {
      const { documentId, event } = upload(`${key}#${bucketStage}`, 'v1', at);
      ids.push(documentId);
      await ledger.record(documentId, event);
    }
    await ledger.record(ids[2] ?? '', {
      kind: 'processing',
      at: '2026-12-02T08:03:00.000Z',
      executionArn: ARN,
      attempt: 0,
    });

    // Act
    const waitingBefore = await ledger.listByStatus('RECEIVED', {
      before: '2026-12-02T08:00:30.000Z',
    });
    const running = await ledger.listByStatus('PROCESSING');
    const underA = await ledger.listByKeyPrefix(BUCKET, 'incoming/list-a/');
    const inWindow = await ledger.listByReceivedAt(BUCKET, {
      from: '2026-12-02T08:00:30.000Z',
      to: '2026-12-02T08:02:00.000Z',
    });

    // Assess
    expect(waitingBefore.map((e) => e.documentId)).toContain(ids[0]);
    expect(waitingBefore.map((e) => e.documentId)).not.toContain(ids[1]);
    expect(running.map((e) => e.documentId)).toEqual([ids[2]]);
    expect(underA.map((e) => e.documentId)).toEqual([ids[0], ids[1]]);
    expect(inWindow.map((e) => e.documentId)).toEqual([ids[1]]);
  });

  it('rejects a stored item that does not match the schema instead of returning it', async () => {
    // Prepare
    const documentId = 'e'.repeat(64);
    await doc.send(
      new PutCommand({ TableName: TABLE, Item: { documentId, status: 'DONE', bucket: BUCKET } }),
    );

    // Act / Assess
    await expect(ledger.get(documentId)).rejects.toThrow();
  });

  it('writes from an entry read earlier with one put and no read, and re-reads when another writer came between', async () => {
    // Prepare: a repository whose client notes each command it sends.
    const sent: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const noted = ledgerRepository(counting, TABLE);
    const quiet = upload('incoming/known-quiet.pdf', 'v1', '2026-12-01T09:00:00.000Z');
    const raced = upload('incoming/known-raced.pdf', 'v1', '2026-12-01T09:00:00.000Z');
    const quietEntry = (await ledger.record(quiet.documentId, quiet.event)).entry;
    const racedEntry = (await ledger.record(raced.documentId, raced.event)).entry;
    if (quietEntry === undefined || racedEntry === undefined) throw new Error('not created');
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...racedEntry,
          status: 'IGNORED',
          reason: 'UNSAFE_KEY',
          statusAt: '2026-12-01T09:00:02.000Z',
          completedAt: '2026-12-01T09:00:02.000Z',
          revision: 2,
        },
      }),
    );
    const processing: LedgerEvent = {
      kind: 'processing',
      at: '2026-12-01T09:00:03.000Z',
      executionArn: ARN,
      attempt: 0,
    };

    // Act
    const quietResult = await noted.record(quiet.documentId, processing, { known: quietEntry });
    const quietSent = sent.splice(0);
    const racedResult = await noted.record(raced.documentId, processing, { known: racedEntry });
    const racedSent = sent.splice(0);

    // Assess
    expect(quietResult).toMatchObject({ outcome: 'written', entry: { status: 'PROCESSING' } });
    expect(quietSent).toEqual(['PutCommand']);
    expect((await ledger.get(quiet.documentId))?.revision).toBe(2);
    // The put conditional on revision 1 fails against revision 2; the re-read decides.
    expect(racedResult).toMatchObject({
      outcome: 'refused',
      why: 'IGNORED cannot become PROCESSING',
    });
    expect(racedSent).toEqual(['PutCommand', 'GetCommand']);
    expect((await ledger.get(raced.documentId))?.status).toBe('IGNORED');
  });

  it('decides an outcome other than a write on a fresh read, never on the entry read earlier', async () => {
    // Prepare: the caller's copy says SUCCEEDED, the table still says RECEIVED.
    const { documentId, event } = upload(
      'incoming/known-old.pdf',
      'v1',
      '2026-12-01T09:00:00.000Z',
    );
    const created = (await ledger.record(documentId, event)).entry;
    if (created === undefined) throw new Error('not created');
    const outOfDate = {
      ...created,
      status: 'SUCCEEDED' as const,
      promptVersion: '2.0.0',
      completedAt: '2026-12-01T09:00:05.000Z',
      statusAt: '2026-12-01T09:00:05.000Z',
      revision: 2,
    };

    // Act
    const result = await ledger.record(
      documentId,
      {
        kind: 'failed',
        at: '2026-12-01T09:00:06.000Z',
        attempt: 0,
        reason: 'INTERNAL_ERROR',
        promptVersion: null,
      },
      { known: outOfDate },
    );

    // Assess: on the copy FAILED would be refused; on the table's entry it is written.
    expect(result).toMatchObject({ outcome: 'written', entry: { status: 'FAILED', revision: 2 } });
    expect((await ledger.get(documentId))?.status).toBe('FAILED');
  });
});
