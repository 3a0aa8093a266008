/**
 * Ajv stays off a function's cold init: importing the validation module does
 * not load Ajv; compiling the first schema does. Checked in a fresh Node
 * process, where the module cache shows exactly what has been loaded.
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
console.log(JSON.stringify({ atImport, afterFirstUse: ajvLoaded(), result }));
`;

describe('Ajv on first use', () => {
  it('is not loaded by importing the validation module, and is loaded by the first validation', () => {
    // Act
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', PROBE],
      { cwd: fromRepoRoot('.'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const probe = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');

    // Assess
    expect(probe.atImport).toBe(false);
    expect(probe.afterFirstUse).toBe(true);
    expect(probe.result).toEqual({ ok: false, errors: ['#/patient required'] });
  }, 30_000);
});
