/**
 * LoadDocument: every bad input ends as its reason code (never an unclassified
 * error), decompression is bounded, and the handler fetches the exact version
 * and passes on only a reference and counts.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BadDocumentError } from '#contracts/errors.ts';
import { DocumentGeometrySchema } from '#contracts/geometry.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import {
  checkInflatedSize,
  DEFAULT_LIMITS,
  inspectPdf,
} from '#functions/load-document/pdf-inspection.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';
import {
  blankPdf,
  decompressionBombPdf,
  emptyFile,
  encryptedPdf,
  imageOnlyPdf,
  manyPagesPdf,
  notPdf,
  recordPdf,
  SYNTHETIC_PATIENT,
  truncatedPdf,
} from '#test/helpers/pdf-fixtures.ts';
import { reportAbsentCorpus, sharedCorpus } from '#test/helpers/shared-corpus.ts';

const reasonOf = async (bytes: Uint8Array, limits = DEFAULT_LIMITS): Promise<string> => {
  try {
    await inspectPdf(bytes, limits);
    return 'OK';
  } catch (error) {
    if (error instanceof BadDocumentError) return error.reason;
    throw error;
  }
};

describe('inspectPdf', () => {
  it('extracts the text layer and page count of a readable record', async () => {
    const { text, pageCount } = await inspectPdf(await recordPdf());
    expect(pageCount).toBe(1);
    expect(text).toContain(`Patient Name: ${SYNTHETIC_PATIENT}`);
    expect(text).toContain('Essential hypertension (I10)');
  });

  it.each([
    ['EMPTY', async () => emptyFile()],
    ['NOT_PDF', async () => notPdf()],
    ['INVALID_PDF', truncatedPdf],
    ['ENCRYPTED', encryptedPdf],
    ['NO_TEXT_LAYER', blankPdf],
  ])('rejects with %s', async (reason, make) => {
    expect(await reasonOf(await make())).toBe(reason);
  });

  it('reads a page that draws but has no text layer as an image page, not NO_TEXT_LAYER', async () => {
    // Act
    const { text, pages } = await inspectPdf(await imageOnlyPdf());
    // Assess
    expect(text).toBe('');
    expect(pages.map((page) => page.kind)).toEqual(['image']);
  });

  it('rejects TOO_MANY_IMAGE_PAGES past the image page cap', async () => {
    const image = await imageOnlyPdf();
    expect(await reasonOf(image, { ...DEFAULT_LIMITS, maxImagePages: 0 })).toBe(
      'TOO_MANY_IMAGE_PAGES',
    );
    expect(await reasonOf(image, { ...DEFAULT_LIMITS, maxImagePages: 1 })).toBe('OK');
  });

  it('rejects TOO_MANY_PAGES past the page cap and TOO_LARGE past the byte cap', async () => {
    const five = await manyPagesPdf(5);
    expect(await reasonOf(five, { ...DEFAULT_LIMITS, maxPages: 4 })).toBe('TOO_MANY_PAGES');
    expect(await reasonOf(five, { ...DEFAULT_LIMITS, maxPages: 5 })).toBe('OK');
    expect(await reasonOf(five, { ...DEFAULT_LIMITS, maxBytes: five.length - 1 })).toBe(
      'TOO_LARGE',
    );
  });

  it('stops a 4 KB file that inflates to 2 GiB at the inflation budget', async () => {
    // Prepare
    const bomb = decompressionBombPdf();
    expect(bomb.length).toBeLessThan(8 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    // Act
    const reason = await reasonOf(bomb);
    // Assess: the cap, not the machine, stopped it.
    expect(reason).toBe('DECOMPRESSION_LIMIT');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(
      DEFAULT_LIMITS.maxInflatedBytes * 1.5,
    );
  });

  it('counts the inflated bytes of ordinary streams against the budget', async () => {
    const pdf = await manyPagesPdf(3);
    const inflated = checkInflatedSize(pdf, DEFAULT_LIMITS.maxInflatedBytes);
    expect(inflated).toBeGreaterThan(0);
    expect(() => checkInflatedSize(pdf, inflated - 1)).toThrow(BadDocumentError);
  });
});

const realPdfs = sharedCorpus('real-pdfs', '.pdf');

describe('inspectPdf over real-world PDFs', () => {
  reportAbsentCorpus(realPdfs);

  it.runIf(realPdfs.absent === null).each(realPdfs.files)(
    '%s yields text or a reason code',
    async (file) => {
      const reason = await reasonOf(realPdfs.read(file));
      expect(['OK', 'ENCRYPTED', 'INVALID_PDF', 'NO_TEXT_LAYER', 'TOO_MANY_PAGES']).toContain(
        reason,
      );
      // Image-only PDFs go to the vision path now; none of them ends NO_TEXT_LAYER.
      if (file.includes('image')) expect(reason).toBe('OK');
      if (file.includes('password')) expect(reason).toBe('ENCRYPTED');
      if (file.includes('GeoTopo')) expect(reason).toBe('TOO_MANY_PAGES');
    },
  );
});

describe('load-document handler', () => {
  let handler: typeof import('#functions/load-document/handler.ts')['handler'];
  const s3 = mockClient(S3Client);
  const doc = mockClient(DynamoDBDocumentClient);
  const body = (bytes: Uint8Array) => sdkStreamMixin(Readable.from([Buffer.from(bytes)]));
  const entries = new Map<string, LedgerEntry>();
  const event = loadEvent('tasks/load-document') as {
    documentId: string;
    executionId: string;
    attempt: number;
  };
  /** Where the ledger says the document lives; the task input carries only its id. */
  const object = {
    bucket: 'medextract-local-documents',
    key: 'incoming/aps 0001+final.pdf',
    versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    etag: '9b2cf535f27731c974343645a3985328',
  };

  beforeAll(async () => {
    setHandlerEnv();
    ({ handler } = await import('#functions/load-document/handler.ts'));
  });
  beforeEach(() => {
    entries.clear();
    entries.set(event.documentId, receivedEntry(event.documentId, object));
    serveLedgerTable(doc, 'medextract-test-ledger', entries);
  });
  afterEach(() => {
    s3.reset();
    doc.reset();
  });

  it('looks the key up in the ledger, gets that version, marks it PROCESSING and returns only a reference', async () => {
    // Prepare
    const pdf = await recordPdf();
    s3.on(GetObjectCommand).resolves({ Body: body(pdf), ContentLength: pdf.length });
    s3.on(PutObjectCommand).resolves({});
    // Act
    const output = await handler(event, testContext('load-document'));
    // Assess
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: object.bucket,
      Key: object.key,
      VersionId: object.versionId,
    });
    expect(entries.get(event.documentId)).toMatchObject({
      status: 'PROCESSING',
      executionArn: event.executionId,
      attempt: 0,
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('medextract-test-documents');
    expect(put?.Key).toBe(`work/${event.documentId}/text.txt`);
    expect(String(put?.Body)).toContain(SYNTHETIC_PATIENT);
    expect(output).toEqual({
      textUri: `s3://medextract-test-documents/work/${event.documentId}/text.txt`,
      pageCount: 1,
      charCount: String(put?.Body).length,
      byteSize: pdf.length,
      pagesUri: null,
      imagePageCount: 0,
      geometryUri: `s3://medextract-test-documents/work/${event.documentId}/geometry.json`,
      contentSha256: createHash('sha256').update(pdf).digest('hex'),
    });
    expect(JSON.stringify(output)).not.toContain(SYNTHETIC_PATIENT);
  });

  it('writes the page geometry beside the text: page size, and item boxes over the same page text', async () => {
    const pdf = await recordPdf();
    s3.on(GetObjectCommand).resolves({ Body: body(pdf), ContentLength: pdf.length });
    s3.on(PutObjectCommand).resolves({});
    await handler(event, testContext('load-document'));
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const text = String(puts.find((put) => put.Key?.endsWith('/text.txt'))?.Body);
    const sidecar = puts.find((put) => put.Key === `work/${event.documentId}/geometry.json`);
    expect(sidecar?.ContentType).toBe('application/json');
    const geometry = DocumentGeometrySchema.parse(JSON.parse(String(sidecar?.Body)));
    const [page] = geometry.pages;
    expect(page).toMatchObject({ page: 1, kind: 'text', source: 'pdf-text' });
    expect(page?.widthPt).toBeGreaterThan(500);
    // The page text is what the model reads; every item's range lies inside it.
    expect(text).toContain(page?.text.trim().split('\n')[0]);
    const at = page?.text.indexOf(SYNTHETIC_PATIENT) ?? -1;
    expect(at).toBeGreaterThanOrEqual(0);
    const covering = page?.items.filter((item) => item.start <= at && item.end > at) ?? [];
    expect(covering).toHaveLength(1);
    expect(covering[0]?.y).toBeGreaterThan(0);
    expect(covering[0]?.y).toBeLessThan(page?.heightPt ?? 0);
    for (const item of page?.items ?? [])
      expect(item.end).toBeLessThanOrEqual(page?.text.length ?? 0);
  });

  it("writes OCR word boxes for a scanned page: its text spells the patient's name, boxed on the page", async () => {
    const pdf = await scanPdf(await recordPdf(), { ...DEFAULT_SCAN_OPTIONS, seed: 'handler-ocr' });
    s3.on(GetObjectCommand).resolves({ Body: body(pdf), ContentLength: pdf.length });
    s3.on(PutObjectCommand).resolves({});
    const output = await handler(event, testContext('load-document'));
    expect(output.imagePageCount).toBe(1);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const sidecar = puts.find((put) => put.Key === `work/${event.documentId}/geometry.json`);
    const [page] = DocumentGeometrySchema.parse(JSON.parse(String(sidecar?.Body))).pages;
    expect(page).toMatchObject({ page: 1, kind: 'image', source: 'ocr' });
    const at = page?.text.indexOf(SYNTHETIC_PATIENT) ?? -1;
    expect(at).toBeGreaterThanOrEqual(0);
    const covering =
      page?.items.filter((item) => item.end > at && item.start < at + SYNTHETIC_PATIENT.length) ??
      [];
    expect(covering.map((item) => page?.text.slice(item.start, item.end)).join(' ')).toBe(
      SYNTHETIC_PATIENT,
    );
    for (const item of covering) {
      expect(item.y).toBeGreaterThan((page?.heightPt ?? 0) / 2);
      expect(item.x + item.width).toBeLessThan(page?.widthPt ?? 0);
    }
  }, 60_000);

  it('uses If-Match on the ETag when the bucket has no version id', async () => {
    const pdf = await recordPdf();
    s3.on(GetObjectCommand).resolves({ Body: body(pdf), ContentLength: pdf.length });
    s3.on(PutObjectCommand).resolves({});
    entries.set(event.documentId, receivedEntry(event.documentId, { ...object, versionId: null }));
    await handler(event, testContext('load-document'));
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({
      IfMatch: '"9b2cf535f27731c974343645a3985328"',
    });
  });

  it('reports OBJECT_GONE when the version was deleted', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    s3.on(HeadObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    await expect(handler(event, testContext('load-document'))).rejects.toMatchObject({
      name: 'BadDocument',
      reason: 'OBJECT_GONE',
    });
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    await expect(handler(event, testContext('load-document'))).rejects.toMatchObject({
      reason: 'OBJECT_GONE',
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(entries.get(event.documentId)?.status).toBe('RECEIVED');
  });

  it('records SUPERSEDED, not OBJECT_GONE, when a newer upload of the key replaced the version', async () => {
    // Prepare: the ledger knows a later upload of the same key.
    const newerId = 'f'.repeat(64);
    entries.set(
      newerId,
      receivedEntry(newerId, { ...object, versionId: 'v2' }, '2026-11-27T10:20:00.000Z'),
    );
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    // Act
    const outcome = handler(event, testContext('load-document'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'DocumentSuperseded' });
    expect(entries.get(event.documentId)).toMatchObject({
      status: 'SUPERSEDED',
      supersededBy: newerId,
    });
  });

  it('records SUPERSEDED when the key already holds a newer object the ledger has not seen', async () => {
    // Prepare: overwritten before the new version's notification was recorded.
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-newer', ETag: '"other"' });
    // Act / Assess
    await expect(handler(event, testContext('load-document'))).rejects.toMatchObject({
      name: 'DocumentSuperseded',
    });
    expect(entries.get(event.documentId)?.status).toBe('SUPERSEDED');
  });

  it('refuses a document id the ledger does not know, fetching nothing', async () => {
    entries.clear();
    await expect(handler(event, testContext('load-document'))).rejects.toMatchObject({
      name: 'UnknownDocument',
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('rejects TOO_LARGE from the object size before reading the body', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: body(new Uint8Array(10)),
      ContentLength: 500 * 1024 * 1024,
    });
    await expect(handler(event, testContext('load-document'))).rejects.toMatchObject({
      reason: 'TOO_LARGE',
    });
  });
});
