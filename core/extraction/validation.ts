/**
 * Checks a model's normalised output against the prompt version's JSON Schema.
 * Error strings name JSON-pointer paths and schema keywords only: values may be
 * patient data and must never reach a log line, an error or a metric.
 *
 * The validator is @cfworker/json-schema (draft 7, every error), which
 * interprets the schema instead of generating code (ADR 64); its output is
 * reduced to what Ajv reported (schema-errors.ts). Whether a schema
 * is valid JSON Schema at all is the authoring lint's question
 * (`adapters/prompts/schema-lint.ts`, Ajv strict mode), not this module's.
 */
import { format, Validator } from '@cfworker/json-schema';
import type { Extraction } from './extraction.ts';
import { normaliseExtraction } from './normalise.ts';
import { isRecord, leafErrors, type SchemaError } from './schema-errors.ts';
import { isIsoCalendarDate } from './value-normalisers.ts';

export type { SchemaError } from './schema-errors.ts';

/** Result of validating one extraction. */
export type ValidationResult =
  | { readonly ok: true; readonly value: Extraction }
  | { readonly ok: false; readonly errors: string[] };

/** A compiled schema: true when `value` is valid; `errors` holds the last call's errors, null after a valid value. */
export interface CompiledSchema {
  (value: unknown): boolean;
  errors: readonly SchemaError[] | null;
}

// cfworker looks formats up by name in the `format` record it exports, shared
// by every user of the package in the process. `format: "date"` must mean the
// repository's calendar-date rule (the normaliser's), so schemas are compiled
// with that keyword renamed to a format of this module's own, added on the
// first compile (a module-level assignment would keep the package in bundles
// that never validate); the package's `date` stays as it is for anyone else.
const CALENDAR_DATE = 'medextract-calendar-date';

// Values of these keywords are data, not schemas: copied as they are.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);

function withCalendarDates(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withCalendarDates);
  return isRecord(node) ? schemaWithCalendarDates(node) : node;
}

function schemaWithCalendarDates(node: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) copy[key] = value;
    else if (key === 'format' && value === 'date') copy[key] = CALENDAR_DATE;
    else copy[key] = withCalendarDates(value);
  }
  return copy;
}

const compiled = new WeakMap<object, CompiledSchema>();

/**
 * Compiles a prompt version's output schema, or a part of one (cached per
 * schema object). The validator works on a copy, so the caller's schema is
 * never annotated or changed.
 */
export function compileSchema(schema: Record<string, unknown>): CompiledSchema {
  const cached = compiled.get(schema);
  if (cached) return cached;
  format[CALENDAR_DATE] ??= isIsoCalendarDate;
  const validator = new Validator(schemaWithCalendarDates(schema), '7', false);
  const check: CompiledSchema = Object.assign(
    (value: unknown): boolean => {
      // cfworker throws on a value JSON cannot hold; at the root, Ajv said `type`.
      if (value === undefined) {
        check.errors = [{ instancePath: '', keyword: 'type' }];
        return false;
      }
      const result = validator.validate(value);
      check.errors = result.valid ? null : leafErrors(schema, value, result.errors);
      return result.valid;
    },
    { errors: null },
  );
  compiled.set(schema, check);
  return check;
}

/** Formats errors as `#/json/pointer keyword`, never including the value; one line per distinct pair. */
export function describeErrors(errors: readonly SchemaError[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const error of errors ?? []) lines.add(`#${error.instancePath} ${error.keyword}`);
  return [...lines];
}

/**
 * Normalises `raw` (dates, units, enums, numeric strings) and validates it
 * against `schema`. Returns the canonical extraction, or error strings holding
 * JSON-pointer paths and schema keywords only.
 */
export function validateExtraction(
  schema: Record<string, unknown>,
  raw: unknown,
): ValidationResult {
  const validate = compileSchema(schema);
  const value = normaliseExtraction(raw);
  if (validate(value) && isExtractionShaped(value)) return { ok: true, value };
  const errors = describeErrors(validate.errors);
  return { ok: false, errors: errors.length > 0 ? errors : ['# type'] };
}

// Every version's schema requires these sections; checking them here lets the
// compiler see the canonical type without a cast.
function isExtractionShaped(value: unknown): value is Extraction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    'patient' in value &&
    'encounter' in value &&
    'diagnoses' in value &&
    Array.isArray(value.diagnoses) &&
    'medications' in value &&
    Array.isArray(value.medications)
  );
}
