/**
 * Scanned documents through the whole local stack: an image-only scan
 * succeeds with its fields (read by the stand-in's OCR) when LoadDocument's
 * OCR confirms them and goes to review when a value was misread, a mixed document
 * sends its text page as text and its scanned page as an image, a scan with
 * nothing legible fails SCAN_UNREADABLE, and a version without image input
 * fails PROMPT_NO_IMAGE_INPUT before any model call. OCR costs seconds per
 * page here, so each document is one or two pages.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Target, targetOfStack } from '#cli/target.ts';
import { aliasKey, PRODUCTION_ALIAS, PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { EXPERIMENTS_TABLE, physicalName } from '#contracts/resources.ts';
import { DEFAULT_SCAN_OPTIONS, scanPages, scanPdf } from '#local/corpus/scan.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { processFiles } from '#services/process-documents.ts';
import { imageOnlyPdf, recordPdf, SYNTHETIC_PATIENT } from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';
import { reportAbsentCorpus, sharedCorpus } from '#test/helpers/shared-corpus.ts';

vi.setConfig({ testTimeout: 180_000 });

let stack: LocalStack;
let target: Target;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    promptCacheTtlSeconds: 0,
    sharedDynamoDb: sharedDynamoDb('scanned'),
  });
  target = targetOfStack(stack);
  dir = await mkdtemp(join(tmpdir(), 'medextract-scan-it-'));
}, 120_000);
afterAll(async () => stack?.stop());

const write = async (name: string, bytes: Uint8Array): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};

const scanOptions = { ...DEFAULT_SCAN_OPTIONS, dpi: 200, stamp: true, seed: 'it' };

/** Page 1 typed (a text layer), page 2 a scan of the record. */
const mixedPdf = async (): Promise<Buffer> => {
  const [scanned] = await scanPages(await recordPdf(), scanOptions);
  if (scanned === undefined) throw new Error('the record has no page');
  const doc = new PDFDocument({ info: { CreationDate: new Date('2026-01-01T00:00:00Z') } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.fontSize(12).text('Cover sheet: attending physician statement follows on the next page.');
  doc.text('This page is typed; the next page was scanned. SYNTHETIC TEST DOCUMENT.');
  doc.addPage({ size: [scanned.widthPt, scanned.heightPt], margin: 0 });
  doc.image(scanned.jpeg, 0, 0, { width: scanned.widthPt, height: scanned.heightPt });
  doc.end();
  await done;
  return Buffer.concat(chunks);
};

/**
 * The real-world corpus's image-only PDFs (every page an image, no text layer,
 * as `inspectPdf` classifies them): photographs and test images, not records.
 */
const realPdfs = sharedCorpus('real-pdfs', '.pdf');
const REAL_IMAGE_ONLY = [
  '007-imagemagick-images_imagemagick-ASCII85Decode.pdf',
  '007-imagemagick-images_imagemagick-CCITTFaxDecode.pdf',
  '007-imagemagick-images_imagemagick-images.pdf',
  '007-imagemagick-images_imagemagick-lzw.pdf',
  '008-reportlab-inline-image_inline-image.pdf',
  '019-grayscale-image_grayscale-image.pdf',
  '023-cmyk-image_cmyk-image.pdf',
];

const workObjects = async (documentId: string): Promise<string[]> => {
  const listed = await stack.clients.s3.send(
    new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `work/${documentId}/` }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
};

describe('scanned documents on the local stack', () => {
  it('processes an image-only scan with its fields, read by OCR and labelled so; values OCR cannot confirm go to review', async () => {
    // Prepare
    const path = await write('scan.pdf', await scanPdf(await recordPdf(), scanOptions));

    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 150_000 });

    // Assess
    expect(result).toMatchObject({ status: 'SUCCEEDED', reason: null, promptVersion: '2.2.0' });
    expect(result?.fields).toMatchObject({
      patient: { name: SYNTHETIC_PATIENT, dateOfBirth: '1971-03-14', sex: 'F' },
      encounter: { dateOfService: '2026-10-02' },
    });
    const documentId = result?.documentId ?? '';
    expect(await workObjects(documentId)).toEqual([
      `work/${documentId}/extraction-2.2.0.evidence.json`,
      `work/${documentId}/extraction-2.2.0.json`,
      `work/${documentId}/geometry.json`,
      `work/${documentId}/pages.json`,
      `work/${documentId}/pages/page-0001.jpg`,
      `work/${documentId}/text.txt`,
    ]);
    const row = await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.results, Key: { documentId } }),
    );
    // LoadDocument's own OCR of the page confirms every value (ADR 35): verbatim where both
    // readings agree, `fuzzy` where they differ only in OCR confusions (`(110)` for `(I10)`,
    // `Ib` for `lb`), boxed on LoadDocument's word boxes; nothing waits for review.
    const grounding = JSON.parse(
      (await (
        await stack.clients.s3.send(
          new GetObjectCommand({ Bucket: stack.bucket, Key: `grounding/${documentId}.json` }),
        )
      ).Body?.transformToString()) ?? '{}',
    );
    expect(grounding.evidence['patient.name']).toMatchObject({ page: 1, match: 'exact' });
    expect(grounding.evidence['patient.name'].bbox.y).toBeGreaterThan(600);
    expect(grounding.evidence['encounter.dateOfService'].match).toBe('exact');
    const evidence = Object.values(grounding.evidence) as Array<{ match: string; bbox: unknown }>;
    expect(evidence.filter((value) => value.match === 'ungrounded')).toEqual([]);
    expect(evidence.some((value) => value.match === 'fuzzy')).toBe(true);
    for (const value of evidence) expect(value.bbox).not.toBeNull();
    // OCR read `Ht 5'7"` as `Ht 57"`, so the extraction says 144.8 cm (57 in)
    // where the record says 170.2: that wrong value is the one review catches.
    // `(110)` for `(I10)` and `Ib` for `lb` are read through the contextual
    // OCR repairs and confirmed.
    expect(result?.fields).toMatchObject({ vitals: { heightCm: 144.8, weightKg: 82.6 } });
    expect(grounding.review.required).toBe(true);
    expect(
      grounding.review.flags.map((flag: { path: string; reason: string }) => [
        flag.path,
        flag.reason,
      ]),
    ).toEqual([['vitals.heightCm', 'LOW_CONFIDENCE']]);
    expect(result?.outcome).toBe('NEEDS_REVIEW');
    expect(row.Item).toMatchObject({
      servedBy: 'local.rule-based-extractor-v1+ocr',
      usageEstimated: true,
    });
  });

  it("ends SUCCEEDED when OCR confirms every value: the generator's default scan of the record", async () => {
    // Prepare
    const path = await write(
      'default-scan.pdf',
      await scanPdf(await recordPdf(), DEFAULT_SCAN_OPTIONS),
    );

    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 150_000 });

    // Assess
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      outcome: 'SUCCEEDED',
      promptVersion: '2.2.0',
    });
    expect(result?.fields).toMatchObject({
      patient: { name: SYNTHETIC_PATIENT, dateOfBirth: '1971-03-14', sex: 'F' },
      encounter: { dateOfService: '2026-10-02' },
      vitals: { heightCm: 170.2, weightKg: 82.6 },
      diagnoses: [{ icd10: 'I10' }, { icd10: 'E11.9' }],
    });
  });

  it("sends a mixed document's text page as text and its scanned page as an image", async () => {
    // Prepare
    const path = await write('mixed.pdf', await mixedPdf());
    const before = stack.bedrock.stats().calls;

    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 150_000 });

    // Assess
    expect(result).toMatchObject({ status: 'SUCCEEDED', promptVersion: '2.2.0' });
    expect(result?.fields).toMatchObject({ patient: { name: SYNTHETIC_PATIENT } });
    expect(stack.bedrock.stats().calls).toBe(before + 1);
    const manifest = await stack.clients.s3.send(
      new GetObjectCommand({ Bucket: stack.bucket, Key: `work/${result?.documentId}/pages.json` }),
    );
    const pages = JSON.parse((await manifest.Body?.transformToString()) ?? '{}').pages;
    expect(pages.map((page: { kind: string }) => page.kind)).toEqual(['text', 'image']);
    expect(pages[0].text).toContain('Cover sheet');
  });

  it('fails a scan with nothing legible as SCAN_UNREADABLE, not as a weak success', async () => {
    const path = await write('unreadable.pdf', await imageOnlyPdf());
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 150_000 });
    expect(result).toMatchObject({ status: 'FAILED', reason: 'SCAN_UNREADABLE', fields: null });
  });

  describe('real-world image-only PDFs', () => {
    reportAbsentCorpus(realPdfs);

    it.runIf(realPdfs.absent === null)(
      'each reaches an outcome through the vision path, none NO_TEXT_LAYER',
      async () => {
        // Prepare
        const paths = REAL_IMAGE_ONLY.filter((file) => realPdfs.files.includes(file)).map(
          (file) => ({ path: join(realPdfs.dir, file) }),
        );
        expect(paths).toHaveLength(REAL_IMAGE_ONLY.length);

        // Act
        const results = await processFiles(target, paths, { timeoutMs: 150_000 });

        // Assess: pictures hold no record, so the documented outcome is SCAN_UNREADABLE.
        const outcomes = results.map((result) => `${result.status} ${result.reason ?? ''}`.trim());
        expect(outcomes).toHaveLength(REAL_IMAGE_ONLY.length);
        console.info(`real-world image-only PDFs: ${outcomes.join('; ')}`);
        for (const outcome of outcomes) {
          expect(
            ['SUCCEEDED', 'FAILED SCAN_UNREADABLE', 'FAILED RENDER_LIMIT'],
            outcomes.join('; '),
          ).toContain(outcome);
        }
        for (const result of results) {
          if (result.status === 'FAILED') expect(result.fields).toBeNull();
        }
      },
    );
  });

  it('fails a scan with PROMPT_NO_IMAGE_INPUT when production serves a text-only version', async () => {
    // Prepare
    await stack.clients.dynamodb.send(
      new PutCommand({
        TableName: physicalName(stack.stage, EXPERIMENTS_TABLE.suffix),
        Item: {
          ...aliasKey(PROMPT_FAMILY, PRODUCTION_ALIAS),
          version: '2.0.0',
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    // The version check comes before any model call, whatever the page shows: a scan of
    // a page with nothing to read spares LoadDocument's OCR the seconds a record costs.
    const path = await write(
      'scan-v2.pdf',
      await scanPdf(await imageOnlyPdf(), { ...scanOptions, seed: 'it-v2' }),
    );
    const before = stack.bedrock.stats().calls;

    // Act
    const [result] = await processFiles(target, [{ path }], { timeoutMs: 150_000 });

    // Assess
    expect(result).toMatchObject({
      status: 'FAILED',
      reason: 'PROMPT_NO_IMAGE_INPUT',
      promptVersion: '2.0.0',
    });
    expect(stack.bedrock.stats().calls).toBe(before);
  });
});
