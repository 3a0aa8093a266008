/** Paired bootstrap of the micro-F1 difference: clear wins and losses, identical inputs, noise, seeding. */

import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '#core/evaluation/bootstrap.ts';
import type { OutcomeCounts } from '#core/evaluation/outcomes.ts';

function documents(
  count: number,
  make: (index: number) => Omit<OutcomeCounts, 'tn'>,
): OutcomeCounts[] {
  return Array.from({ length: count }, (_, index) => ({ ...make(index), tn: 2 }));
}

// Control: about 60 % of fields right, with varying documents.
const CONTROL = documents(40, (i) => ({ tp: 5 + (i % 3), fa: 1, fd: 2, fn: 1 + (i % 2) }));
// Treatment: the same documents with most errors fixed.
const TREATMENT = documents(40, (i) => ({ tp: 8 + (i % 3), fa: 0, fd: 0, fn: i % 2 }));

describe('pairedBootstrap', () => {
  it('calls a clearly better version better', () => {
    const result = pairedBootstrap(CONTROL, TREATMENT, { iterations: 1000, seed: 'better' });

    expect(result.verdict).toBe('better');
    expect(result.interval[0]).toBeGreaterThan(0);
    expect(result.difference).toBeGreaterThan(0.2);
    expect(result.interval[0]).toBeLessThanOrEqual(result.difference);
    expect(result.interval[1]).toBeGreaterThanOrEqual(result.difference);
    expect(result).toMatchObject({ iterations: 1000, documents: 40, confidence: 0.95 });
  });

  it('calls the same comparison the other way round worse', () => {
    const result = pairedBootstrap(TREATMENT, CONTROL, { iterations: 1000, seed: 'worse' });

    expect(result.verdict).toBe('worse');
    expect(result.interval[1]).toBeLessThan(0);
  });

  it('is inconclusive with a zero-width interval for identical inputs', () => {
    const result = pairedBootstrap(CONTROL, CONTROL, { iterations: 500, seed: 1 });

    expect(result.verdict).toBe('inconclusive');
    expect(result.difference).toBe(0);
    expect(result.interval).toEqual([0, 0]);
  });

  it('is inconclusive when gains on some documents cancel losses on others', () => {
    // Prepare: 8 true fields per document; B fixes both errors on even documents
    // and makes two more on odd ones, so over all documents the counts tie.
    const a = documents(40, () => ({ tp: 6, fa: 1, fd: 1, fn: 1 }));
    const b = documents(40, (i) =>
      i % 2 === 0 ? { tp: 8, fa: 1, fd: 0, fn: 0 } : { tp: 4, fa: 1, fd: 2, fn: 2 },
    );

    // Act
    const result = pairedBootstrap(a, b, { iterations: 2000, seed: 'noise' });

    // Assess
    expect(result.difference).toBe(0);
    expect(result.verdict).toBe('inconclusive');
    expect(result.interval[0]).toBeLessThan(0);
    expect(result.interval[1]).toBeGreaterThan(0);
  });

  it('gives the same interval for the same seed and a different one for another seed', () => {
    const a = documents(15, (i) => ({ tp: 4 + (i % 4), fa: i % 2, fd: 1, fn: i % 3 }));
    const b = documents(15, (i) => ({ tp: 5 + (i % 3), fa: 0, fd: i % 2, fn: 1 }));

    const first = pairedBootstrap(a, b, { iterations: 300, seed: 'repeat' });
    const second = pairedBootstrap(a, b, { iterations: 300, seed: 'repeat' });
    const other = pairedBootstrap(a, b, { iterations: 300, seed: 'another' });

    expect(second.interval).toEqual(first.interval);
    expect(other.interval).not.toEqual(first.interval);
  });

  it('widens the interval with a higher confidence level', () => {
    const a = documents(15, (i) => ({ tp: 4 + (i % 4), fa: i % 2, fd: 1, fn: i % 3 }));
    const b = documents(15, (i) => ({ tp: 5 + (i % 3), fa: 0, fd: i % 2, fn: 1 }));

    const narrow = pairedBootstrap(a, b, { iterations: 500, seed: 's', confidence: 0.8 });
    const wide = pairedBootstrap(a, b, { iterations: 500, seed: 's', confidence: 0.99 });

    expect(wide.interval[0]).toBeLessThan(narrow.interval[0]);
    expect(wide.interval[1]).toBeGreaterThan(narrow.interval[1]);
  });

  it('rejects unpaired, empty and badly configured inputs', () => {
    expect(() => pairedBootstrap(CONTROL, TREATMENT.slice(1), { iterations: 10, seed: 1 })).toThrow(
      RangeError,
    );
    expect(() => pairedBootstrap([], [], { iterations: 10, seed: 1 })).toThrow(RangeError);
    expect(() => pairedBootstrap(CONTROL, TREATMENT, { iterations: 0, seed: 1 })).toThrow(
      RangeError,
    );
    expect(() =>
      pairedBootstrap(CONTROL, TREATMENT, { iterations: 10, seed: 1, confidence: 1 }),
    ).toThrow(RangeError);
  });
});
