/**
 * The document, upload, DLQ-selection and evaluation endpoints against the
 * whole local stack: every upload listed from the ledger through cursor
 * pages, one upload in full with its state path, presigned links that really
 * move bytes through the local S3 (an upload then reaches a ledger outcome),
 * a redrive of selected DLQ messages, and the saved evaluation runs. Every
 * answer is checked against the generated OpenAPI document by the helper.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { folderReportStore } from '#adapters/evaluation-reports.ts';
import { buildEvalRun } from '#core/evaluation/report.ts';
import { evalJson } from '#core/evaluation/report-json.ts';
import { saveEvaluationReport } from '#services/evaluation-reports.ts';
import { type ApiStack, startApiStack } from '#test/helpers/api-stack.ts';
import { notPdf, recordPdf, SYNTHETIC_PATIENT } from '#test/helpers/pdf-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

let s: ApiStack;
let evaluationsDir = '';
let pdfBytes: Buffer = Buffer.alloc(0);
const ids: Record<string, string> = {};

type Problem = { status: number; reason: string; errors?: Array<{ field: string }> };
type Upload = { key: string; documentId: string; status: string; reason: string | null };
type Page = { documents: Upload[]; next_cursor: string | null };
type Visit = { name: string; type: string; attempts: number; error: string | null };
type Record_ = Upload & {
  fields: unknown;
  servedBy: string | null;
  usageEstimated: boolean | null;
  inputTokens: number | null;
  costMicroUsd: number | null;
  completeness: number | null;
  path: { outcome: string; states: Array<Visit & { durationMs: number | null }> } | null;
};

const problem = (body: unknown) => body as Problem;

const waitFor = async <T>(read: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

beforeAll(async () => {
  evaluationsDir = await mkdtemp(join(tmpdir(), 'medextract-evaluations-'));
  s = await startApiStack({ evaluationsDir });
  pdfBytes = await recordPdf();
  const results = await s.process([
    { name: 'aps-one.pdf', bytes: pdfBytes },
    // Other bytes: identical ones would reuse aps-one's extraction (ADR 40), whichever ends first.
    { name: 'aps-two.pdf', bytes: await recordPdf('Second Example-Case') },
    { name: 'junk.pdf', bytes: notPdf() },
  ]);
  for (const r of results) ids[r.file.replace(/^.*\//, '')] = r.documentId;
  expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
  // Not a document: the starter records it IGNORED.
  await s.target.clients.s3.send(
    new PutObjectCommand({ Bucket: s.target.bucket, Key: 'incoming/notes.docx', Body: 'x' }),
  );
  await waitFor(async () => {
    const page = (await s.call('GET', '/api/documents?status=IGNORED')).body as Page;
    return page.documents.length > 0 ? true : undefined;
  });
}, 180_000);
afterAll(async () => s?.stop());

describe('GET /api/documents over the ledger', () => {
  it('lists every upload, processed or not, newest first through cursor pages', async () => {
    const seen: Upload[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const answer = await s.call('GET', `/api/documents?limit=2${query}`);
      expect(answer.status).toBe(200);
      const page = answer.body as Page;
      expect(page.documents.length).toBeLessThanOrEqual(2);
      seen.push(...page.documents);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.map((u) => u.key).sort()).toEqual([
      'incoming/aps-one.pdf',
      'incoming/aps-two.pdf',
      'incoming/junk.pdf',
      'incoming/notes.docx',
    ]);
    expect(new Set(seen.map((u) => u.documentId)).size).toBe(4);
    expect(seen.find((u) => u.key === 'incoming/notes.docx')).toMatchObject({
      status: 'IGNORED',
      reason: 'UNSUPPORTED_EXTENSION',
    });
  });

  it('filters by status, prefix, prompt version and upload time', async () => {
    const failed = (await s.call('GET', '/api/documents?status=FAILED')).body as Page;
    expect(failed.documents).toMatchObject([{ key: 'incoming/junk.pdf', reason: 'NOT_PDF' }]);
    const prefix = (await s.call('GET', '/api/documents?prefix=aps-')).body as Page;
    expect(prefix.documents.map((u) => u.key)).toEqual([
      'incoming/aps-one.pdf',
      'incoming/aps-two.pdf',
    ]);
    const both = (await s.call('GET', '/api/documents?prefix=incoming/aps-&status=FAILED'))
      .body as Page;
    expect(both.documents).toEqual([]);
    const version = (await s.call('GET', '/api/documents?prompt_version=v2.0.0')).body as Page;
    expect(version.documents.map((u) => u.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const future = (await s.call('GET', '/api/documents?received_from=2999-01-01T00:00:00Z'))
      .body as Page;
    expect(future).toEqual({ documents: [], next_cursor: null });
    const past = (
      await s.call(
        'GET',
        '/api/documents?status=SUCCEEDED&received_from=2000-01-01T00:00:00Z&received_to=2999-01-01T00:00:00Z',
      )
    ).body as Page;
    expect(past.documents).toHaveLength(2);
  });

  it('refuses a tampered cursor, a cursor of other filters, a bad time and a bad limit with 400', async () => {
    const first = (await s.call('GET', '/api/documents?limit=1')).body as Page;
    const cursor = first.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const tampered = await s.call('GET', `/api/documents?limit=1&cursor=${cursor.slice(2)}x`);
    expect(problem(tampered.body)).toMatchObject({ status: 400, reason: 'INVALID_CURSOR' });
    const other = await s.call('GET', `/api/documents?limit=1&status=FAILED&cursor=${cursor}`);
    expect(problem(other.body)).toMatchObject({ status: 400, reason: 'CURSOR_MISMATCH' });
    const time = await s.call('GET', '/api/documents?received_from=yesterday');
    expect(problem(time.body)).toMatchObject({ status: 400, reason: 'INVALID_TIME' });
    const range = await s.call(
      'GET',
      '/api/documents?received_from=2026-02-01T00:00:00Z&received_to=2026-01-01T00:00:00Z',
    );
    expect(problem(range.body)).toMatchObject({ status: 400, reason: 'INVALID_TIME_RANGE' });
    const limit = await s.call('GET', '/api/documents?limit=0');
    expect(problem(limit.body)).toMatchObject({ status: 400, reason: 'INVALID_LIMIT' });
    const status = await s.call('GET', '/api/documents?status=DONE');
    expect(problem(status.body).errors?.map((e) => e.field)).toEqual(['status']);
  });
});

describe('GET /api/documents/{id} and /by-key', () => {
  it('gives a success in full: scores, tokens said to be estimated, fields and the state path', async () => {
    const answer = await s.call('GET', `/api/documents/${ids['aps-one.pdf']}`);
    expect(answer.status).toBe(200);
    const record = answer.body as Record_;
    expect(record).toMatchObject({
      key: 'incoming/aps-one.pdf',
      status: 'SUCCEEDED',
      promptVersion: '2.0.0',
      servedBy: 'local.rule-based-extractor-v1',
      usageEstimated: true,
    });
    expect(record.completeness).toBeGreaterThan(0);
    expect(record.costMicroUsd).toBeGreaterThan(0);
    expect(record.inputTokens).toBeGreaterThan(0);
    expect(JSON.stringify(record.fields)).toContain(SYNTHETIC_PATIENT);
    expect(record.path?.outcome).toBe('SUCCEEDED');
    expect(record.path?.states.map((v) => v.name)).toEqual([
      'LoadDocument',
      'SelectVariant',
      'ReuseOrInvoke',
      'PrepareAdmission',
      'AdmitModelCall',
      'WaitForModelSlot',
      'ModelSlotReady',
      'InvokeModel',
      'Score',
      'RecordResult',
    ]);
    expect(record.path?.states.every((v) => v.durationMs !== null && v.error === null)).toBe(true);
  });

  it('gives a failure with its reason and the state that failed', async () => {
    const record = (await s.call('GET', `/api/documents/${ids['junk.pdf']}`)).body as Record_;
    expect(record).toMatchObject({ status: 'FAILED', reason: 'NOT_PDF', fields: null });
    expect(record.path?.outcome).toBe('FAILED');
    expect(record.path?.states[0]).toMatchObject({ name: 'LoadDocument', error: 'BadDocument' });
    expect(record.path?.states.map((v) => v.name)).toContain('RecordFailure');
  });

  it('finds every version of a key, with or without incoming/', async () => {
    const bare = await s.call('GET', '/api/documents/by-key?key=aps-two.pdf');
    const full = await s.call('GET', '/api/documents/by-key?key=incoming/aps-two.pdf');
    expect(bare.body).toEqual(full.body);
    expect(full.body).toMatchObject({
      key: 'incoming/aps-two.pdf',
      versions: [{ documentId: ids['aps-two.pdf'], status: 'SUCCEEDED' }],
    });
    const ignored = (await s.call('GET', '/api/documents/by-key?key=notes.docx')).body as {
      versions: Record_[];
    };
    expect(ignored.versions[0]).toMatchObject({ status: 'IGNORED', path: null });
  });

  it('answers 404 for unknown ids and keys, 400 for a malformed id or a missing key', async () => {
    const unknown = await s.call('GET', `/api/documents/${'0'.repeat(64)}`);
    expect(problem(unknown.body)).toMatchObject({ status: 404, reason: 'UNKNOWN_DOCUMENT' });
    const noKey = await s.call('GET', '/api/documents/by-key?key=nothing.pdf');
    expect(problem(noKey.body)).toMatchObject({ status: 404, reason: 'UNKNOWN_UPLOAD' });
    const malformed = await s.call('GET', '/api/documents/aps-one.pdf');
    expect(problem(malformed.body)).toMatchObject({ status: 400, reason: 'INVALID_DOCUMENT_ID' });
    const missing = await s.call('GET', '/api/documents/by-key');
    expect(problem(missing.body).errors?.map((e) => e.field)).toEqual(['key']);
  });
});

describe('presigned links', () => {
  it('links to the source PDF: the link fetches the very bytes, and says when it expires', async () => {
    const answer = await s.call('GET', `/api/documents/${ids['aps-one.pdf']}/pdf?expires_in=60`);
    expect(answer.status).toBe(200);
    const link = answer.body as { url: string; method: string; expiresInSeconds: number };
    expect(link).toMatchObject({ method: 'GET', expiresInSeconds: 60 });
    expect(link.url).toContain('X-Amz-Expires=60');
    const fetched = await fetch(link.url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(pdfBytes)).toBe(true);
    const unknown = await s.call('GET', `/api/documents/${'1'.repeat(64)}/pdf`);
    expect(problem(unknown.body)).toMatchObject({ status: 404, reason: 'UNKNOWN_DOCUMENT' });
    const tooLong = await s.call(
      'GET',
      `/api/documents/${ids['aps-one.pdf']}/pdf?expires_in=86400`,
    );
    expect(problem(tooLong.body)).toMatchObject({ status: 400, reason: 'INVALID_EXPIRY' });
  });

  it('gives an upload link under incoming/; the PUT upload then reaches a ledger outcome', async () => {
    const answer = await s.call('POST', '/api/uploads', {
      body: { file_name: 'api/new-upload.pdf' },
    });
    expect(answer.status).toBe(201);
    const link = answer.body as {
      key: string;
      url: string;
      method: string;
      expiresInSeconds: number;
    };
    expect(link).toMatchObject({
      key: 'incoming/api/new-upload.pdf',
      method: 'PUT',
      expiresInSeconds: 900,
    });
    const put = await fetch(link.url, { method: 'PUT', body: await recordPdf() });
    expect(put.status).toBe(200);
    const settled = await waitFor(async () => {
      const found = await s.call('GET', '/api/documents/by-key?key=incoming/api/new-upload.pdf');
      if (found.status !== 200) return undefined;
      const [version] = (found.body as { versions: Record_[] }).versions;
      return version && ['SUCCEEDED', 'FAILED'].includes(version.status) ? version : undefined;
    });
    expect(settled).toMatchObject({ status: 'SUCCEEDED', promptVersion: '2.0.0' });
  });

  it('refuses names the starter would ignore, with the key rule as the reason', async () => {
    const cases: Array<[unknown, string]> = [
      [{ file_name: 'notes.docx' }, 'UNSUPPORTED_EXTENSION'],
      [{ file_name: '../escape.pdf' }, 'UNSAFE_KEY'],
      [{ file_name: 'a//b.pdf' }, 'UNSAFE_KEY'],
      [{ file_name: 'folder/' }, 'FOLDER_MARKER'],
    ];
    for (const [body, reason] of cases) {
      const answer = await s.call('POST', '/api/uploads', { body });
      expect(problem(answer.body)).toMatchObject({ status: 400, reason });
    }
    const missing = await s.call('POST', '/api/uploads', { body: {} });
    expect(problem(missing.body).errors?.map((e) => e.field)).toEqual(['file_name']);
  });
});

describe('DLQ redrive of selected messages', () => {
  it('takes only the messages named, at the given rate, and reports an id it did not find', async () => {
    const listed = (await s.call('GET', '/api/dlq/extraction')).body as {
      messages: Array<{ messageId: string; documentId: string | null }>;
    };
    const junk = listed.messages.find((m) => m.documentId === ids['junk.pdf']);
    expect(junk).toBeDefined();
    const missing = await s.call('POST', '/api/dlq/extraction/redrive', {
      body: { message_ids: ['no-such-message'], rate_per_second: 50 },
    });
    expect(missing.body).toEqual({
      queue: 'extraction',
      results: [
        {
          messageId: 'no-such-message',
          documentId: null,
          outcome: 'skipped',
          executionArn: null,
          detail: 'not in the queue',
        },
      ],
    });
    const still = (await s.call('GET', '/api/dlq/extraction')).body as typeof listed;
    expect(still.messages.map((m) => m.messageId)).toContain(junk?.messageId);

    const redriven = await s.call('POST', '/api/dlq/extraction/redrive', {
      body: { message_ids: [junk?.messageId], rate_per_second: 20 },
    });
    expect(redriven.body).toMatchObject({
      results: [{ messageId: junk?.messageId, documentId: ids['junk.pdf'], outcome: 'redriven' }],
    });
    const bad = await s.call('POST', '/api/dlq/extraction/redrive', {
      body: { message_ids: [], rate_per_second: 0 },
    });
    expect(
      problem(bad.body)
        .errors?.map((e) => e.field)
        .sort(),
    ).toEqual(['message_ids', 'rate_per_second']);
  });
});

describe('evaluation runs', () => {
  it('lists the saved runs newest first and returns one with its report; 404 and 400 otherwise', async () => {
    const store = folderReportStore(evaluationsDir);
    const run = buildEvalRun('2.0.0', [
      {
        id: 'aps-0001',
        type: 'attending_physician_statement',
        status: 'SUCCEEDED',
        reason: null,
        evaluation: {
          fields: { 'patient.name': { counts: { tp: 1, fa: 0, fd: 0, fn: 0, tn: 0 }, weight: 1 } },
        },
      },
    ]);
    const older = await saveEvaluationReport(
      store,
      evalJson(run),
      new Date('2026-11-30T10:00:00Z'),
    );
    const newer = await saveEvaluationReport(
      store,
      evalJson(run),
      new Date('2026-12-01T10:00:00Z'),
    );
    const listed = await s.call('GET', '/api/evaluations');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      evaluations: [
        { id: newer.id, kind: 'run', versions: ['2.0.0'], documents: 1, failed: 0, f1: [1] },
        { id: older.id },
      ],
    });
    const one = await s.call('GET', `/api/evaluations/${older.id}`);
    expect(one.body).toMatchObject({ id: older.id, report: { version: '2.0.0', documents: 1 } });
    const unknown = await s.call('GET', '/api/evaluations/20200101T000000000Z-1.0.0');
    expect(problem(unknown.body)).toMatchObject({ status: 404, reason: 'UNKNOWN_EVALUATION' });
    const malformed = await s.call('GET', '/api/evaluations/..%2Fstack');
    expect(problem(malformed.body)).toMatchObject({ status: 400, reason: 'INVALID_EVALUATION_ID' });
  });
});
