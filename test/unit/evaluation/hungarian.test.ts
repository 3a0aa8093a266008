/** Hungarian assignment: hand-checked matrices, rectangular shapes, and brute force on random matrices. */

import { describe, expect, it } from 'vitest';
import { solveAssignment } from '#core/evaluation/hungarian.ts';

/** Small LCG so the random matrices are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Cheapest injective pairing by trying every one (rows <= columns or transposed). */
function bruteForce(cost: number[][]): number {
  const rows = cost.length;
  const columns = cost[0]?.length ?? 0;
  let best = Number.POSITIVE_INFINITY;
  const wide = rows <= columns;
  const outer = wide ? rows : columns;
  const inner = wide ? columns : rows;
  const used = new Array<boolean>(inner).fill(false);
  const value = (i: number, j: number): number =>
    (wide ? cost[i]?.[j] : cost[j]?.[i]) ?? Number.NaN;
  const visit = (i: number, sum: number): void => {
    if (i === outer) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < inner; j += 1) {
      if (used[j]) continue;
      used[j] = true;
      visit(i + 1, sum + value(i, j));
      used[j] = false;
    }
  };
  visit(0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('finds the cheapest pairing of a square matrix', () => {
    // Prepare
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];

    // Act
    const result = solveAssignment(cost);

    // Assess
    expect(result.rowToColumn).toEqual([1, 0, 2]);
    expect(result.totalCost).toBe(5);
    expect(result.pairs).toEqual([
      { row: 0, column: 1 },
      { row: 1, column: 0 },
      { row: 2, column: 2 },
    ]);
  });

  it('leaves the extra columns of a wide matrix unassigned', () => {
    const result = solveAssignment([
      [9, 1, 9, 9],
      [9, 9, 9, 2],
    ]);

    expect(result.rowToColumn).toEqual([1, 3]);
    expect(result.totalCost).toBe(3);
  });

  it('leaves the extra rows of a tall matrix unassigned', () => {
    const result = solveAssignment([
      [5, 9],
      [1, 7],
      [8, 0.5],
    ]);

    expect(result.rowToColumn).toEqual([-1, 0, 1]);
    expect(result.totalCost).toBe(1.5);
    expect(result.pairs).toHaveLength(2);
  });

  it('returns no pairs for an empty matrix or a matrix without columns', () => {
    expect(solveAssignment([])).toEqual({ pairs: [], rowToColumn: [], totalCost: 0 });
    expect(solveAssignment([[], []])).toEqual({ pairs: [], rowToColumn: [-1, -1], totalCost: 0 });
  });

  it('rejects ragged rows and non-finite costs', () => {
    expect(() => solveAssignment([[1, 2], [3]])).toThrow(RangeError);
    expect(() => solveAssignment([[1, Number.NaN]])).toThrow(RangeError);
    expect(() => solveAssignment([[Number.POSITIVE_INFINITY]])).toThrow(RangeError);
  });

  it('matches brute force on 300 random matrices up to 6x6, square and rectangular', () => {
    // Prepare
    const random = lcg(20240307);
    let checked = 0;

    for (let trial = 0; trial < 300; trial += 1) {
      const rows = 1 + Math.floor(random() * 6);
      const columns = 1 + Math.floor(random() * 6);
      // Integer costs make ties common, which is where assignment bugs hide.
      const integers = trial % 2 === 0;
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: columns }, () =>
          integers ? Math.floor(random() * 5) : Math.round(random() * 1000) / 1000,
        ),
      );

      // Act
      const result = solveAssignment(cost);

      // Assess
      const assignedColumns = result.rowToColumn.filter((column) => column >= 0);
      expect(assignedColumns).toHaveLength(Math.min(rows, columns));
      expect(new Set(assignedColumns).size).toBe(assignedColumns.length);
      const recomputed = result.pairs.reduce(
        (sum, { row, column }) => sum + (cost[row]?.[column] ?? Number.NaN),
        0,
      );
      expect(result.totalCost).toBeCloseTo(recomputed, 9);
      expect(result.totalCost).toBeCloseTo(bruteForce(cost), 9);
      checked += 1;
    }
    expect(checked).toBe(300);
  });
});
