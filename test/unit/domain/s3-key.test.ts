/** S3 event key decoding and encoding: spaces, plus signs, percent, non-ASCII, RTL, 1,024-byte keys. */

import { describe, expect, it } from 'vitest';
import {
  decodeS3Key,
  encodeS3Key,
  InvalidS3KeyError,
  MAX_S3_KEY_BYTES,
} from '#core/extraction/s3-key.ts';

/** 9 + 505 x 2 + 5 = 1,024 bytes of UTF-8. */
const KEY_1024_BYTES = `incoming/${'é'.repeat(505)}x.pdf`;

// Expected encodings come from an independent form encoder (Python quote_plus with
// Java URLEncoder's safe set), not from this module.
const CASES: readonly (readonly [label: string, key: string, encoded: string])[] = [
  ['a space', 'incoming/a b.pdf', 'incoming/a+b.pdf'],
  ['a literal plus', 'incoming/a+b.pdf', 'incoming/a%2Bb.pdf'],
  ['a percent sign', 'incoming/100%.pdf', 'incoming/100%25.pdf'],
  ['accents', 'incoming/Dossier médical.pdf', 'incoming/Dossier+m%C3%A9dical.pdf'],
  [
    'Arabic (right to left)',
    'incoming/ملف طبي.pdf',
    'incoming/%D9%85%D9%84%D9%81+%D8%B7%D8%A8%D9%8A.pdf',
  ],
  [
    'Hebrew (right to left)',
    'incoming/תיק רפואי.pdf',
    'incoming/%D7%AA%D7%99%D7%A7+%D7%A8%D7%A4%D7%95%D7%90%D7%99.pdf',
  ],
  [
    'parentheses, tilde, star and quotes',
    "incoming/scan (1)~copy*!'.pdf",
    'incoming/scan+%281%29%7Ecopy*%21%27.pdf',
  ],
  ['equals and ampersand', 'incoming/dt=2024-05-04/x&y.pdf', 'incoming/dt%3D2024-05-04/x%26y.pdf'],
];

describe('encodeS3Key', () => {
  it.each(CASES)('encodes a key with %s as S3 does', (_label, key, encoded) => {
    // Act
    const actual = encodeS3Key(key);

    // Assess
    expect(actual).toBe(encoded);
  });

  it('rejects keys S3 cannot hold', () => {
    // Act
    const empty = () => encodeS3Key('');
    const tooLong = () => encodeS3Key(`${KEY_1024_BYTES}x`);
    const loneSurrogate = () => encodeS3Key('incoming/\ud800.pdf');

    // Assess
    expect(empty).toThrow(expect.objectContaining({ name: 'InvalidS3Key', problem: 'EMPTY' }));
    expect(tooLong).toThrow(expect.objectContaining({ problem: 'TOO_LONG' }));
    expect(loneSurrogate).toThrow(expect.objectContaining({ problem: 'LONE_SURROGATE' }));
  });
});

describe('decodeS3Key', () => {
  it.each(CASES)('decodes a key with %s', (_label, key, encoded) => {
    // Act
    const decoded = decodeS3Key(encoded);

    // Assess
    expect(decoded).toBe(key);
  });

  it.each(CASES)('round-trips a key with %s', (_label, key) => {
    // Act
    const roundTrip = decodeS3Key(encodeS3Key(key));

    // Assess
    expect(roundTrip).toBe(key);
  });

  it('round-trips a 1,024-byte key whose encoded form is far longer', () => {
    // Prepare
    const encoded = encodeS3Key(KEY_1024_BYTES);

    // Act
    const decoded = decodeS3Key(encoded);

    // Assess
    expect(new TextEncoder().encode(KEY_1024_BYTES).length).toBe(MAX_S3_KEY_BYTES);
    expect(encoded.length).toBe(9 + 505 * 6 + 5);
    expect(decoded).toBe(KEY_1024_BYTES);
  });

  it.each([
    // From the S3 notification docs: "red flower.jpg" becomes "red+flower.jpg".
    ['red+flower.jpg', 'red flower.jpg'],
    // Reported from real S3 events: colons (and, in older events, slashes) arrive escaped.
    [
      'test%2F10%3A47%3A07.20151213-1450022300.log.bz2',
      'test/10:47:07.20151213-1450022300.log.bz2',
    ],
    ['something/dt%3D2018-05-04/_SUCCESS', 'something/dt=2018-05-04/_SUCCESS'],
    ['space+plus%2Btest.txt', 'space plus+test.txt'],
    ['incoming/Scan+%281%29.pdf', 'incoming/Scan (1).pdf'],
    // Lower-case hex is accepted too.
    ['incoming/m%c3%a9dical.pdf', 'incoming/médical.pdf'],
  ])('decodes the S3-style key %s', (encoded, key) => {
    // Act
    const decoded = decodeS3Key(encoded);

    // Assess
    expect(decoded).toBe(key);
  });

  it.each([
    ['a truncated escape', 'incoming/100%.pdf', 'MALFORMED_ESCAPE'],
    ['a non-hex escape', 'incoming/%zz.pdf', 'MALFORMED_ESCAPE'],
    ['half a UTF-8 sequence', 'incoming/m%C3.pdf', 'MALFORMED_ESCAPE'],
    ['an encoded surrogate', 'incoming/%ED%A0%80.pdf', 'MALFORMED_ESCAPE'],
    ['an empty key', '', 'EMPTY'],
    ['a key over 1,024 bytes', `incoming/${'a'.repeat(1_016)}`, 'TOO_LONG'],
  ])('rejects %s with InvalidS3Key and no key text', (_label, encoded, problem) => {
    // Act
    const act = () => decodeS3Key(encoded);

    // Assess
    expect(act).toThrow(InvalidS3KeyError);
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidS3Key', problem }));
    expect(act).not.toThrow(/incoming/);
  });
});
