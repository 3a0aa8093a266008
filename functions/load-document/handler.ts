/**
 * LoadDocument task: look the document id up in the ledger, fetch that exact
 * object version, mark it PROCESSING, inspect it, store the text under
 * `work/<documentId>/` with its page geometry (and, for scanned pages, their rendered images,
 * a page manifest and OCR word boxes in the geometry) and return only URIs and counts. A version that a newer
 * upload of the same key replaced before it could be read is recorded
 * SUPERSEDED (not a failure) and ends the execution through `DocumentSuperseded`.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3ServiceException,
} from '#adapters/aws-sdk/client-s3.cjs';
import { BadDocumentError } from '#contracts/errors.ts';
import { GEOMETRY_FILE } from '#contracts/geometry.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { toS3Uri } from '#contracts/s3-uri.ts';
import {
  type LoadDocumentInput,
  LoadDocumentInputSchema,
  type LoadDocumentOutput,
} from '#contracts/task-schemas.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { compareUploads } from '#core/ledger/supersession.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { intEnv, requireEnv } from '#functions/shared/env.ts';
import { ledger, requireLedgerEntry, versionsOfKey } from '#functions/shared/ledger.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { storePageImages } from './page-images.ts';
import { ocrBudgetFor, withOcrGeometry } from './page-ocr.ts';
import { DEFAULT_LIMITS, type DocumentLimits, inspectPdf } from './pdf-inspection.ts';

const config = {
  workBucket: requireEnv('DOCUMENTS_BUCKET'),
  limits: {
    ...DEFAULT_LIMITS,
    maxBytes: intEnv('MAX_DOCUMENT_BYTES', DEFAULT_LIMITS.maxBytes),
    maxPages: intEnv('MAX_PAGES', DEFAULT_LIMITS.maxPages),
    maxImagePages: intEnv('MAX_IMAGE_PAGES', DEFAULT_LIMITS.maxImagePages),
  } satisfies DocumentLimits,
};
const observability = createObservability('load-document');
const { logger } = observability;

/**
 * S3 answers that mean the version we were told about no longer exists.
 * Without s3:ListBucket (withheld: key listings can expose patient names) S3
 * answers a missing key with AccessDenied, so that counts too; the cause
 * keeps the S3 error name, so a real permission fault stays visible.
 */
const GONE = new Set([
  'NoSuchKey',
  'NoSuchVersion',
  'NotFound',
  'PreconditionFailed',
  'AccessDenied',
]);

/** S3 notifications carry the ETag bare; If-Match wants it quoted. */
const quoteEtag = (etag: string): string => (etag.startsWith('"') ? etag : `"${etag}"`);

/** A newer upload of the same key replaced this version before it was read; not a failure. */
export class DocumentSupersededError extends Error {
  override readonly name = 'DocumentSuperseded';
}

const fetchObject = async (entry: LedgerEntry): Promise<Uint8Array> => {
  try {
    const object = await s3Client().send(
      new GetObjectCommand({
        Bucket: entry.bucket,
        Key: entry.key,
        ...(entry.versionId ? { VersionId: entry.versionId } : {}),
        ...(!entry.versionId && entry.etag ? { IfMatch: quoteEtag(entry.etag) } : {}),
      }),
    );
    if ((object.ContentLength ?? 0) > config.limits.maxBytes) {
      object.Body?.transformToWebStream().cancel();
      throw new BadDocumentError('TOO_LARGE');
    }
    return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  } catch (error) {
    if (error instanceof S3ServiceException && GONE.has(error.name)) {
      throw new BadDocumentError('OBJECT_GONE', error.name);
    }
    throw error;
  }
};

/**
 * The document id of the newer upload that replaced `entry`'s version: from
 * the ledger, or, when its notification has not been recorded yet, from the
 * object now under the key (a different version or ETag). Null when the key
 * holds no newer object (the version was deleted).
 */
const newerUploadOf = async (entry: LedgerEntry): Promise<string | null> => {
  const recorded = (await versionsOfKey(ledger(), entry)).find(
    (version) => compareUploads(version, entry) > 0,
  );
  if (recorded) return recorded.documentId;
  let current: HeadObjectCommandOutput | undefined;
  try {
    current = await s3Client().send(
      new HeadObjectCommand({ Bucket: entry.bucket, Key: entry.key }),
    );
  } catch {
    return null; // Nothing under the key any more: the version was deleted.
  }
  if (!current) return null;
  const versionId = current.VersionId && current.VersionId !== 'null' ? current.VersionId : null;
  const etag = current.ETag?.replace(/^"(.*)"$/, '$1') ?? null;
  const same = entry.versionId !== null ? versionId === entry.versionId : etag === entry.etag;
  if (same || (versionId === null && etag === null)) return null;
  return documentIdFor({
    bucket: entry.bucket,
    key: entry.key,
    ...(versionId ? { versionId } : {}),
    ...(etag ? { etag } : {}),
  });
};

/** Records SUPERSEDED when a newer upload of the key replaced this version; else rethrows `gone`. */
const supersededOrGone = async (entry: LedgerEntry, gone: unknown): Promise<never> => {
  const newer = await newerUploadOf(entry);
  if (newer === null) throw gone;
  const written = await ledger().record(entry.documentId, {
    kind: 'superseded',
    at: new Date().toISOString(),
    supersededBy: newer,
  });
  // A version that already ran (a redrive of a FAILED one) keeps its own outcome.
  if (written.entry?.status !== 'SUPERSEDED') throw gone;
  logger.info('Document superseded by a newer upload of its key');
  throw new DocumentSupersededError('a newer version of this object replaced it');
};

const loadDocument = async (event: unknown, context: Context): Promise<LoadDocumentOutput> => {
  const input: LoadDocumentInput = LoadDocumentInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId });
  const entry = await requireLedgerEntry(ledger(), input.documentId);
  if (entry.status === 'SUPERSEDED') {
    throw new DocumentSupersededError('a newer version of this object replaced it');
  }
  const bytes = await fetchObject(entry).catch((error: unknown) =>
    error instanceof BadDocumentError && error.reason === 'OBJECT_GONE'
      ? supersededOrGone(entry, error)
      : Promise.reject(error),
  );
  const marked = await ledger().record(
    input.documentId,
    {
      kind: 'processing',
      at: new Date().toISOString(),
      executionArn: input.executionId,
      attempt: input.attempt,
    },
    // Read above; the write is conditional on its revision, so no second read.
    { known: entry },
  );
  // The starter may have superseded this version while it was being read; that write won.
  if (marked.entry?.status === 'SUPERSEDED') {
    throw new DocumentSupersededError('a newer version of this object replaced it');
  }
  const { text, pageCount, pages, geometry } = await inspectPdf(bytes, config.limits);
  const workPrefix = `${BUCKET_PREFIXES.work}${input.documentId}/`;
  const textKey = `${workPrefix}text.txt`;
  await s3Client().send(
    new PutObjectCommand({
      Bucket: config.workBucket,
      Key: textKey,
      Body: text,
      ContentType: 'text/plain; charset=utf-8',
    }),
  );
  const images = await storePageImages({
    s3: s3Client(),
    bucket: config.workBucket,
    workPrefix,
    bytes,
    pageCount,
    pages,
  });
  // Image pages get OCR word boxes within what is left of the invocation (ADR 41);
  // a page not read in time has none, and the log line says why.
  const ocr = images
    ? await withOcrGeometry(
        geometry,
        images.rendered,
        ocrBudgetFor(context.getRemainingTimeInMillis()),
      )
    : { geometry, ocrPageCount: 0, ocrMs: 0, misses: {}, errorNames: [], pageMs: [] };
  const geometryKey = `${workPrefix}${GEOMETRY_FILE}`;
  await s3Client().send(
    new PutObjectCommand({
      Bucket: config.workBucket,
      Key: geometryKey,
      Body: JSON.stringify(ocr.geometry),
      ContentType: 'application/json',
    }),
  );
  const output: LoadDocumentOutput = {
    textUri: toS3Uri({ bucket: config.workBucket, key: textKey }),
    pageCount,
    charCount: text.length,
    byteSize: bytes.byteLength,
    pagesUri: images ? toS3Uri({ bucket: config.workBucket, key: images.manifestKey }) : null,
    imagePageCount: images?.imagePageCount ?? 0,
    geometryUri: toS3Uri({ bucket: config.workBucket, key: geometryKey }),
    // Identical uploads share it, so an earlier extraction of these bytes can be reused (ADR 40).
    contentSha256: createHash('sha256').update(bytes).digest('hex'),
  };
  logger.info('Document loaded', {
    pageCount,
    charCount: output.charCount,
    byteSize: output.byteSize,
    imagePageCount: output.imagePageCount,
    renderMs: images?.renderMs ?? 0,
    ocrPageCount: ocr.ocrPageCount,
    ocrMs: ocr.ocrMs,
    ocrPageMs: ocr.pageMs,
    // Reason codes and error names only: never text, never a key.
    ocrMisses: ocr.misses,
    ocrErrorNames: ocr.errorNames,
  });
  return output;
};

export const handler = instrument(observability, loadDocument);
