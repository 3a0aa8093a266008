/**
 * Field paths of an extraction (`patient.name`, `medications[0].dose`,
 * `allergies[1]`): parsed into segments, read, and written into a copy.
 * A path names a value that exists in the extraction (it may be null); one
 * that does not resolve is refused, so a decision can never add a field the
 * version's schema does not have.
 */

export type PathSegment = string | number;

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d{1,6}\])*)$/;

/** The path's segments, or null when it is not a dotted path with array indexes. */
export const parseFieldPath = (path: string): PathSegment[] | null => {
  if (path === '' || path.length > 300) return null;
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = SEGMENT.exec(part);
    if (match === null) return null;
    segments.push(match[1] ?? '');
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const childOf = (parent: unknown, segment: PathSegment): { found: boolean; value: unknown } => {
  if (typeof segment === 'number') {
    return Array.isArray(parent) && segment < parent.length
      ? { found: true, value: parent[segment] }
      : { found: false, value: undefined };
  }
  return isRecord(parent) && Object.hasOwn(parent, segment)
    ? { found: true, value: parent[segment] }
    : { found: false, value: undefined };
};

export type PathLookup =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false };

/** The value at `path` in `root`. */
export const readFieldPath = (root: unknown, path: string): PathLookup => {
  const segments = parseFieldPath(path);
  if (segments === null) return { found: false };
  let current: unknown = root;
  for (const segment of segments) {
    const child = childOf(current, segment);
    if (!child.found) return { found: false };
    current = child.value;
  }
  return { found: true, value: current };
};

/** A copy of `root` with the value at `path` replaced; null when the path does not resolve. */
export const writeFieldPath = (root: unknown, path: string, value: unknown): unknown | null => {
  const segments = parseFieldPath(path);
  if (segments === null || !readFieldPath(root, path).found) return null;
  const copy: unknown = structuredClone(root);
  let parent: unknown = copy;
  for (const segment of segments.slice(0, -1)) parent = childOf(parent, segment).value;
  const last = segments[segments.length - 1];
  if (typeof last === 'number' && Array.isArray(parent)) parent[last] = value;
  else if (typeof last === 'string' && isRecord(parent)) parent[last] = value;
  return copy;
};
