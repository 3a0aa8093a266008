/**
 * Reduces @cfworker/json-schema's output to the errors Ajv with `allErrors`
 * reported, in Ajv's order (ADR 64): leaf keywords only, and a missing
 * property at the path it should have had.
 */
import type { OutputUnit } from '@cfworker/json-schema';

/** One failed leaf keyword: where in the value (JSON pointer, `''` for the root) and which keyword. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// cfworker reports an applicator that failed because a subschema did, then the
// subschema's errors. Ajv reports only the latter.
const AGGREGATE_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'items',
  'additionalItems',
  '$ref',
  'allOf',
]);

/** `#/a/b~1c` (cfworker's URI-fragment pointers) -> decoded segments, still `~`-escaped. */
function segments(location: string): string[] {
  const body = location.startsWith('#') ? location.slice(1) : location;
  return body === '' ? [] : body.slice(1).split('/').map(decodeURIComponent);
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerOf(parts: readonly string[]): string {
  return parts.map((part) => `/${part}`).join('');
}

function resolve(root: unknown, parts: readonly string[]): unknown {
  let node = root;
  for (const part of parts) {
    const key = unescapeSegment(part);
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * The leaf errors of one failed validation, in the order Ajv (allErrors)
 * reports them. `required` becomes one error per missing property, at the
 * path it should have had: the names come from the schema's `required` list
 * and the value's own keys, never from cfworker's message.
 */
export function leafErrors(
  schema: Record<string, unknown>,
  value: unknown,
  units: readonly OutputUnit[],
): SchemaError[] {
  const leaves: { error: SchemaError; key: number[] }[] = [];
  const requiredSeen = new Set<string>();
  let previousKey: number[] = [];
  let skipNext = false;
  for (const [i, unit] of units.entries()) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const instance = segments(unit.instanceLocation);
    // cfworker gives a `false` error the instance location as its keyword location.
    const followed =
      unit.keyword === 'false'
        ? undefined
        : sortKey(schema, segments(unit.keywordLocation), instance);
    const key = followed ?? previousKey;
    previousKey = key;
    if (AGGREGATE_KEYWORDS.has(unit.keyword)) continue;
    if (unit.keyword === 'additionalProperties') {
      // `additionalProperties: false` is a leaf in Ajv (at the object); cfworker
      // follows it with a `false` error at the extra property, which is dropped.
      // A subschema there is an applicator like `properties`.
      const next = units[i + 1];
      if (resolve(schema, segments(unit.keywordLocation)) !== false) continue;
      skipNext = next?.keyword === 'false';
      leaves.push({ error: { instancePath: pointerOf(instance), keyword: unit.keyword }, key });
      continue;
    }
    if (unit.keyword === 'false') {
      leaves.push({ error: { instancePath: pointerOf(instance), keyword: 'false schema' }, key });
      continue;
    }
    if (unit.keyword === 'required') {
      // cfworker reports each missing name with the same locations; the first does them all.
      const seen = `${unit.keywordLocation} ${unit.instanceLocation}`;
      if (requiredSeen.has(seen)) continue;
      requiredSeen.add(seen);
      const names = resolve(schema, segments(unit.keywordLocation));
      const object = resolve(value, instance);
      for (const name of Array.isArray(names) ? names : []) {
        if (typeof name !== 'string' || (isRecord(object) && Object.hasOwn(object, name))) continue;
        const path = pointerOf([...instance, escapeSegment(name)]);
        leaves.push({ error: { instancePath: path, keyword: 'required' }, key });
      }
      continue;
    }
    leaves.push({ error: { instancePath: pointerOf(instance), keyword: unit.keyword }, key });
  }
  // Array.prototype.sort is stable: equal keys keep cfworker's order.
  return leaves.sort((a, b) => compareKeys(a.key, b.key)).map((leaf) => leaf.error);
}

// Ajv's evaluation order inside one schema object (its RULES, draft 7):
// keywords for any type, then the number, string, array and object groups.
const AJV_GROUPS: readonly (readonly string[])[] = [
  ['$ref', 'const', 'enum', 'not', 'anyOf', 'oneOf', 'allOf', 'if', 'then', 'else'],
  ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf'],
  ['maxLength', 'minLength', 'pattern', 'format'],
  ['maxItems', 'minItems', 'additionalItems', 'items', 'contains', 'uniqueItems'],
  [
    'maxProperties',
    'minProperties',
    'required',
    'propertyNames',
    'additionalProperties',
    'dependencies',
    'properties',
    'patternProperties',
  ],
];
const GROUP_TYPES = ['', 'number', 'string', 'array', 'object'];
const RANK = new Map<string, number>();
AJV_GROUPS.forEach((group, g) => {
  group.forEach((keyword, k) => {
    RANK.set(keyword, g * 100 + k + 1);
  });
});

/**
 * Where Ajv puts a `type` error: first, when it checks the type up front (a
 * union of types, or a type none of the schema's keywords belong to); else
 * where that type's group of keywords would have run.
 */
function typeRank(node: Record<string, unknown>): number {
  const type = node.type;
  if (typeof type !== 'string') return 0;
  const group = GROUP_TYPES.indexOf(type);
  if (group <= 0) return 0;
  const hasRules = (AJV_GROUPS[group] ?? []).some((keyword) => node[keyword] !== undefined);
  return hasRules ? group * 100 : 0;
}

/**
 * The position of an error in Ajv's depth-first order: per schema object on
 * the way, the keyword's rank and, below `properties`, the property's place
 * in the schema (below `items`, the item's index). Undefined when the
 * location cannot be followed (a `$ref`, a tuple `items`); the caller then
 * keeps the error next to the one before it.
 */
function sortKey(
  schema: Record<string, unknown>,
  keywordPath: readonly string[],
  instancePath: readonly string[],
): number[] | undefined {
  const key: number[] = [];
  let node: unknown = schema;
  let item = 0;
  let skipName = false;
  for (const [k, keyword] of keywordPath.entries()) {
    if (skipName) {
      skipName = false;
      continue;
    }
    if (!isRecord(node)) return undefined;
    const last = k === keywordPath.length - 1;
    if (last) {
      const rank = keyword === 'type' ? typeRank(node) : RANK.get(keyword);
      if (rank === undefined) return undefined;
      key.push(rank);
      return key;
    }
    const rank = RANK.get(keyword);
    if (rank === undefined) return undefined;
    if (keyword === 'properties' || keyword === 'patternProperties') {
      const map = node[keyword];
      const name = unescapeSegment(keywordPath[k + 1] ?? '');
      if (!isRecord(map) || !Object.hasOwn(map, name)) return undefined;
      key.push(rank, Object.keys(map).indexOf(name));
      node = map[name];
      item += 1;
      skipName = true;
    } else if (keyword === 'items' && !Array.isArray(node.items)) {
      key.push(rank, Number(unescapeSegment(instancePath[item] ?? '0')));
      node = node.items;
      item += 1;
    } else if (keyword === 'additionalProperties' && isRecord(node.additionalProperties)) {
      key.push(rank, 0);
      node = node.additionalProperties;
      item += 1;
    } else {
      return undefined;
    }
  }
  return key;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (const [i, value] of a.entries()) {
    const other = b[i];
    if (other === undefined) return 1;
    if (value !== other) return value - other;
  }
  return a.length - b.length;
}
