/** Deterministic experiment assignment: hash vectors, arm shares, coverage ramps, validation. */

import { describe, expect, it } from 'vitest';
import {
  ALLOCATION_PRESETS,
  type Allocation,
  AllocationSchema,
  assignArm,
  bucketRanges,
  fnv1a32,
  hashToUnit,
  InvalidAllocationError,
} from '#core/experiments/assignment.ts';

/**
 * 40,000 ids: a share p over N ids has a standard error of sqrt(p(1-p)/N),
 * at most 0.25 percentage points (p = 0.5), so the 1-point tolerances below
 * sit at least 4 standard errors out: a correct hash passes them, and a
 * split 1 point off fails them.
 */
const N = 40_000;
const IDS = Array.from({ length: N }, (_, i) => `doc-${i}`);
const ARMS = ['control', 'treatment'] as const;
const SEED = 'exp-1';

function shares(arms: readonly (string | null)[]): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const arm of arms) {
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  return new Map([...counts].map(([arm, count]) => [arm, count / arms.length]));
}

function assignAll(allocation: Allocation, seed = SEED): (string | null)[] {
  return IDS.map((documentId) => assignArm({ seed, documentId, allocation, arms: ARMS }));
}

describe('fnv1a32', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['b', 0xe70c2de5],
    ['foobar', 0xbf9cf968],
    // Non-ASCII hashes the UTF-8 bytes (C3 A9), matching byte-oriented FNV-1a elsewhere.
    ['é', 0x1e9de8c1],
    // An ASCII prefix, then a non-ASCII character: still the UTF-8 bytes of the whole string.
    ['doc-é', 0xf258dbc8],
  ])('hashes %j to the published / reference value', (input, expected) => {
    // Act
    const hash = fnv1a32(input);

    // Assess
    expect(hash).toBe(expected);
  });
});

describe('hashToUnit', () => {
  it('matches values computed by an independent implementation', () => {
    // Act
    const values = [
      hashToUnit('exp-1', 'doc-1'),
      hashToUnit('exp-1', 'doc-2'),
      hashToUnit('medextract-v1-vs-v2', 'doc-42'),
    ];

    // Assess
    expect(values).toEqual([0.7687, 0.7452, 0.8277]);
  });

  it('stays in [0,1) on the 1e-4 grid', () => {
    // Act
    const units = IDS.slice(0, 10_000).map((id) => hashToUnit(SEED, id));

    // Assess
    const offGrid = units.filter(
      (unit) => unit < 0 || unit >= 1 || Math.abs(unit * 10_000 - Math.round(unit * 10_000)) > 1e-9,
    );
    expect(offGrid).toEqual([]);
    expect(new Set(units).size).toBeGreaterThan(6_000);
  });
});

describe('bucketRanges', () => {
  it('gives each arm a slot starting at the cumulative weight, shrunk by coverage', () => {
    // Act
    const ranges = bucketRanges({ weights: [0.8, 0.2], coverage: 0.5 });

    // Assess
    expect(ranges).toEqual([
      { start: 0, end: 0.4 },
      { start: 0.8, end: 0.9 },
    ]);
  });

  it('keeps starts fixed as coverage grows', () => {
    // Act
    const low = bucketRanges({ weights: [0.5, 0.5], coverage: 0.2 });
    const full = bucketRanges({ weights: [0.5, 0.5], coverage: 1 });

    // Assess
    expect(low).toEqual([
      { start: 0, end: 0.1 },
      { start: 0.5, end: 0.6 },
    ]);
    expect(full).toEqual([
      { start: 0, end: 0.5 },
      { start: 0.5, end: 1 },
    ]);
  });

  it('puts boundaries on the bucket grid even when weights do not add exactly in binary', () => {
    // Act
    const ranges = bucketRanges({ weights: [0.1, 0.2, 0.7], coverage: 1 });

    // Assess
    expect(ranges).toEqual([
      { start: 0, end: 0.1 },
      { start: 0.1, end: 0.3 },
      { start: 0.3, end: 1 },
    ]);
  });
});

describe('assignArm', () => {
  it('is deterministic: the same document gets the same arm on every call', () => {
    // Prepare
    const allocation = ALLOCATION_PRESETS['50/50'];

    // Act
    const first = assignAll(allocation);
    const second = assignAll(allocation);

    // Assess
    expect(second).toEqual(first);
    expect(assignArm({ seed: SEED, documentId: 'doc-1', allocation, arms: ARMS })).toBe(
      'treatment',
    );
  });

  it.each([
    ['50/50', 0.5, 0.5],
    ['80/20', 0.8, 0.2],
    ['95/5', 0.95, 0.05],
  ] as const)(
    'splits %s within 1 percentage point over 40,000 ids',
    (preset, control, treatment) => {
      // Act
      const observed = shares(assignAll(ALLOCATION_PRESETS[preset]));

      // Assess
      expect(Math.abs((observed.get('control') ?? 0) - control)).toBeLessThan(0.01);
      expect(Math.abs((observed.get('treatment') ?? 0) - treatment)).toBeLessThan(0.01);
      expect(observed.get(null)).toBeUndefined();
    },
  );

  it('never moves an enrolled document when coverage rises 0.2 -> 0.5 -> 1', () => {
    // Prepare
    const weights = [0.5, 0.5];

    // Act
    const at20 = assignAll({ weights, coverage: 0.2 });
    const at50 = assignAll({ weights, coverage: 0.5 });
    const at100 = assignAll({ weights, coverage: 1 });

    // Assess
    let moved = 0;
    for (let i = 0; i < N; i++) {
      const low = at20[i];
      const mid = at50[i];
      if (low != null && mid !== low) moved++;
      if (mid != null && at100[i] !== mid) moved++;
    }
    expect(moved).toBe(0);
    expect(Math.abs(1 - (shares(at20).get(null) ?? 0) - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(1 - (shares(at50).get(null) ?? 0) - 0.5)).toBeLessThan(0.01);
    expect(at100.every((arm) => arm !== null)).toBe(true);
    // 120,000 assignments: past 30 s under coverage on a busy 2-core machine.
  }, 120_000);

  it('returns null outside coverage and enrols a share within 1pp of coverage', () => {
    // Act
    const observed = shares(assignAll({ weights: [0.8, 0.2], coverage: 0.3 }));

    // Assess
    const enrolled = 1 - (observed.get(null) ?? 0);
    expect(Math.abs(enrolled - 0.3)).toBeLessThan(0.01);
    expect(Math.abs((observed.get('control') ?? 0) - 0.24)).toBeLessThan(0.01);
    expect(Math.abs((observed.get('treatment') ?? 0) - 0.06)).toBeLessThan(0.01);
  });

  it('enrols nobody at coverage 0', () => {
    // Act
    const arms = IDS.slice(0, 1_000).map((documentId) =>
      assignArm({
        seed: SEED,
        documentId,
        allocation: { weights: [0.5, 0.5], coverage: 0 },
        arms: ARMS,
      }),
    );

    // Assess
    expect(arms.every((arm) => arm === null)).toBe(true);
  });

  it('re-randomises with a new seed (about half of 50/50 documents change arm)', () => {
    // Act
    const a = assignAll(ALLOCATION_PRESETS['50/50'], 'exp-1');
    const b = assignAll(ALLOCATION_PRESETS['50/50'], 'exp-2');

    // Assess
    const same = a.filter((arm, i) => arm === b[i]).length / N;
    expect(Math.abs(same - 0.5)).toBeLessThan(0.01);
  });

  it.each([
    [{ weights: [0.5, 0.6], coverage: 1 }],
    [{ weights: [0.5, 0.4], coverage: 1 }],
    [{ weights: [1.2, -0.2], coverage: 1 }],
    [{ weights: [], coverage: 1 }],
    [{ weights: [0.5, 0.5], coverage: 1.5 }],
    [{ weights: [0.5, 0.5], coverage: -0.1 }],
    [{ weights: [0.5, Number.NaN], coverage: 1 }],
  ])('rejects invalid allocation %j', (allocation) => {
    // Act
    const act = () => assignArm({ seed: SEED, documentId: 'doc-1', allocation, arms: ['a', 'b'] });

    // Assess
    expect(act).toThrow(InvalidAllocationError);
  });

  it('accepts weights within 0.001 of summing to 1', () => {
    // Act
    const ranges = bucketRanges({ weights: [0.3333, 0.3333, 0.3333], coverage: 1 });

    // Assess
    expect(ranges).toHaveLength(3);
    expect(ranges[2]).toEqual({ start: 0.6666, end: 0.9999 });
  });

  it('rejects an arm list that does not match the weights, and empty ids', () => {
    // Prepare
    const allocation = ALLOCATION_PRESETS['80/20'];

    // Act
    const tooFewArms = () =>
      assignArm({ seed: SEED, documentId: 'doc-1', allocation, arms: ['only'] });
    const emptyId = () => assignArm({ seed: SEED, documentId: '', allocation, arms: ARMS });
    const emptySeed = () => assignArm({ seed: '', documentId: 'doc-1', allocation, arms: ARMS });

    // Assess
    expect(tooFewArms).toThrow(InvalidAllocationError);
    expect(emptyId).toThrow(InvalidAllocationError);
    expect(emptySeed).toThrow(InvalidAllocationError);
  });
});

describe('AllocationSchema', () => {
  it('parses presets and reports a bad sum on the weights path', () => {
    // Act
    const preset = AllocationSchema.safeParse(ALLOCATION_PRESETS['95/5']);
    const bad = AllocationSchema.safeParse({ weights: [0.9, 0.2], coverage: 1 });

    // Assess
    expect(preset.success).toBe(true);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['weights']);
  });
});
