/** Key classification: which uploads are documents, and the one IGNORED reason of every other key. */
import { describe, expect, it } from 'vitest';
import { encodeS3Key } from '#core/extraction/s3-key.ts';
import { classifyEventKey, classifyKey, isDocumentKey } from '#core/ledger/key-classification.ts';

describe('classifyKey', () => {
  it.each([
    'incoming/aps-0001.pdf',
    'incoming/scan.PDF',
    'incoming/Report.Pdf',
    'incoming/a/b/c/Smith, John - APS.pdf',
    'incoming/dots.in.name.pDf',
  ])('treats %j as a document', (key) => {
    expect(classifyKey(key)).toEqual({ kind: 'document' });
    expect(isDocumentKey(key)).toBe(true);
  });

  it.each([
    ['work/abc/text.txt', 'OUTSIDE_INCOMING'],
    ['Incoming/x.pdf', 'OUTSIDE_INCOMING'],
    ['incoming/', 'FOLDER_MARKER'],
    ['incoming/2026/claims/', 'FOLDER_MARKER'],
    ['incoming/../results/x.pdf', 'UNSAFE_KEY'],
    ['incoming/a/../x.pdf', 'UNSAFE_KEY'],
    ['incoming/./x.pdf', 'UNSAFE_KEY'],
    ['incoming/a//x.pdf', 'UNSAFE_KEY'],
    ['incoming/line\nbreak.pdf', 'UNSAFE_KEY'],
    ['incoming/nul\u0000.pdf', 'UNSAFE_KEY'],
    ['incoming/c1\u0085.pdf', 'UNSAFE_KEY'],
    ['incoming/del\u007f.pdf', 'UNSAFE_KEY'],
    ['incoming/notes.docx', 'UNSUPPORTED_EXTENSION'],
    ['incoming/scan.pdf.zip', 'UNSUPPORTED_EXTENSION'],
    ['incoming/no-extension', 'UNSUPPORTED_EXTENSION'],
    ['incoming/trailing-space.pdf ', 'UNSUPPORTED_EXTENSION'],
    ['incoming/pdf', 'UNSUPPORTED_EXTENSION'],
  ])('ignores %j as %s', (key, reason) => {
    expect(classifyKey(key)).toEqual({ kind: 'ignored', reason });
    expect(isDocumentKey(key)).toBe(false);
  });

  it('gives a folder marker under an unsafe path one reason: FOLDER_MARKER', () => {
    expect(classifyKey('incoming/../')).toEqual({ kind: 'ignored', reason: 'FOLDER_MARKER' });
  });
});

describe('classifyEventKey', () => {
  it('decodes the event form before classifying, and returns the decoded key', () => {
    // Prepare
    const key = 'incoming/Smith, John - APS.Pdf';

    // Act
    const result = classifyEventKey(encodeS3Key(key));

    // Assess
    expect(result).toEqual({ kind: 'document', key });
  });

  it.each([
    ['a malformed escape', 'incoming/%E0%A4%A.pdf'],
    ['invalid UTF-8', 'incoming/%C3%28.pdf'],
    ['an empty key', ''],
  ])('calls a key with %s UNSAFE_KEY without a decoded key', (_name, encoded) => {
    expect(classifyEventKey(encoded)).toEqual({ kind: 'ignored', reason: 'UNSAFE_KEY', key: null });
  });

  it('keeps the decoded key of an ignored object so it can be recorded', () => {
    expect(classifyEventKey('incoming/notes+v2.docx')).toEqual({
      kind: 'ignored',
      reason: 'UNSUPPORTED_EXTENSION',
      key: 'incoming/notes v2.docx',
    });
  });
});
