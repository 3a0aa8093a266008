/**
 * The functions' validator (@cfworker/json-schema, core/extraction/validation.ts)
 * gives the same verdict and the same error lines, in the same order, as the
 * Ajv validator it replaced (ADR 64), on every shipped prompt version's
 * schema: the rule-based extractor's answers to every synthetic document
 * (valid, corpus-like extractions), each of them broken one place at a time
 * in many ways, and many answers broken in several places at once. Ajv stays
 * a dependency for the authoring lint, so the old validator is rebuilt here
 * exactly as it was (same options, same `date` format, same formatting).
 */
import { format } from '@cfworker/json-schema';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry, renderPrompt } from '#adapters/prompts/registry.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { normaliseExtraction } from '#core/extraction/normalise.ts';
import { compileSchema, describeErrors } from '#core/extraction/validation.ts';
import { isIsoCalendarDate } from '#core/extraction/value-normalisers.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { Random } from '#local/corpus/random.ts';
import * as documents from '../rule-extractor/documents.ts';

// ---- The validator before ADR 64, verbatim -------------------------------
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
ajv.addFormat('date', { type: 'string', validate: isIsoCalendarDate });

function ajvLines(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const error of errors ?? []) {
    let path = error.instancePath;
    if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      path = `${path}/${error.params.missingProperty.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    }
    lines.add(`#${path} ${error.keyword}`);
  }
  return [...lines];
}

// ---- Instances -------------------------------------------------------------
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const clone = <T>(value: T): T => structuredClone(value);

/** Every path in a JSON value (object keys and array indices), the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => [
      [...prefix, index],
      ...pathsOf(item, [...prefix, index]),
    ]);
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  }
  return [];
}

function parentOf(root: Json, path: readonly (string | number)[]): Json {
  let node: Json = root;
  for (const part of path.slice(0, -1))
    node = (node as Record<string | number, Json>)[part] as Json;
  return node;
}

// Values that break each keyword the schemas use: types, enums, patterns,
// lengths, ranges, the calendar date (1750-01-01 and 2300-01-01 are where the
// repository's rule and cfworker's own `date` differ), extra properties.
const REPLACEMENTS: readonly Json[] = [
  null,
  42,
  -1,
  2.5,
  1e7,
  true,
  '',
  'x',
  'Q',
  'x'.repeat(600),
  '2023-02-29',
  '1750-01-01',
  '2300-01-01',
  '2024-13-01',
  '7 March 1960',
  'E11.9',
  'u07.1',
  [],
  [1],
  ['x'],
  {},
  { extra: 1 },
];

/** One-place breaks of `valid`: each path deleted, replaced, or given an extra key or too many items. */
function singleBreaks(valid: Json): Json[] {
  const out: Json[] = [];
  for (const path of pathsOf(valid)) {
    const last = path.at(-1) as string | number;
    for (const replacement of REPLACEMENTS) {
      const copy = clone(valid);
      (parentOf(copy, path) as Record<string | number, Json>)[last] = clone(replacement);
      out.push(copy);
    }
    const deleted = clone(valid);
    const parent = parentOf(deleted, path);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, Json>)[last];
    out.push(deleted);
    const node = (parentOf(valid, path) as Record<string | number, Json>)[last] as Json;
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      const extra = clone(valid);
      const target = (parentOf(extra, path) as Record<string | number, Json>)[last] as Record<
        string,
        Json
      >;
      target['a/b~c'] = 'Alex Sample';
      out.push(extra);
    }
    if (Array.isArray(node) && node.length > 0) {
      const long = clone(valid);
      const target = (parentOf(long, path) as Record<string | number, Json>)[last] as Json[];
      while (target.length <= 200) target.push(clone(node[0] as Json));
      out.push(long);
    }
  }
  for (const root of [null, 'Patient Alex Sample has diabetes', 42, [], {}]) out.push(root);
  return out;
}

function withFewClaims(answer: Json): Json {
  const { evidence } = answer as Record<string, Json>;
  return Array.isArray(evidence)
    ? { ...(answer as object), evidence: evidence.slice(0, 3) }
    : answer;
}

/**
 * `count` answers, each broken in 2-5 places at once: a path drawn at random
 * gets a replacement, is deleted, or its object gets an extra key (so one
 * object can fail `additionalProperties` and a property's keyword together).
 */
function multiBreaks(valid: Json, count: number, seed: number): Json[] {
  // Seeded (the corpus generator's mulberry32), so a failure reproduces.
  const random = new Random(`validation-equivalence-${seed}`);
  const next = () => random.next();
  const out: Json[] = [];
  for (let n = 0; n < count; n++) {
    const copy = clone(valid);
    const breaks = 2 + Math.floor(next() * 4);
    for (let b = 0; b < breaks; b++) {
      const paths = pathsOf(copy);
      const path = paths[Math.floor(next() * paths.length)];
      if (!path) break;
      const parent = parentOf(copy, path) as Record<string | number, Json>;
      const last = path.at(-1) as string | number;
      const draw = next();
      if (draw < 0.15 && !Array.isArray(parent)) parent[`extra${b}`] = 'Alex Sample';
      else if (draw < 0.3 && !Array.isArray(parent)) delete parent[last];
      else parent[last] = clone(REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)] as Json);
    }
    out.push(copy);
  }
  return out;
}

// ---- The table ---------------------------------------------------------------
const registry = loadPromptRegistry(familyDir());
const texts = Object.values(documents);

const schemasUnderTest = registry.versions().flatMap((version) => {
  const pv = registry.get(version);
  const answers = texts.map(
    (text) =>
      extractFromPrompt({
        userText: renderPrompt(pv, text).user,
        inputSchema: renderPrompt(pv, text).inputSchema,
      }) as unknown as Json,
  );
  const inputSchema = renderPrompt(pv, texts[0] as string).inputSchema;
  // The version's schema sees the fields (invoke-model splits evidence off first);
  // the tool input schema sees the whole answer.
  const fieldsOnly = answers.map((answer) => {
    const { evidence: _evidence, ...fields } = answer as Record<string, Json>;
    return fields as Json;
  });
  return [
    { name: `v${version} schema.json`, schema: pv.schema, answers: fieldsOnly },
    ...(inputSchema === pv.schema
      ? []
      : [{ name: `v${version} tool input schema`, schema: inputSchema, answers }]),
  ];
});

function compare(schema: Record<string, unknown>, instances: readonly Json[]) {
  const before: ValidateFunction = ajv.compile(schema);
  const after = compileSchema(schema);
  let invalid = 0;
  // An instance the normaliser leaves as it is, or one met before, would only repeat a comparison.
  const seen = new Set<string>();
  for (const instance of instances) {
    for (const value of [instance, normaliseExtraction(instance) as Json]) {
      const key = JSON.stringify(value) ?? 'undefined';
      if (seen.has(key)) continue;
      seen.add(key);
      const verdict = before(value);
      const old = { valid: verdict, lines: ajvLines(before.errors) };
      const now = { valid: after(value), lines: describeErrors(after.errors) };
      if (JSON.stringify(now) !== JSON.stringify(old)) {
        // Only on a mismatch: the instance goes into the failure message.
        expect({ instance: value, ...now }).toEqual({ instance: value, ...old });
      }
      if (!verdict) invalid += 1;
    }
  }
  return { compared: seen.size, invalid };
}

describe('cfworker validator against the Ajv validator it replaced', () => {
  it.each(schemasUnderTest)(
    '$name: same verdicts and error lines on valid, singly and multiply broken answers',
    ({ schema, answers }) => {
      // Prepare
      const valid = answers;
      // Every evidence claim has the same schema: three of them are broken one by one.
      const single = answers.slice(0, 2).map(withFewClaims).flatMap(singleBreaks);
      const multi = answers.flatMap((answer, index) => multiBreaks(answer, 60, 1000 + index));

      // Act / Assess (compare asserts on every mismatch)
      const validFound = compare(schema, valid);
      const singly = compare(schema, single);
      const multiply = compare(schema, multi);

      // The table is what it claims: the answers are valid, the breaks mostly are not.
      expect(validFound.invalid).toBe(0);
      expect(valid.length).toBe(texts.length);
      expect(singly.compared).toBeGreaterThan(single.length);
      expect(singly.invalid).toBeGreaterThan(singly.compared / 2);
      expect(multiply.invalid).toBeGreaterThan(multiply.compared / 2);
    },
  );

  it("checks format date with the repository's calendar rule, leaving cfworker's own date as it was", () => {
    // Prepare
    const schema = { type: 'object', properties: { day: { type: 'string', format: 'date' } } };
    const validate = compileSchema(schema);

    // Act
    const verdicts = ['2024-02-29', '2023-02-29', '1750-01-01', '2300-01-01'].map((day) =>
      validate({ day }) ? 'valid' : describeErrors(validate.errors).join(),
    );

    // Assess: 1750 and 2300 are outside the rule's years, not outside cfworker's.
    expect(verdicts).toEqual(['valid', '#/day format', '#/day format', '#/day format']);
    expect(format.date?.('1750-01-01')).toBe(true);
    expect(schema.properties.day.format).toBe('date');
  });

  it('answers a missing value (undefined) as Ajv did, where cfworker alone would throw', () => {
    // Prepare
    const schema = registry.get('2.2.0').schema;
    const before = ajv.compile(schema);
    const after = compileSchema(schema);

    // Act
    const old = { valid: before(undefined), lines: ajvLines(before.errors) };
    const now = { valid: after(undefined), lines: describeErrors(after.errors) };

    // Assess
    expect(old).toEqual({ valid: false, lines: ['# type'] });
    expect(now).toEqual(old);
  });

  it('scores completeness the same through the per-field shape check', () => {
    // Prepare: the newest version, its answers broken one place at a time.
    const pv = registry.get(registry.versions().at(-1) as string);
    const answers = texts.map((text) => {
      const { evidence: _evidence, ...fields } = extractFromPrompt({
        userText: renderPrompt(pv, text).user,
        inputSchema: renderPrompt(pv, text).inputSchema,
      }) as unknown as Record<string, Json>;
      return fields as Json;
    });
    const instances = answers.slice(0, 2).flatMap(singleBreaks);

    // Act: completeness with the new validator, and the same rule with Ajv's.
    const differences = instances.filter((instance) => {
      const now = scoreCompleteness(pv.metadata.fields, instance, pv.schema);
      const fields = Object.keys(pv.metadata.fields).filter(
        (path) => pv.metadata.fields[path]?.required,
      );
      const withoutSchema = scoreCompleteness(pv.metadata.fields, instance);
      const ajvMissing = fields.filter((path) => {
        if (withoutSchema.missing.includes(path)) return true;
        let node: unknown = pv.schema;
        for (const part of path.split('.')) {
          node = (node as { properties: Record<string, unknown> }).properties[part];
        }
        let value: unknown = instance;
        for (const part of path.split('.')) value = (value as Record<string, unknown>)[part];
        return ajv.compile(node as object)(value) !== true;
      });
      return JSON.stringify(now.missing) !== JSON.stringify(ajvMissing);
    });

    // Assess
    expect(instances.length).toBeGreaterThan(500);
    expect(differences).toEqual([]);
  });
});
