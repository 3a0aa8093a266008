/**
 * Field completeness of one extraction: the weighted share of a prompt
 * version's required fields that are present with a value of the right shape.
 */
import type { Comparator, PromptMetadata } from '#core/prompts/types.ts';
import { compileSchema } from './validation.ts';

/** Completeness of one extraction against a prompt version's required fields. */
export interface CompletenessScore {
  /** Weighted share of required fields present, 0..1, rounded to 4 decimals (1 when none are required). */
  readonly completeness: number;
  readonly allRequiredPresent: boolean;
  readonly requiredPresent: number;
  readonly requiredTotal: number;
  /** Dotted paths of required fields that are absent or malformed, in metadata order. */
  readonly missing: string[];
}

type Fields = PromptMetadata['fields'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split('.')) {
    if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The part of a JSON Schema that describes `path`, or undefined when the schema has no such field. */
export function subschemaAt(
  schema: Record<string, unknown>,
  path: string,
): Record<string, unknown> | undefined {
  let current: unknown = schema;
  for (const segment of path.split('.')) {
    if (!isRecord(current)) return undefined;
    const properties = current.properties;
    if (!isRecord(properties) || !Object.hasOwn(properties, segment)) return undefined;
    current = properties[segment];
  }
  return isRecord(current) ? current : undefined;
}

function isAbsent(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim().length === 0) ||
    (Array.isArray(value) && value.length === 0)
  );
}

function isIsoDate(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** Shape a comparator can compare: what the evaluator needs the value to be. */
function hasComparableShape(value: unknown, comparator: Comparator): boolean {
  switch (comparator.type) {
    case 'date':
      return isIsoDate(value);
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value);
    case 'exact':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    case 'fuzzy':
      return typeof value === 'string';
    case 'list':
      return Array.isArray(value) && value.some((item) => !isAbsent(item));
  }
}

function matchesSchema(value: unknown, subschema: Record<string, unknown> | undefined): boolean {
  if (subschema === undefined) return false;
  return compileSchema(subschema)(value) === true;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Scores the required fields of `fields` against `extraction`.
 * A field counts as present when its value is not null, `''` or `[]`, has the
 * shape its comparator compares (ISO date, finite number, string, non-empty
 * list) and, when `schema` is given, validates against that field's part of
 * the schema (enums, patterns, ranges). Optional fields never affect the score.
 */
export function scoreCompleteness(
  fields: Fields,
  extraction: unknown,
  schema?: Record<string, unknown>,
): CompletenessScore {
  let totalWeight = 0;
  let presentWeight = 0;
  let requiredTotal = 0;
  let requiredPresent = 0;
  const missing: string[] = [];
  for (const [path, spec] of Object.entries(fields)) {
    if (!spec.required) continue;
    requiredTotal += 1;
    totalWeight += spec.weight;
    const value = valueAt(extraction, path);
    const present =
      !isAbsent(value) &&
      hasComparableShape(value, spec.comparator) &&
      (schema === undefined || matchesSchema(value, subschemaAt(schema, path)));
    if (present) {
      requiredPresent += 1;
      presentWeight += spec.weight;
    } else {
      missing.push(path);
    }
  }
  return {
    completeness: totalWeight === 0 ? 1 : round4(presentWeight / totalWeight),
    allRequiredPresent: missing.length === 0,
    requiredPresent,
    requiredTotal,
    missing,
  };
}
