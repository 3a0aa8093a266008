/**
 * The review page's pure logic: evidence boxes from PDF points to canvas
 * pixels, the field list in review order, field paths in words, values read
 * at a path, typed value editing, and each path's latest decision.
 */
import type { Box, ConfidenceMap, EvidenceMap, ReviewFlag } from '../../contracts/evidence.ts';
import type { RecordedDecision } from '../../contracts/review-api.ts';

/** The part of a pdf.js PageViewport the conversion needs: its PDF-to-canvas matrix. */
export interface ViewportLike {
  readonly transform: readonly number[];
}

/** A rectangle in canvas pixels, origin top-left. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

const apply = (m: readonly number[], x: number, y: number): [number, number] => {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = m;
  return [a * x + c * y + e, b * x + d * y + f];
};

/**
 * A box in PDF points (origin bottom-left) as a canvas rectangle (origin
 * top-left) under a pdf.js viewport's transform, so scale, rotation and a
 * MediaBox that does not start at 0,0 are all taken into account.
 */
export const boxToRect = (box: Box, viewport: ViewportLike): Rect => {
  const [x1, y1] = apply(viewport.transform, box.x, box.y);
  const [x2, y2] = apply(viewport.transform, box.x + box.width, box.y + box.height);
  return {
    left: Math.min(x1, x2),
    top: Math.min(y1, y2),
    width: Math.abs(x2 - x1),
    height: Math.abs(y2 - y1),
  };
};

/** One value on the review page. */
export interface ReviewField {
  path: string;
  value: unknown;
  confidence: number | null;
  flags: ReviewFlag[];
}

type Segment = string | number;

/** `medications[0].dose` -> ['medications', 0, 'dose']. */
export const parsePath = (path: string): Segment[] => {
  const segments: Segment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
};

/** The value at a field path, or undefined when the path is not there. */
export const valueAt = (fields: unknown, path: string): unknown => {
  let node: unknown = fields;
  for (const segment of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
};

/** Every leaf (scalar or null) of an extraction with its field path, in document order. */
export const leafPaths = (fields: unknown, prefix = ''): string[] => {
  if (Array.isArray(fields))
    return fields.flatMap((item, index) => leafPaths(item, `${prefix}[${index}]`));
  if (fields !== null && typeof fields === 'object')
    return Object.entries(fields).flatMap(([key, item]) =>
      leafPaths(item, prefix ? `${prefix}.${key}` : key),
    );
  return prefix ? [prefix] : [];
};

const words = (key: string): string =>
  key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

/** `medications[0].dose` -> `Medications 1 › dose`; `patient.dateOfBirth` -> `Patient › date of birth`. */
export const pathLabel = (path: string): string => {
  const parts: string[] = [];
  for (const segment of parsePath(path)) {
    if (typeof segment === 'number')
      parts[parts.length - 1] = `${parts.at(-1) ?? ''} ${segment + 1}`;
    else parts.push(words(segment));
  }
  const text = parts.join(' › ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/**
 * The fields a reviewer goes through, in the order to go through them:
 * values with a flag and no confidence (a missing required field) first,
 * then by confidence, lowest first (flagged before unflagged at equal
 * confidence), and empty unflagged values last; ties keep document order.
 */
export const reviewFields = (
  fields: unknown,
  confidence: ConfidenceMap,
  flags: readonly ReviewFlag[],
): ReviewField[] => {
  const paths = leafPaths(fields);
  for (const path of [...Object.keys(confidence), ...flags.map((f) => f.path)])
    if (!paths.includes(path)) paths.push(path);
  const list = paths.map((path) => ({
    path,
    value: valueAt(fields, path) ?? null,
    confidence: confidence[path] ?? null,
    flags: flags.filter((f) => f.path === path),
  }));
  const rank = (f: ReviewField): number =>
    f.confidence !== null ? f.confidence : f.flags.length > 0 ? -1 : 2;
  return list
    .map((field, index) => ({ field, index }))
    .sort(
      (p, q) =>
        rank(p.field) - rank(q.field) ||
        q.field.flags.length - p.field.flags.length ||
        p.index - q.index,
    )
    .map(({ field }) => field);
};

export type ValueKind = 'string' | 'number' | 'null';

/**
 * The editor's starting type for a current value: numbers as numbers, all
 * else as text (an empty value is usually being filled in; "empty" stays a
 * choice).
 */
export const kindOf = (value: unknown): ValueKind =>
  typeof value === 'number' ? 'number' : 'string';

/** The editor's text for a current value. */
export const editText = (value: unknown): string =>
  value === null || value === undefined ? '' : String(value);

export type Parsed = { ok: true; value: string | number | null } | { ok: false; error: string };

/** A typed value from the editor's text, or why it is not one. */
export const parseValue = (kind: ValueKind, text: string): Parsed => {
  if (kind === 'null') return { ok: true, value: null };
  const trimmed = text.trim();
  if (kind === 'string')
    return trimmed === ''
      ? { ok: false, error: 'Enter some text, or choose "empty" to clear the value.' }
      : { ok: true, value: trimmed };
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed))
    return { ok: false, error: 'Enter a number, such as 12 or 0.5.' };
  const value = Number(trimmed);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: 'Too large a number.' };
};

/** Each path's latest decision, in the order decisions were recorded. */
export const latestDecisions = (
  decisions: readonly RecordedDecision[],
): Map<string, RecordedDecision> => {
  const latest = new Map<string, RecordedDecision>();
  for (const recorded of decisions) latest.set(recorded.decision.path, recorded);
  return latest;
};

/** A value as the page prints it. */
export const showValue = (value: unknown): string =>
  value === null || value === undefined
    ? '(empty)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** Evidence entries with a box on a page, for drawing. */
export const boxesOnPage = (
  evidence: EvidenceMap,
  page: number,
): Array<{ path: string; box: Box }> =>
  Object.entries(evidence).flatMap(([path, e]) =>
    e.page === page && e.bbox ? [{ path, box: e.bbox }] : [],
  );
