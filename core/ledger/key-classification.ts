/**
 * Decides what an object key under the documents bucket is: a document the
 * pipeline processes (a `.pdf` name in any letter case under `incoming/`) or
 * something to record as IGNORED with a reason. Reasons name the problem,
 * never the key, which may carry a patient's name.
 */
import { decodeS3Key, InvalidS3KeyError } from '#core/extraction/s3-key.ts';

/** Why an object is recorded as IGNORED instead of processed. */
export const IGNORE_REASONS = [
  /** Not under the `incoming/` prefix. */
  'OUTSIDE_INCOMING',
  /** A zero-byte "folder" object whose key ends in `/`. */
  'FOLDER_MARKER',
  /** A name whose extension is not `.pdf` (any case), or that has none. */
  'UNSUPPORTED_EXTENSION',
  /** `.` or `..` segments, empty segments, control characters, or a key that does not decode. */
  'UNSAFE_KEY',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export type KeyClassification =
  | { readonly kind: 'document' }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason };

export const INCOMING_PREFIX = 'incoming/';
const DOCUMENT_EXTENSION = '.pdf';

const DOCUMENT: KeyClassification = { kind: 'document' };
const ignored = (reason: IgnoreReason): KeyClassification => ({ kind: 'ignored', reason });

/** C0 and C1 control characters, DEL included. */
const hasControlCharacter = (key: string): boolean => {
  for (const char of key) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
};

/**
 * Classifies a decoded object key. Checks run in a fixed order so each key
 * has exactly one reason: outside `incoming/`, then folder marker, then
 * unsafe, then extension. The extension is compared case-insensitively, so
 * `Report.Pdf` and `scan.PDF` are documents.
 */
export const classifyKey = (key: string): KeyClassification => {
  if (!key.startsWith(INCOMING_PREFIX)) return ignored('OUTSIDE_INCOMING');
  if (key.endsWith('/')) return ignored('FOLDER_MARKER');
  if (hasControlCharacter(key)) return ignored('UNSAFE_KEY');
  const segments = key.slice(INCOMING_PREFIX.length).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return ignored('UNSAFE_KEY');
  }
  const name = segments[segments.length - 1] ?? '';
  return name.toLowerCase().endsWith(DOCUMENT_EXTENSION)
    ? DOCUMENT
    : ignored('UNSUPPORTED_EXTENSION');
};

/**
 * Classifies a key as an S3 event carries it (URL-encoded). A key that does
 * not decode is UNSAFE_KEY; the decoded key is returned for documents and
 * for ignored keys that did decode, so the caller can record it.
 */
export const classifyEventKey = (
  encoded: string,
): KeyClassification & { readonly key: string | null } => {
  let key: string;
  try {
    key = decodeS3Key(encoded);
  } catch (error) {
    if (error instanceof InvalidS3KeyError) return { ...ignored('UNSAFE_KEY'), key: null };
    throw error;
  }
  return { ...classifyKey(key), key };
};

/** True for a key the pipeline processes. */
export const isDocumentKey = (key: string): boolean => classifyKey(key).kind === 'document';
