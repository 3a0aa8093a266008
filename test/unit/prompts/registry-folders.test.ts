/**
 * The registry refuses malformed version folders with an error naming the
 * file and the problem, and lists an unreleased folder as a draft; a released
 * version's schema, checked by its hash, compiles when first used.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadPromptVersion } from '#adapters/prompts/prompt-folder.ts';
import { familyDir, loadPromptRegistry, PromptFolderError } from '#adapters/prompts/registry.ts';
import { lintSchema } from '#adapters/prompts/schema-lint.ts';
import { compileSchema } from '#core/extraction/validation.ts';
import { shippedPromptVersions } from '#infra/prompt-versions.ts';
import { copyFamily, editFile, editJson } from './temp-family.ts';

/** Narrows a JSON value to an object, failing the test when it is not one. */
function record(value: unknown): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(value);
}

function expectFolderError(action: () => unknown, file: string, problem: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PromptFolderError);
  if (!(caught instanceof PromptFolderError)) return;
  expect(caught.file).toBe(file);
  expect(caught.message.startsWith(`${file}: `)).toBe(true);
  expect(caught.problem).toMatch(problem);
}
describe('a draft version folder', () => {
  it('loads and is listed as a draft', () => {
    // Prepare
    const dir = copyFamily();
    rmSync(join(dir, 'manifest.json'));

    // Act
    const drafts = loadPromptRegistry(dir).list();

    // Assess
    expect(drafts).toEqual([
      { version: '1.0.0', status: 'draft' },
      { version: '1.1.0', status: 'draft' },
      { version: '2.0.0', status: 'draft' },
      { version: '2.1.0', status: 'draft' },
      { version: '2.2.0', status: 'draft' },
    ]);
  });
});

describe('malformed folders', () => {
  it('names a missing file', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    rmSync(join(dir, 'v1.0.0', 'system.md'));

    // Act / Assess
    expectFolderError(() => loadPromptRegistry(dir), 'v1.0.0/system.md', /^missing file$/);
  });

  it('names the position of invalid JSON', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editFile(dir, 'v1.0.0/schema.json', (text) =>
      text.replace('"type": "object",', '"type": "object"'),
    );

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/schema.json',
      /^invalid JSON at line 6 column 3 \(position \d+\)$/,
    );
  });

  it('names the metadata key that fails the schema', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/metadata.json', (metadata) => {
      metadata.inference = { maxTokens: 'lots', temperature: 0 };
    });

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/metadata.json',
      /^key inference\.maxTokens: /,
    );
  });

  it('names a comparator that is not allowed', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/metadata.json', (metadata) => {
      metadata.fields = {
        'patient.name': { required: true, weight: 2, comparator: { type: 'llm' } },
      };
    });

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/metadata.json',
      /^key fields\.patient\.name\.comparator: /,
    );
  });

  it('names a schema that does not compile', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/schema.json', (schema) => {
      schema.properties = { ...record(schema.properties), patient: { type: 'strnig' } };
    });

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir, { lintSchema }),
      'v1.0.0/schema.json',
      /^does not compile with ajv: /,
    );
  });

  it('lints a draft on the authoring paths (the synth that ships it included), not in the functions', () => {
    // Prepare: a draft whose schema Ajv's strict mode refuses (unknown format).
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/schema.json', (schema) => {
      const patient = record(record(schema.properties).patient);
      const properties = record(patient.properties);
      schema.properties = {
        ...record(schema.properties),
        patient: {
          ...patient,
          properties: { ...properties, mrn: { type: 'string', format: 'mrn' } },
        },
      };
    });

    // Act / Assess: the synth's loader names it; the functions' loader (no lint) takes it.
    expectFolderError(
      () => shippedPromptVersions(dir),
      'v1.0.0/schema.json',
      /^does not compile with ajv: .*unknown format "mrn"/,
    );
    expect(loadPromptRegistry(dir).list()).toEqual([{ version: '1.0.0', status: 'draft' }]);
  });

  it('names an object that is not closed or not fully required', () => {
    // Prepare
    const open = copyFamily(['1.0.0']);
    editFile(open, 'v1.0.0/schema.json', (text) =>
      text.replace('"additionalProperties": false,', '"additionalProperties": true,'),
    );
    const optional = copyFamily(['1.0.0']);
    editFile(optional, 'v1.0.0/schema.json', (text) =>
      text.replace('"required": ["name", "dateOfBirth", "sex", "mrn"]', '"required": ["name"]'),
    );

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(open),
      'v1.0.0/schema.json',
      /^object is not strict at # \(additionalProperties is not false\)$/,
    );
    expectFolderError(
      () => loadPromptRegistry(optional),
      'v1.0.0/schema.json',
      /^object is not strict at #\/properties\/patient \(not required: dateOfBirth, sex, mrn\)$/,
    );
  });

  it('names a metadata version that does not match the folder', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/metadata.json', (metadata) => {
      metadata.version = '1.0.1';
    });

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/metadata.json',
      /^key version: 1\.0\.1 does not match folder v1\.0\.0$/,
    );
  });

  it('names a missing, extra, repeated or misplaced placeholder', () => {
    // Prepare
    const cases = [
      [
        (t: string) => t.replace('{{DOCUMENT_TEXT}}', ''),
        /^placeholder \{\{DOCUMENT_TEXT\}\} missing$/,
      ],
      [(t: string) => `Hello {{PATIENT_NAME}}\n${t}`, /^extra placeholder \{\{PATIENT_NAME\}\}$/],
      [
        (t: string) => `{{DOCUMENT_TEXT}}\n${t}`,
        /^placeholder \{\{DOCUMENT_TEXT\}\} appears 2 times/,
      ],
      [(t: string) => t.replace('<document>\n', '<document>'), /must sit alone inside <document>/],
    ] as const;

    // Act / Assess
    for (const [change, problem] of cases) {
      const dir = copyFamily(['1.0.0']);
      editFile(dir, 'v1.0.0/user.md', change);
      expectFolderError(() => loadPromptRegistry(dir), 'v1.0.0/user.md', problem);
    }
  });

  it('names a placeholder in the system prompt', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editFile(dir, 'v1.0.0/system.md', (text) => `${text}\n{{DOCUMENT_TEXT}}\n`);

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/system.md',
      /placeholders are not allowed/,
    );
  });

  it('names a scored field that is not in the schema', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    editJson(dir, 'v1.0.0/metadata.json', (metadata) => {
      metadata.fields = {
        ...record(metadata.fields),
        'vitals.heartRate': {
          required: false,
          weight: 1,
          comparator: { type: 'numeric', tolerance: 0 },
        },
      };
    });
    const itemDir = copyFamily(['1.0.0']);
    editJson(itemDir, 'v1.0.0/metadata.json', (metadata) => {
      metadata.fields = {
        ...record(metadata.fields),
        diagnoses: {
          required: true,
          weight: 2,
          comparator: { type: 'list', matchThreshold: 0.7, item: { icd10: { type: 'exact' } } },
        },
      };
    });

    // Act / Assess
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/metadata.json',
      /^fields\.vitals\.heartRate: no such property in schema\.json$/,
    );
    expectFolderError(
      () => loadPromptRegistry(itemDir),
      'v1.0.0/metadata.json',
      /^fields\.diagnoses: item property icd10 is not in schema\.json$/,
    );
  });

  it('names a folder whose name is not a version', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    writeFileSync(join(dir, 'notes.txt'), 'files beside version folders are ignored');
    const bad = copyFamily(['1.0.0']);
    renameSync(join(bad, 'v1.0.0'), join(bad, 'v1.0'));

    // Act / Assess
    expect(loadPromptRegistry(dir).versions()).toEqual(['1.0.0']);
    expectFolderError(() => loadPromptVersion(join(bad, 'v1.0')), 'v1.0', /^folder name is not v/);
  });
});

describe('released versions and the schema compile', () => {
  it('compiles every released schema of the shipped family (they compile on first use, not at load)', () => {
    // Prepare
    const registry = loadPromptRegistry(familyDir());
    const released = registry.list().filter((entry) => entry.status === 'released');

    // Act
    const compiled = released.map(
      ({ version }) => typeof compileSchema(registry.get(version).schema),
    );

    // Assess
    expect(released.length).toBeGreaterThan(0);
    expect(compiled).toEqual(released.map(() => 'function'));
  });

  it('lints every schema of the shipped family with Ajv strict mode, released ones included', () => {
    // Prepare
    const registry = loadPromptRegistry(familyDir());

    // Act: lintSchema throws on the first schema Ajv refuses.
    const linted = registry.versions().map((version) => {
      lintSchema(registry.get(version).schema);
      return version;
    });

    // Assess
    expect(linted).toEqual(registry.versions());
    expect(() => lintSchema({ type: 'strnig' })).toThrow(/^schema is invalid: data\/type must be/);
  });

  it('refuses a released schema edited into one that does not compile, by its hash', () => {
    // Prepare
    const dir = copyFamily();
    editJson(dir, 'v1.0.0/schema.json', (schema) => {
      schema.properties = { ...record(schema.properties), patient: { type: 'strnig' } };
    });

    // Act / Assess: the edit is caught before the loader would skip its compile.
    expectFolderError(
      () => loadPromptRegistry(dir),
      'v1.0.0/schema.json',
      /^released file changed/,
    );
  });
});
