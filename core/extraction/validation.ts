/**
 * Checks a model's normalised output against the prompt version's JSON Schema.
 * Error strings name JSON-pointer paths and schema keywords only: values may be
 * patient data and must never reach a log line, an error or a metric.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { loadAjv } from './ajv-on-first-use.cjs';
import type { Extraction } from './extraction.ts';
import { normaliseExtraction } from './normalise.ts';
import { isIsoCalendarDate } from './value-normalisers.ts';

/** Result of validating one extraction. */
export type ValidationResult =
  | { readonly ok: true; readonly value: Extraction }
  | { readonly ok: false; readonly errors: string[] };

// One Ajv instance, created with the first schema compiled (not when a function
// loads, and Ajv's code is only loaded then too): compiled validators are cached
// per schema object below, and Ajv keeps its own cache keyed by schema content.
let instance: Ajv | undefined;
const ajv = (): Ajv => {
  if (!instance) {
    const { Ajv: AjvClass } = loadAjv();
    instance = new AjvClass({
      allErrors: true,
      // Schemas use `"type": ["string", "null"]` for values a document may not state.
      allowUnionTypes: true,
      strict: true,
    });
    // `format: "date"` means a real calendar date, the same rule the normaliser applies.
    instance.addFormat('date', { type: 'string', validate: isIsoCalendarDate });
  }
  return instance;
};

const compiled = new WeakMap<object, ValidateFunction<unknown>>();

/**
 * Compiles a prompt version's output schema (cached per schema object).
 * Throws Ajv's error when the schema itself is invalid; callers that load
 * prompt folders turn that into a folder error.
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction<unknown> {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const validate = ajv().compile<unknown>(schema);
  compiled.set(schema, validate);
  return validate;
}

/**
 * Formats Ajv errors as `#/json/pointer keyword`, never including the value.
 * A missing property is reported at the path it should have had.
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const error of errors ?? []) {
    let path = error.instancePath;
    // The missing property's name comes from the schema, not from the data.
    if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      path = `${path}/${escapePointer(error.params.missingProperty)}`;
    }
    lines.add(`#${path} ${error.keyword}`);
  }
  return [...lines];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Normalises `raw` (dates, units, enums, numeric strings) and validates it
 * against `schema`. Returns the canonical extraction, or error strings holding
 * JSON-pointer paths and Ajv keywords only.
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
