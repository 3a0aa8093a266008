/**
 * Links to a document's bytes: a short-lived GET of the object version the
 * ledger recorded for a document id, and a short-lived PUT for a new upload
 * under `incoming/`, its name checked by the same key rules the starter
 * applies so an upload link never leads to an IGNORED entry.
 */
import { ledgerRepository } from '#adapters/ledger.ts';
import { presignGet, presignPut, type SignedLink } from '#adapters/s3-links.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { classifyKey } from '#core/ledger/key-classification.ts';
import type { ServiceContext } from './context.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

/** Default and longest lifetime of a download link. */
export const PDF_LINK_SECONDS = { default: 300, max: 3_600 } as const;
/** Default and longest lifetime of an upload link. */
export const UPLOAD_LINK_SECONDS = { default: 900, max: 3_600 } as const;

const expiry = (
  wanted: number | undefined,
  bounds: { readonly default: number; readonly max: number },
): number => {
  const seconds = wanted ?? bounds.default;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > bounds.max) {
    throw new InvalidInputError(
      'INVALID_EXPIRY',
      `a link lives 1 to ${bounds.max} seconds`,
      'expires_in',
    );
  }
  return seconds;
};

/** A GET link to the source PDF of a document id, the exact version the ledger recorded. */
export const pdfLink = async (
  ctx: ServiceContext,
  documentId: string,
  expiresInSeconds?: number,
): Promise<SignedLink & { readonly documentId: string }> => {
  if (!/^[0-9a-f]{64}$/.test(documentId)) {
    throw new InvalidInputError('INVALID_DOCUMENT_ID', 'a document id is 64 hex digits', 'id');
  }
  const seconds = expiry(expiresInSeconds, PDF_LINK_SECONDS);
  const entry = await ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger).get(documentId);
  if (entry === undefined || entry.bucket !== ctx.bucket) {
    throw new NotFoundError('UNKNOWN_DOCUMENT', 'no upload with this document id', 'id');
  }
  const link = await presignGet(ctx.clients.s3, entry, seconds);
  return { documentId, ...link };
};

/**
 * A PUT link for `incoming/<fileName>`. The name may hold folders
 * (`2026/aps.pdf`); it must be a key the pipeline processes: a `.pdf` name
 * (any case), no empty, `.` or `..` segments, no control characters.
 */
export const uploadLink = async (
  ctx: ServiceContext,
  fileName: string,
  expiresInSeconds?: number,
): Promise<SignedLink & { readonly key: string }> => {
  const name = fileName.startsWith(BUCKET_PREFIXES.incoming)
    ? fileName.slice(BUCKET_PREFIXES.incoming.length)
    : fileName;
  const key = `${BUCKET_PREFIXES.incoming}${name}`;
  if (name === '' || Buffer.byteLength(key, 'utf-8') > 1_024) {
    throw new InvalidInputError(
      'INVALID_FILE_NAME',
      'a file name is 1 to 1,000 bytes',
      'file_name',
    );
  }
  const classified = classifyKey(key);
  if (classified.kind === 'ignored') {
    throw new InvalidInputError(
      classified.reason,
      classified.reason === 'UNSUPPORTED_EXTENSION'
        ? 'only .pdf files are processed'
        : 'the file name is not a safe object key',
      'file_name',
    );
  }
  const seconds = expiry(expiresInSeconds, UPLOAD_LINK_SECONDS);
  const link = await presignPut(ctx.clients.s3, { bucket: ctx.bucket, key }, seconds);
  return { key, ...link };
};
