/**
 * Document identity: one id per uploaded object version, used as the Step
 * Functions execution name so a duplicate S3 event cannot start a second
 * execution. The id is a hash, so the key (which may hold a patient's name)
 * never appears in execution names, logs or metrics.
 */

import { createHash } from 'node:crypto';

/** Where an uploaded object lives. One of `versionId` or `etag` is required. */
export interface ObjectRef {
  readonly bucket: string;
  /** The decoded object key (see `decodeS3Key`), not the URL-encoded form from the event. */
  readonly key: string;
  /** Preferred: unique per upload in a versioned bucket. */
  readonly versionId?: string;
  /** Fallback for unversioned buckets: changes when the content changes. */
  readonly etag?: string;
}

/** An object reference that cannot identify a document. Messages name fields, never values. */
export class InvalidObjectRefError extends Error {
  override readonly name = 'InvalidObjectRef';
}

const MAX_EXECUTION_NAME_LENGTH = 80;
/** Characters Step Functions forbids in execution names. */
const FORBIDDEN_NAME_CHARS: ReadonlySet<string> = new Set([...'<>{}[]?*', ...'"#%\\^|~`$&,;:/']);

/**
 * `hex(sha256(bucket + "\n" + key + "\n" + (versionId ?? etag)))`: 64 lowercase
 * hex characters, always a valid execution name. Quotes around an ETag are
 * dropped, because HeadObject returns `"abc"` where the S3 event says `abc`.
 * The newline separators are unambiguous because bucket names, version ids
 * and ETags never contain one.
 *
 * @throws InvalidObjectRefError when bucket or key is empty, neither version id
 *   nor ETag is given, or bucket / version / ETag contains a newline.
 */
export function documentIdFor(ref: ObjectRef): string {
  const { bucket, key } = ref;
  const version = nonEmpty(ref.versionId) ?? nonEmpty(ref.etag?.replace(/^"(.*)"$/, '$1'));
  if (bucket === '' || key === '') {
    throw new InvalidObjectRefError('bucket and key must be non-empty');
  }
  if (version === undefined) {
    throw new InvalidObjectRefError('one of versionId or etag is required');
  }
  if (bucket.includes('\n') || version.includes('\n')) {
    throw new InvalidObjectRefError('bucket, versionId and etag must not contain a newline');
  }
  return createHash('sha256').update(`${bucket}\n${key}\n${version}`, 'utf8').digest('hex');
}

/**
 * Whether `name` is accepted by Step Functions as an execution name: 1 to 80
 * characters (UTF-16 units, the stricter count), no white space, none of
 * `< > { } [ ] ? * " # % \ ^ | ~ \` $ & , ; : /`, no control characters
 * (U+0000-001F, U+007F-009F, U+FFFE-FFFF), no lone surrogates, not U+10FFFF.
 * Names that pass can still be unfriendly to CloudWatch Logs, which wants
 * `[0-9A-Za-z_-]`; document ids are plain hex and satisfy both.
 */
export function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > MAX_EXECUTION_NAME_LENGTH) {
    return false;
  }
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (
      /\s/u.test(char) ||
      FORBIDDEN_NAME_CHARS.has(char) ||
      code <= 0x1f ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0xfffe ||
      code === 0xffff ||
      code === 0x10ffff
    ) {
      return false;
    }
  }
  return true;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
