/**
 * LoadDocument task: fetch the exact object version, inspect it, store the
 * text under `work/<documentId>/` (and, for scanned pages, their rendered
 * images and a page manifest) and return only URIs and counts.
 */
import { GetObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { BadDocumentError } from '#contracts/errors.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { toS3Uri } from '#contracts/s3-uri.ts';
import {
  type LoadDocumentInput,
  LoadDocumentInputSchema,
  type LoadDocumentOutput,
} from '#contracts/task-schemas.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { intEnv, requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { storePageImages } from './page-images.ts';
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

const fetchObject = async (input: LoadDocumentInput): Promise<Uint8Array> => {
  try {
    const object = await s3Client().send(
      new GetObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        ...(input.versionId ? { VersionId: input.versionId } : {}),
        ...(!input.versionId && input.etag ? { IfMatch: quoteEtag(input.etag) } : {}),
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

const loadDocument = async (event: unknown): Promise<LoadDocumentOutput> => {
  const input = LoadDocumentInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId });
  const bytes = await fetchObject(input);
  const { text, pageCount, pages } = await inspectPdf(bytes, config.limits);
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
  const output: LoadDocumentOutput = {
    textUri: toS3Uri({ bucket: config.workBucket, key: textKey }),
    pageCount,
    charCount: text.length,
    byteSize: bytes.byteLength,
    pagesUri: images ? toS3Uri({ bucket: config.workBucket, key: images.manifestKey }) : null,
    imagePageCount: images?.imagePageCount ?? 0,
  };
  logger.info('Document loaded', {
    pageCount,
    charCount: output.charCount,
    byteSize: output.byteSize,
    imagePageCount: output.imagePageCount,
    renderMs: images?.renderMs ?? 0,
  });
  return output;
};

export const handler = instrument(observability, loadDocument);
