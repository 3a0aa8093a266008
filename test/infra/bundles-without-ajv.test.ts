/**
 * No function bundle carries Ajv (ADR 64): model output is validated with
 * @cfworker/json-schema, and Ajv with fast-uri stays with the authoring-time
 * schema lint, which no function imports. The check reads each bundle's
 * esbuild metafile inputs, and sees Ajv in a bundle of the lint module (so
 * it can fail).
 */
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import {
  buildOutputs,
  type FunctionOutput,
  functionOutputs,
} from '#test/bench/function-outputs.ts';

const AJV_INPUT = /node_modules\/(ajv|fast-uri)\//;
const VALIDATOR_INPUT = /node_modules\/@cfworker\/json-schema\//;

const inputs = (built: FunctionOutput): string[] => Object.keys(built.output.inputs);

describe('function bundles without Ajv', () => {
  it('no function bundle, the API included, takes an input from ajv or fast-uri', async () => {
    // Act
    const bundles = await functionOutputs();
    const api = await buildOutputs([['api', fromRepoRoot('api/lambda.ts')]]);
    const all = new Map([...bundles, ...api]);
    const withAjv = [...all].filter(([, built]) => inputs(built).some((i) => AJV_INPUT.test(i)));
    const withValidator = [...all]
      .filter(([, built]) => inputs(built).some((i) => VALIDATOR_INPUT.test(i)))
      .map(([name]) => name);

    // Assess: none carries Ajv; the ones that validate model output carry its replacement.
    expect(all.size).toBeGreaterThan(10);
    expect(withAjv.map(([name]) => name)).toEqual([]);
    expect(withValidator).toEqual(expect.arrayContaining(['invoke-model', 'score', 'api']));
  }, 120_000);

  it('sees Ajv and fast-uri in a bundle of the authoring lint', async () => {
    // Act
    const lint = await buildOutputs([['lint', fromRepoRoot('adapters/prompts/schema-lint.ts')]]);
    const built = lint.get('lint');

    // Assess
    expect(built).toBeDefined();
    if (!built) return;
    const found = inputs(built).filter((i) => AJV_INPUT.test(i));
    expect(found.some((i) => i.includes('node_modules/ajv/'))).toBe(true);
    expect(found.some((i) => i.includes('node_modules/fast-uri/'))).toBe(true);
  }, 60_000);
});
