/**
 * The ledger page cursor: what is encoded decodes to the same position for
 * the same filters, and anything else (garbage, edited JSON, foreign key
 * attributes, another listing's filters) is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  filterFingerprint,
  InvalidCursorError,
  type PageCursor,
} from '#core/ledger/cursor.ts';

const filters = filterFingerprint({ status: 'FAILED', prefix: undefined });
const cursor: PageCursor = {
  index: 'byStatus',
  filters,
  startKey: { documentId: 'a'.repeat(64), status: 'FAILED', statusAt: '2026-12-01T10:00:00.000Z' },
};

const whyOf = (text: string, expected = filters): string => {
  try {
    decodeCursor(text, expected);
  } catch (error) {
    if (error instanceof InvalidCursorError) return error.why;
    throw error;
  }
  return 'accepted';
};
const wire = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('page cursor', () => {
  it('round-trips as base64url text', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, filters)).toEqual(cursor);
  });

  it('fingerprints filters by value, not by key order or absent ones', () => {
    expect(filterFingerprint({ a: '1', b: '2' })).toBe(
      filterFingerprint({ b: '2', a: '1', c: undefined }),
    );
    expect(filterFingerprint({ a: '1' })).not.toBe(filterFingerprint({ a: '2' }));
  });

  it('refuses text that is not a cursor this codec wrote', () => {
    expect(whyOf('')).toBe('MALFORMED');
    expect(whyOf('not a cursor!')).toBe('MALFORMED');
    expect(whyOf('AAAA')).toBe('MALFORMED');
    expect(whyOf(encodeCursor(cursor).slice(0, -3))).toBe('MALFORMED');
    expect(whyOf('A'.repeat(5000))).toBe('MALFORMED');
  });

  it('refuses edited JSON: another version, index, key attributes or value types', () => {
    const base = { v: 1, i: 'byStatus', f: filters, k: cursor.startKey };
    expect(whyOf(wire(base))).toBe('accepted');
    expect(whyOf(wire({ ...base, v: 2 }))).toBe('MALFORMED');
    expect(whyOf(wire({ ...base, i: 'byEverything' }))).toBe('MALFORMED');
    expect(whyOf(wire({ ...base, i: 'byKey' }))).toBe('MALFORMED');
    expect(whyOf(wire({ ...base, k: { ...cursor.startKey, extra: 'x' } }))).toBe('MALFORMED');
    expect(whyOf(wire({ ...base, k: { ...cursor.startKey, statusAt: 5 } }))).toBe('MALFORMED');
    expect(whyOf(wire({ ...base, more: true }))).toBe('MALFORMED');
  });

  it('refuses a cursor of a listing with other filters', () => {
    expect(whyOf(encodeCursor(cursor), filterFingerprint({ status: 'SUCCEEDED' }))).toBe(
      'OTHER_LISTING',
    );
  });
});
