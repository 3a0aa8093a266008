/**
 * Object keys as S3 event notifications carry them: form-URL-encoded
 * ("red flower.jpg" arrives as "red+flower.jpg", a literal "+" as "%2B",
 * non-ASCII as UTF-8 percent escapes, "/" left as is). Decode before calling
 * GetObject; a key used raw is a "NoSuchKey" waiting to happen.
 */

/** What is wrong with a key. Keys themselves never go into messages (they may name a patient). */
export type S3KeyProblem = 'MALFORMED_ESCAPE' | 'EMPTY' | 'TOO_LONG' | 'LONE_SURROGATE';

/** An event key that does not decode to a valid S3 object key. */
export class InvalidS3KeyError extends Error {
  override readonly name = 'InvalidS3Key';
  constructor(readonly problem: S3KeyProblem) {
    super(`invalid S3 object key: ${problem}`);
  }
}

/** S3 limits keys to 1,024 bytes of UTF-8. */
export const MAX_S3_KEY_BYTES = 1024;

const utf8 = new TextEncoder();
/** Left as is by Java's URLEncoder (which S3 follows), plus the path separator S3 keeps. */
const UNESCAPED = /^[A-Za-z0-9.\-*_/]$/;

/**
 * Decodes a key from an S3 event: `+` becomes a space, then percent escapes
 * are decoded as UTF-8 (upper or lower case hex).
 *
 * @throws InvalidS3KeyError for a malformed escape or invalid UTF-8
 *   (`MALFORMED_ESCAPE`), an empty key, or one over 1,024 bytes.
 */
export function decodeS3Key(encoded: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    throw new InvalidS3KeyError('MALFORMED_ESCAPE');
  }
  checkKey(key);
  return key;
}

/**
 * Encodes a key the way S3 writes it into event notifications
 * (`application/x-www-form-urlencoded`, like Java's `URLEncoder`): letters,
 * digits, `. - * _` and `/` stay, a space becomes `+`, every other byte of the
 * UTF-8 form becomes `%XX` (upper-case hex). Used to build test events and
 * local notifications that match what AWS sends.
 *
 * @throws InvalidS3KeyError for an empty key, one over 1,024 bytes, or a key
 *   with a lone surrogate (not representable in UTF-8).
 */
export function encodeS3Key(key: string): string {
  checkKey(key);
  let encoded = '';
  for (const char of key) {
    if (UNESCAPED.test(char)) {
      encoded += char;
    } else if (char === ' ') {
      encoded += '+';
    } else {
      for (const byte of utf8.encode(char)) {
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return encoded;
}

function checkKey(key: string): void {
  if (key === '') {
    throw new InvalidS3KeyError('EMPTY');
  }
  for (const char of key) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new InvalidS3KeyError('LONE_SURROGATE');
    }
  }
  if (utf8.encode(key).length > MAX_S3_KEY_BYTES) {
    throw new InvalidS3KeyError('TOO_LONG');
  }
}
