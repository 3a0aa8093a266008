/**
 * Minimum-cost assignment on a rectangular cost matrix (the Hungarian method),
 * used to pair list items of a prediction with list items of the ground truth
 * before scoring them.
 *
 * Algorithm: Kuhn's Hungarian method (Kuhn 1955; Munkres 1957) in its
 * shortest-augmenting-path form with row and column potentials (Edmonds & Karp
 * 1972; Tomizawa 1971), as set out in Jonker & Volgenant (1987) and the
 * well-known e-maxx formulation. One row is added per phase; each phase is
 * O(n·m), so an n×m matrix (n <= m) costs O(n²·m), i.e. O(n³) when square.
 * A matrix with more rows than columns is solved transposed.
 */

/** One row-to-column pairing of an assignment. */
export interface AssignedPair {
  readonly row: number;
  readonly column: number;
}

/** The cheapest way to pair rows with columns, each used at most once. */
export interface Assignment {
  /** `min(rows, columns)` pairs, ordered by row. */
  readonly pairs: readonly AssignedPair[];
  /** Column assigned to each row, or -1 when the row stays unassigned. */
  readonly rowToColumn: readonly number[];
  /** Sum of the costs of the pairs. */
  readonly totalCost: number;
}

function at(values: ArrayLike<number>, index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} out of range`);
  return value;
}

function checkedMatrix(cost: readonly (readonly number[])[]): { rows: number; columns: number } {
  const rows = cost.length;
  const columns = cost[0]?.length ?? 0;
  for (const row of cost) {
    if (row.length !== columns) throw new RangeError('cost matrix rows differ in length');
    for (const value of row) {
      if (!Number.isFinite(value)) throw new RangeError('cost matrix holds a non-finite value');
    }
  }
  return { rows, columns };
}

/** Solves rows <= columns; returns the column of each row. */
function solveWide(
  cost: (row: number, column: number) => number,
  rows: number,
  columns: number,
): number[] {
  // 1-based arrays: index 0 of the column arrays is the virtual start column.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  const rowOfColumn = new Int32Array(columns + 1);
  const way = new Int32Array(columns + 1);

  for (let row = 1; row <= rows; row += 1) {
    rowOfColumn[0] = row;
    let column0 = 0;
    const minSlack = new Float64Array(columns + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(columns + 1);
    do {
      used[column0] = 1;
      const row0 = at(rowOfColumn, column0);
      let delta = Number.POSITIVE_INFINITY;
      let column1 = 0;
      for (let column = 1; column <= columns; column += 1) {
        if (used[column] === 1) continue;
        const slack = cost(row0 - 1, column - 1) - at(u, row0) - at(v, column);
        if (slack < at(minSlack, column)) {
          minSlack[column] = slack;
          way[column] = column0;
        }
        if (at(minSlack, column) < delta) {
          delta = at(minSlack, column);
          column1 = column;
        }
      }
      for (let column = 0; column <= columns; column += 1) {
        if (used[column] === 1) {
          const owner = at(rowOfColumn, column);
          u[owner] = at(u, owner) + delta;
          v[column] = at(v, column) - delta;
        } else {
          minSlack[column] = at(minSlack, column) - delta;
        }
      }
      column0 = column1;
    } while (at(rowOfColumn, column0) !== 0);
    // Flip the augmenting path back to the start column.
    do {
      const column1 = at(way, column0);
      rowOfColumn[column0] = at(rowOfColumn, column1);
      column0 = column1;
    } while (column0 !== 0);
  }

  const columnOfRow = new Array<number>(rows).fill(-1);
  for (let column = 1; column <= columns; column += 1) {
    const row = at(rowOfColumn, column);
    if (row !== 0) columnOfRow[row - 1] = column - 1;
  }
  return columnOfRow;
}

/**
 * Minimum-cost assignment of rows to columns. Every row is assigned when
 * rows <= columns, every column otherwise. Costs must be finite; to maximise
 * similarity pass `1 - similarity`.
 * @throws RangeError when rows differ in length or a cost is not finite.
 */
export function solveAssignment(cost: readonly (readonly number[])[]): Assignment {
  const { rows, columns } = checkedMatrix(cost);
  if (rows === 0 || columns === 0) {
    return { pairs: [], rowToColumn: new Array<number>(rows).fill(-1), totalCost: 0 };
  }
  const value = (row: number, column: number): number => at(cost[row] ?? [], column);

  let rowToColumn: number[];
  if (rows <= columns) {
    rowToColumn = solveWide(value, rows, columns);
  } else {
    const columnToRow = solveWide((row, column) => value(column, row), columns, rows);
    rowToColumn = new Array<number>(rows).fill(-1);
    columnToRow.forEach((row, column) => {
      if (row >= 0) rowToColumn[row] = column;
    });
  }

  const pairs: AssignedPair[] = [];
  let totalCost = 0;
  rowToColumn.forEach((column, row) => {
    if (column < 0) return;
    pairs.push({ row, column });
    totalCost += value(row, column);
  });
  return { pairs, rowToColumn, totalCost };
}
