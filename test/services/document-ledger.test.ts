/**
 * The upload use cases over DynamoDB Local: one entry per upload from the
 * ledger, filtered by key prefix, status, upload time and prompt version
 * (through the paged listing the API serves), looked up by key (every
 * version) or document id, and clear refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRepository } from '#adapters/ledger.ts';
import { getUploads, listUploads } from '#services/document-ledger.ts';
import { NotFoundError } from '#services/errors.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const id = (n: number) => n.toString(16).padStart(64, '0');
const object = (key: string, versionId: string) => ({
  bucket: 'documents',
  key,
  versionId,
  etag: null,
  size: 10,
  sequencer: null,
});

beforeAll(async () => {
  env = await startDynamoContext('svcledger');
  const ledger = ledgerRepository(env.ctx.clients.dynamodb, env.ctx.tables.ledger);
  const receive = (n: number, key: string, at: string) =>
    ledger.record(id(n), {
      kind: 'received',
      at,
      documentId: id(n),
      object: object(key, `v${n}`),
    });
  await receive(1, 'incoming/a/Smith, John - APS.pdf', '2026-03-01T10:00:00Z');
  await ledger.record(id(1), {
    kind: 'succeeded',
    at: '2026-03-01T10:01:00Z',
    attempt: 0,
    promptVersion: '2.0.0',
  });
  await receive(2, 'incoming/a/notes.docx', '2026-03-01T10:02:00Z');
  await ledger.record(id(2), {
    kind: 'ignored',
    at: '2026-03-01T10:02:01Z',
    reason: 'UNSUPPORTED_EXTENSION',
  });
  await receive(3, 'incoming/b/report.pdf', '2026-03-01T10:03:00Z');
  await receive(4, 'incoming/b/report.pdf', '2026-03-01T10:04:00Z');
  await ledger.record(id(3), {
    kind: 'superseded',
    at: '2026-03-01T10:04:01Z',
    supersededBy: id(4),
  });
}, 60_000);
afterAll(() => env.stop());

describe('listUploads', () => {
  it('lists one entry per upload by key, with status, reason and prompt version', async () => {
    const uploads = await listUploads(env.ctx);
    expect(uploads.map((u) => [u.key, u.status, u.reason, u.promptVersion])).toEqual([
      ['incoming/a/Smith, John - APS.pdf', 'SUCCEEDED', null, '2.0.0'],
      ['incoming/a/notes.docx', 'IGNORED', 'UNSUPPORTED_EXTENSION', null],
      ['incoming/b/report.pdf', 'SUPERSEDED', null, null],
      ['incoming/b/report.pdf', 'RECEIVED', null, null],
    ]);
  });

  it('filters by key prefix and by status', async () => {
    const underA = await listUploads(env.ctx, { prefix: 'incoming/a/' });
    expect(underA.map((u) => u.documentId)).toEqual([id(1), id(2)]);
    const waiting = await listUploads(env.ctx, { status: 'RECEIVED' });
    expect(waiting.map((u) => u.documentId)).toEqual([id(4)]);
    const ignoredUnderB = await listUploads(env.ctx, { prefix: 'incoming/b/', status: 'IGNORED' });
    expect(ignoredUnderB).toEqual([]);
  });

  it('filters by upload time (half-open) and by prompt version', async () => {
    const window = await listUploads(env.ctx, {
      receivedFrom: '2026-03-01T10:02:00Z',
      receivedTo: '2026-03-01T10:04:00Z',
    });
    expect(window.map((u) => u.documentId)).toEqual([id(2), id(3)]);
    const byVersion = await listUploads(env.ctx, { promptVersion: '2.0.0' });
    expect(byVersion.map((u) => u.documentId)).toEqual([id(1)]);
  });

  it('gathers pages: a limit smaller than the listing cuts it, in key order', async () => {
    const two = await listUploads(env.ctx, { limit: 2 });
    expect(two.map((u) => u.documentId)).toEqual([id(1), id(2)]);
  });
});

describe('getUploads', () => {
  it('finds an upload by document id, and every version of a key by key or bare name', async () => {
    expect((await getUploads(env.ctx, id(1)))[0]).toMatchObject({
      key: 'incoming/a/Smith, John - APS.pdf',
      status: 'SUCCEEDED',
      completedAt: '2026-03-01T10:01:00.000Z',
    });
    const byKey = await getUploads(env.ctx, 'incoming/b/report.pdf');
    expect(byKey.map((u) => [u.documentId, u.status, u.supersededBy])).toEqual([
      [id(3), 'SUPERSEDED', id(4)],
      [id(4), 'RECEIVED', null],
    ]);
    expect(await getUploads(env.ctx, 'b/report.pdf')).toEqual(byKey);
  });

  it('answers UNKNOWN_UPLOAD for a key or id the ledger has never seen', async () => {
    await expect(getUploads(env.ctx, 'incoming/none.pdf')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUploads(env.ctx, id(99))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'UNKNOWN_UPLOAD',
    });
  });
});
