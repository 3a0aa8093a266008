/**
 * The authoring-time lint of a prompt version's output schema: Ajv in strict
 * mode compiles it, so an unknown keyword or format, a misspelt type or a
 * keyword in the wrong place is refused while the version is still a draft.
 * Only authoring paths run it (`cdk synth`, `prompts new` / `release`, `eval`,
 * tests); the functions validate model output with core/extraction/validation.ts
 * and never load Ajv (ADR 64).
 */
import { Ajv } from 'ajv';
import { isIsoCalendarDate } from '#core/extraction/value-normalisers.ts';

/** Throws when `schema` is not valid JSON Schema; each caller names the folder. */
export type SchemaLint = (schema: Record<string, unknown>) => void;

let ajv: Ajv | undefined;

/** Ajv strict mode, with the options the schemas were written for. Throws Ajv's error. */
export const lintSchema: SchemaLint = (schema) => {
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true,
      // Schemas use `"type": ["string", "null"]` for values a document may not state.
      allowUnionTypes: true,
      strict: true,
    });
    // Strict mode refuses an unknown format; `date` is the one the schemas use.
    ajv.addFormat('date', { type: 'string', validate: isIsoCalendarDate });
  }
  // Ajv caches by schema content; a draft edited in place compiles again.
  ajv.compile(schema);
};
