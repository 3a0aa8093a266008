/**
 * The validation the functions run never loads Ajv (ADR 64): neither importing
 * the validation module nor validating with it does, and the answer is the
 * one Ajv gave. Checked in a fresh Node process, where the module cache shows
 * exactly what has been loaded; the check that it can see Ajv is the lint.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';

const PROBE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const ajvLoaded = () => Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]ajv[\\\\/]/.test(file));
const validation = await import('#core/extraction/validation.ts');
const atImport = ajvLoaded();
const result = validation.validateExtraction({ type: 'object', properties: { patient: { type: 'object' } }, required: ['patient'] }, {});
const afterFirstUse = ajvLoaded();
const lint = await import('#adapters/prompts/schema-lint.ts');
lint.lintSchema({ type: 'object' });
console.log(JSON.stringify({ atImport, afterFirstUse, afterLint: ajvLoaded(), result }));
`;

describe('validation without Ajv', () => {
  it('loads no Ajv at import or on the first validation; the authoring lint does', () => {
    // Act
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', PROBE],
      { cwd: fromRepoRoot('.'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const probe = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');

    // Assess
    expect(probe.atImport).toBe(false);
    expect(probe.afterFirstUse).toBe(false);
    expect(probe.afterLint).toBe(true);
    expect(probe.result).toEqual({ ok: false, errors: ['#/patient required'] });
  }, 30_000);
});
