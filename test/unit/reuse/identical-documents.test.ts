/**
 * The pure rules of extraction reuse (ADR 40): an entry's usable life ends a
 * day before the work prefix's objects expire, only a document's own
 * SUCCEEDED extraction is remembered, and a hit is counted once in a roll-up.
 */
import { describe, expect, it } from 'vitest';
import { addItem, emptyRollup, sampleAdds } from '#contracts/metrics-items.ts';
import {
  mayRemember,
  reuseEntryFor,
  reuseExpiry,
  reuseFrom,
} from '#core/reuse/identical-documents.ts';

const HASH = 'a'.repeat(64);
const at = new Date('2026-12-01T10:00:00.000Z');

describe('reuseExpiry', () => {
  it('is one day short of the work prefix expiry', () => {
    expect(reuseExpiry(at, 7)).toBe(at.getTime() / 1000 + 6 * 86_400);
    expect(reuseExpiry(at, 1)).toBe(at.getTime() / 1000);
  });
});

describe('reuseFrom', () => {
  const entry = reuseEntryFor({
    contentSha256: HASH,
    promptVersion: '2.2.0',
    documentId: 'b'.repeat(64),
    outputUri: 's3://b/work/x/extraction-2.2.0.json',
    modelId: 'm',
    servedBy: 'local.rule-based-extractor-v1',
    usageEstimated: true,
    recordedAt: at,
    workExpirationDays: 7,
  });
  const query = { documentId: 'c'.repeat(64), contentSha256: HASH, promptVersion: '2.2.0' };

  it('reuses a live entry until the second it expires', () => {
    const lastUsable = new Date((entry.expiresAt - 1) * 1000);
    expect(reuseFrom(entry, { ...query, now: lastUsable })?.reusedFrom).toBe('b'.repeat(64));
    expect(reuseFrom(entry, { ...query, now: new Date(entry.expiresAt * 1000) })).toBeNull();
    expect(reuseFrom(undefined, { ...query, now: at })).toBeNull();
    expect(reuseFrom(entry, { ...query, promptVersion: '2.1.0', now: at })).toBeNull();
  });
});

describe('mayRemember', () => {
  it('remembers only an own SUCCEEDED extraction with a hash', () => {
    expect(mayRemember({ status: 'SUCCEEDED', contentSha256: HASH, reusedFrom: null })).toBe(true);
    expect(mayRemember({ status: 'NEEDS_REVIEW', contentSha256: HASH, reusedFrom: null })).toBe(
      false,
    );
    expect(mayRemember({ status: 'SUCCEEDED', contentSha256: null, reusedFrom: null })).toBe(false);
    expect(mayRemember({ status: 'SUCCEEDED', contentSha256: HASH, reusedFrom: 'x' })).toBe(false);
  });
});

describe('roll-ups', () => {
  const sample = {
    succeeded: true,
    reason: null,
    latencyMs: 900,
    completeness: 1,
    allRequiredPresent: true,
    costMicroUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
  };

  it('count a hit once, and nothing for a model call', () => {
    expect(sampleAdds({ ...sample, cacheHit: true }).cacheHits).toBe(1);
    expect(sampleAdds(sample)).not.toHaveProperty('cacheHits');
    const rollup = addItem(addItem(emptyRollup(), { cacheHits: 2, documents: 3 }), {
      documents: 1,
    });
    expect(rollup).toMatchObject({ cacheHits: 2, documents: 4 });
  });
});
