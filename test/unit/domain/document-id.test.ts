/** Document ids (hash of bucket, key and version) and Step Functions execution-name rules. */

import { describe, expect, it } from 'vitest';
import {
  documentIdFor,
  InvalidObjectRefError,
  isValidExecutionName,
} from '#core/extraction/document-id.ts';

const BUCKET = 'medextract-documents';
const KEY = 'incoming/a b.pdf';
const VERSION = '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY';
const ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

describe('documentIdFor', () => {
  it('is the hex SHA-256 of bucket, key and version id joined by newlines', () => {
    // Act
    const id = documentIdFor({ bucket: BUCKET, key: KEY, versionId: VERSION, etag: ETAG });

    // Assess (reference value from an independent SHA-256)
    expect(id).toBe('ca9635b0dac5986472d86e1a48c214ea7545f5e33f625acd442dc59fb517c718');
  });

  it('falls back to the ETag when there is no version id, with or without quotes', () => {
    // Act
    const bare = documentIdFor({ bucket: BUCKET, key: KEY, etag: ETAG });
    const quoted = documentIdFor({ bucket: BUCKET, key: KEY, etag: `"${ETAG}"` });
    const emptyVersion = documentIdFor({ bucket: BUCKET, key: KEY, versionId: '', etag: ETAG });

    // Assess
    expect(bare).toBe('f4f203a119b35c95ed88cc772171274277d0b2a44d2a046be41e56bf48a577cc');
    expect(quoted).toBe(bare);
    expect(emptyVersion).toBe(bare);
  });

  it('hashes the key as UTF-8', () => {
    // Act
    const id = documentIdFor({
      bucket: 'bkt',
      key: 'incoming/Dossier médical.pdf',
      versionId: 'v1',
    });

    // Assess
    expect(id).toBe('9ac579546e102ed21a1cd86a74950881729539f0c63f6f4e1831f7ac9f12ff2c');
  });

  it('changes with each component', () => {
    // Prepare
    const base = { bucket: BUCKET, key: KEY, versionId: VERSION };

    // Act
    const ids = new Set([
      documentIdFor(base),
      documentIdFor({ ...base, bucket: 'other-bucket' }),
      documentIdFor({ ...base, key: 'incoming/a+b.pdf' }),
      documentIdFor({ ...base, versionId: 'another-version' }),
    ]);

    // Assess
    expect(ids.size).toBe(4);
  });

  it('is always a valid execution name of 64 lowercase hex characters', () => {
    // Act
    const id = documentIdFor({ bucket: BUCKET, key: 'incoming/ملف طبي.pdf', versionId: VERSION });

    // Assess
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(isValidExecutionName(id)).toBe(true);
  });

  it.each([
    [{ bucket: BUCKET, key: KEY }],
    [{ bucket: BUCKET, key: KEY, versionId: '', etag: '' }],
    [{ bucket: BUCKET, key: KEY, etag: '""' }],
    [{ bucket: '', key: KEY, versionId: VERSION }],
    [{ bucket: BUCKET, key: '', versionId: VERSION }],
    [{ bucket: BUCKET, key: KEY, versionId: 'v1\nv2' }],
  ])('rejects %j without echoing the key', (ref) => {
    // Act
    const act = () => documentIdFor(ref);

    // Assess
    expect(act).toThrow(InvalidObjectRefError);
    expect(act).not.toThrow(/a b\.pdf/);
  });
});

describe('isValidExecutionName', () => {
  it.each(['a', 'x'.repeat(80), 'doc-0123456789abcdef', 'Under_Score-and.dots', 'médical', '😀'])(
    'accepts %j',
    (name) => {
      // Act
      const valid = isValidExecutionName(name);

      // Assess
      expect(valid).toBe(true);
    },
  );

  it.each([
    ['empty', ''],
    ['81 characters', 'x'.repeat(81)],
    ['space', 'a b'],
    ['tab', 'a\tb'],
    ['no-break space', 'a\u00a0b'],
    ['ideographic space', 'a\u3000b'],
    ...[...'<>{}[]?*"#%\\^|~`$&,;:/'].map((c) => [`"${c}"`, `a${c}b`]),
    ['NUL', 'a\u0000b'],
    ['unit separator U+001F', 'a\u001fb'],
    ['DEL U+007F', 'a\u007fb'],
    ['C1 control U+009F', 'a\u009fb'],
    ['U+FFFE', 'a\ufffeb'],
    ['U+FFFF', 'a\uffffb'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
    ['U+10FFFF', 'a\u{10ffff}b'],
    ['an S3 key', 'incoming/a b.pdf'],
  ])('rejects a name with %s', (_label, name) => {
    // Act
    const valid = isValidExecutionName(name);

    // Assess
    expect(valid).toBe(false);
  });

  it('counts length in UTF-16 units: 40 emoji are 80 units, 41 are 82', () => {
    // Act
    const at80 = isValidExecutionName('😀'.repeat(40));
    const at82 = isValidExecutionName('😀'.repeat(41));

    // Assess
    expect(at80).toBe(true);
    expect(at82).toBe(false);
  });
});
