/**
 * LoadDocument on a corpus-style scan (`npm run corpus -- --scanned`: four
 * dense letter pages rastered at 200 dpi, one JPEG per page): every image
 * page of the geometry sidecar carries the page's own OCR text with word
 * boxes, within the invocation's time as the Lambda context counts it, so
 * grounding has text to confirm values on. The log line says how many pages
 * were read and why any was not, without any page text.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentGeometrySchema } from '#contracts/geometry.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { configFor } from '#infra/config.ts';
import { generateDocument } from '#local/corpus/generate.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

describe('load-document handler on a corpus scan', () => {
  let handler: typeof import('#functions/load-document/handler.ts')['handler'];
  const s3 = mockClient(S3Client);
  const doc = mockClient(DynamoDBDocumentClient);
  const entries = new Map<string, LedgerEntry>();
  const event = loadEvent('tasks/load-document') as { documentId: string };

  beforeAll(async () => {
    setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    ({ handler } = await import('#functions/load-document/handler.ts'));
  });

  it('gives every image page its OCR text and words within the function timeout', async () => {
    // Prepare: the corpus's own generator and scan, as `--count 1 --seed judge --scanned` writes it.
    const generated = await generateDocument('judge', 1, 'attending_physician_statement');
    const pdf = await scanPdf(generated.pdf, {
      ...DEFAULT_SCAN_OPTIONS,
      seed: 'judge:aps-0001.pdf',
    });
    entries.set(
      event.documentId,
      receivedEntry(event.documentId, {
        bucket: 'medextract-local-documents',
        key: 'incoming/aps-0001.pdf',
        versionId: 'v1',
        etag: 'e1',
      }),
    );
    serveLedgerTable(doc, 'medextract-test-ledger', entries);
    s3.on(GetObjectCommand).resolves({
      Body: sdkStreamMixin(Readable.from([Buffer.from(pdf)])),
      ContentLength: pdf.length,
    });
    s3.on(PutObjectCommand).resolves({});
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const timeoutMs = configFor('dev').functions['load-document'].timeoutSeconds * 1000;

    // Act
    const started = Date.now();
    const output = await handler(event, testContext('load-document', { timeoutMs }));
    const tookMs = Date.now() - started;
    stdout.mockRestore();

    // Assess
    expect(output.imagePageCount).toBe(generated.pages);
    expect(generated.pages).toBeGreaterThanOrEqual(3);
    expect(tookMs).toBeLessThan(timeoutMs);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const sidecar = puts.find((put) => put.Key === `work/${event.documentId}/geometry.json`);
    const geometry = DocumentGeometrySchema.parse(JSON.parse(String(sidecar?.Body)));
    for (const page of geometry.pages) {
      expect(page, `page ${page.page}`).toMatchObject({ kind: 'image', source: 'ocr' });
      expect(page.items.length, `page ${page.page}`).toBeGreaterThan(20);
    }
    // The first page opens with the clinic's letterhead and the statement's title.
    expect(geometry.pages[0]?.text).toMatch(/ATTENDING PHYSICIAN STATEMENT/);
    const loaded = written.find((line) => line.includes('Document loaded'));
    expect(loaded).toBeDefined();
    const fields = JSON.parse(loaded ?? '{}');
    expect(fields).toMatchObject({ ocrPageCount: generated.pages, ocrMisses: {} });
    expect(loaded).not.toContain('ATTENDING');
  }, 240_000);
});
