/**
 * `tsx test/bench/validation-speed.ts [--rounds n]`: the cost of validating
 * one model answer, the functions' validator (@cfworker/json-schema,
 * `validateExtraction`) against the Ajv validator it replaced (ADR 64), in
 * one process with the rounds alternating. The answers are the rule-based
 * extractor's fields for a clean attending physician statement under the
 * newest version (what invoke-model validates once evidence is split off),
 * valid and broken in four places. Then each one's first validation in fresh
 * processes (building the validators for the schema and for each required
 * field, as invoke-model and score do, one call each), which every
 * container's first document pays.
 */
import { execFileSync } from 'node:child_process';
import { Ajv, type ErrorObject } from 'ajv';
import { familyDir, loadPromptRegistry, renderPrompt } from '#adapters/prompts/registry.ts';
import { normaliseExtraction } from '#core/extraction/normalise.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { isIsoCalendarDate } from '#core/extraction/value-normalisers.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { APS_CLEAN } from '#test/unit/rule-extractor/documents.ts';
import { median } from './alternating-rounds.ts';

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const ROUNDS = Number(flag('--rounds') ?? 15);
const CALLS = 2_000;

const registry = loadPromptRegistry(familyDir());
const version = registry.get(registry.versions().at(-1) ?? '');
const { evidence: _evidence, ...valid } = extractFromPrompt({
  userText: renderPrompt(version, APS_CLEAN).user,
  inputSchema: renderPrompt(version, APS_CLEAN).inputSchema,
}) as unknown as Record<string, unknown>;
const invalid = {
  ...structuredClone(valid),
  comment: 'extra',
  patient: { ...(valid.patient as object), sex: 'Q', dateOfBirth: '2023-02-29' },
};
delete (invalid as Record<string, unknown>).medications;

// The validator before ADR 64, as it was.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
ajv.addFormat('date', { type: 'string', validate: isIsoCalendarDate });
const ajvValidate = ajv.compile(version.schema);
const ajvLines = (errors: readonly ErrorObject[] | null | undefined): string[] => {
  const lines = new Set<string>();
  for (const error of errors ?? []) {
    const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
    lines.add(`#${error.instancePath}${missing} ${error.keyword}`);
  }
  return [...lines];
};
const before = (raw: unknown): boolean | string[] => {
  const value = normaliseExtraction(raw);
  return ajvValidate(value) || ajvLines(ajvValidate.errors);
};
const after = (raw: unknown): unknown => validateExtraction(version.schema, raw);
// What both share: normalising the answer, which validateExtraction does first.
const normaliseOnly = (raw: unknown): unknown => normaliseExtraction(raw);

const microsPerCall = (fn: (raw: unknown) => unknown, raw: unknown): number => {
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fn(raw);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / CALLS;
};

const samples: Record<string, number[]> = {};
const FNS = { before, after, normalise: normaliseOnly } as const;
const NAMES = ['before', 'after', 'normalise'] as const;
for (const [name, fn] of Object.entries(FNS)) {
  // Warm up: compile and let V8 optimise before any round is kept.
  for (let i = 0; i < 500; i++) fn(valid) && fn(invalid);
  samples[`${name} valid`] = [];
  samples[`${name} invalid`] = [];
}
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? NAMES : NAMES.toReversed()) {
    const fn = FNS[name];
    samples[`${name} valid`]?.push(microsPerCall(fn, valid));
    samples[`${name} invalid`]?.push(microsPerCall(fn, invalid));
  }
}
console.log(`validation per call, CPU µs (median of ${ROUNDS} rounds of ${CALLS} calls)`);
for (const [name, values] of Object.entries(samples)) {
  console.log(`${name.padEnd(16)} ${median(values).toFixed(1)}`);
}

// First validation in a fresh process, modules already loaded (their load is
// in the bundles' cold init): building the validator and one call.
const FIRST = (which: 'ajv' | 'cfworker') => `
import { Ajv } from 'ajv';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { subschemaAt } from '#core/extraction/completeness.ts';
import { compileSchema } from '#core/extraction/validation.ts';
const registry = loadPromptRegistry(familyDir());
const version = registry.get(registry.versions().at(-1));
const schema = version.schema;
// score's completeness check compiles each required field's part of the schema.
const parts = Object.entries(version.metadata.fields)
  .filter(([, spec]) => spec.required)
  .map(([path]) => subschemaAt(schema, path));
const value = { patient: {} };
const start = process.cpuUsage();
${
  which === 'ajv'
    ? `const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
ajv.addFormat('date', { type: 'string', validate: () => true });
ajv.compile(schema)(value);
for (const part of parts) ajv.compile(part)(null);`
    : `compileSchema(schema)(value);
for (const part of parts) compileSchema(part)(null);`
}
const used = process.cpuUsage(start);
console.log((used.user + used.system) / 1000);
`;
const first: Record<string, number[]> = { ajv: [], cfworker: [] };
for (let round = 0; round < 7; round++) {
  for (const which of round % 2 === 0
    ? (['ajv', 'cfworker'] as const)
    : (['cfworker', 'ajv'] as const)) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', FIRST(which)],
      { cwd: fromRepoRoot('.'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    first[which]?.push(Number(out.trim().split('\n').at(-1)));
  }
}
console.log(
  'first use in a fresh process (validators for the schema and each required field, one call each), CPU ms, median of 7',
);
for (const [name, values] of Object.entries(first)) {
  console.log(`${name.padEnd(16)} ${median(values).toFixed(1)}`);
}
