/**
 * The registry loads the three seed versions, which differ exactly as the
 * versioning policy says, and refuses malformed folders with an error naming
 * the file and the problem.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadPromptVersion } from '#adapters/prompts/prompt-folder.ts';
import {
  familyDir,
  loadPromptRegistry,
  PROMPTS_ROOT,
  PromptFolderError,
} from '#adapters/prompts/registry.ts';
import { PromptVersionUnknownError } from '#contracts/errors.ts';
import { acceptsImages } from '#core/prompts/types.ts';
import { copyFamily, editFile, editJson } from './temp-family.ts';

const registry = loadPromptRegistry(familyDir());

/** Every property path of a schema: `patient.name`, `diagnoses[].icd10`, `allergies[]`. */
function schemaPaths(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const paths: string[] = [];
  if ('properties' in node && typeof node.properties === 'object' && node.properties !== null) {
    for (const [key, child] of Object.entries(node.properties)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.push(path, ...schemaPaths(child, path));
    }
  }
  if ('items' in node) paths.push(`${prefix}[]`, ...schemaPaths(node.items, `${prefix}[]`));
  return paths.sort();
}

/** Narrows a JSON value to an object, failing the test when it is not one. */
function record(value: unknown): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(value);
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((item) => !b.includes(item));
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

describe('loadPromptRegistry on the repository prompts', () => {
  it('lists the seed versions and 2.1.0 as released, oldest first', () => {
    // Act
    const list = registry.list();

    // Assess
    expect(registry.family).toBe('medical-record');
    expect(list).toEqual([
      { version: '1.0.0', status: 'released' },
      { version: '1.1.0', status: 'released' },
      { version: '2.0.0', status: 'released' },
      { version: '2.1.0', status: 'released' },
    ]);
    expect(registry.versions()).toEqual(['1.0.0', '1.1.0', '2.0.0', '2.1.0']);
  });

  it('resolves PROMPTS_ROOT to the repository prompts folder', () => {
    // Act / Assess
    expect(PROMPTS_ROOT.replace(/[\\/]$/, '').endsWith('prompts')).toBe(true);
    expect(existsSync(join(PROMPTS_ROOT, 'medical-record', 'manifest.json'))).toBe(true);
  });

  it('throws PromptVersionUnknown for a version that is not there', () => {
    // Act / Assess
    expect(() => registry.get('9.9.9')).toThrow(PromptVersionUnknownError);
    expect(() => registry.get('v1.0.0')).toThrow(PromptVersionUnknownError);
  });

  it('pins each version to its model and inference settings', () => {
    // Act
    const settings = registry.versions().map((version) => {
      const { metadata } = registry.get(version);
      return [
        version,
        metadata.modelId,
        metadata.inference.maxTokens,
        metadata.inference.temperature,
      ];
    });

    // Assess
    expect(settings).toEqual([
      ['1.0.0', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', 2048, 0],
      ['1.1.0', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', 2048, 0],
      ['2.0.0', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 4096, 0],
      ['2.1.0', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 4096, 0],
    ]);
  });

  it('v2.1.0 is v2.0.0 plus image input: same schema, fields, user template and model', () => {
    // Prepare
    const v20 = registry.get('2.0.0');
    const v21 = registry.get('2.1.0');

    // Assess
    expect(v21.schema).toEqual(v20.schema);
    expect(v21.metadata.fields).toEqual(v20.metadata.fields);
    expect(v21.userTemplate).toBe(v20.userTemplate);
    expect(acceptsImages(v21.metadata)).toBe(true);
    expect(registry.versions().filter((v) => acceptsImages(registry.get(v).metadata))).toEqual([
      '2.1.0',
    ]);
    expect(v21.system).toContain('scanned image, attached as the image block that follows');
  });

  it('v1.1.0 adds allergies, vitals and labs and removes nothing', () => {
    // Prepare
    const v10 = schemaPaths(registry.get('1.0.0').schema);
    const v11 = schemaPaths(registry.get('1.1.0').schema);

    // Act
    const added = difference(v11, v10);
    const removed = difference(v10, v11);

    // Assess
    expect(v10).toEqual([
      'diagnoses',
      'diagnoses[]',
      'diagnoses[].description',
      'encounter',
      'encounter.dateOfService',
      'encounter.documentType',
      'encounter.facility',
      'encounter.providerName',
      'medications',
      'medications[]',
      'medications[].dose',
      'medications[].frequency',
      'medications[].name',
      'patient',
      'patient.dateOfBirth',
      'patient.mrn',
      'patient.name',
      'patient.sex',
    ]);
    expect(added).toEqual([
      'allergies',
      'allergies[]',
      'labs',
      'labs[]',
      'labs[].flag',
      'labs[].test',
      'labs[].unit',
      'labs[].value',
      'vitals',
      'vitals.bloodPressure',
      'vitals.bmi',
      'vitals.heartRate',
      'vitals.heightCm',
      'vitals.weightKg',
    ]);
    expect(removed).toEqual([]);
  });

  it('v2.0.0 adds icd10, social history and risk factors and removes nothing', () => {
    // Prepare
    const v11 = schemaPaths(registry.get('1.1.0').schema);
    const v20 = schemaPaths(registry.get('2.0.0').schema);

    // Act
    const added = difference(v20, v11);
    const removed = difference(v11, v20);

    // Assess
    expect(added).toEqual([
      'diagnoses[].icd10',
      'riskFactors',
      'riskFactors[]',
      'riskFactors[].evidence',
      'riskFactors[].factor',
      'riskFactors[].severity',
      'socialHistory',
      'socialHistory.packYears',
      'socialHistory.tobaccoUse',
    ]);
    expect(removed).toEqual([]);
  });

  it('gives v2.0.0 the enums, patterns and ranges of the contract', () => {
    // Prepare
    const schema = registry.get('2.0.0').schema;
    const at = (path: string): Record<string, unknown> => {
      let node = schema;
      for (const key of path.split('.')) {
        node = key === '[]' ? record(node.items) : record(record(node.properties)[key]);
      }
      return node;
    };

    // Act / Assess
    expect(at('patient.sex')).toMatchObject({ enum: ['F', 'M', 'X', 'unknown', null] });
    expect(at('encounter.documentType')).toMatchObject({
      enum: [
        'attending_physician_statement',
        'lab_report',
        'discharge_summary',
        'office_note',
        'other',
        null,
      ],
    });
    expect(at('labs.[].flag')).toMatchObject({ enum: ['H', 'L', 'N', null] });
    expect(at('labs.[].value')).toMatchObject({ type: ['number', 'string', 'null'] });
    expect(at('socialHistory.tobaccoUse')).toMatchObject({
      enum: ['current', 'former', 'never', 'unknown', null],
    });
    expect(at('riskFactors.[].severity')).toMatchObject({ enum: ['low', 'moderate', 'high'] });
    expect(at('patient.dateOfBirth')).toMatchObject({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
    expect(at('diagnoses.[].icd10')).toMatchObject({
      pattern: '^[A-TV-Z][0-9][0-9AB](\\.[0-9A-TV-Z]{1,4})?$',
    });
    expect(at('vitals.bloodPressure')).toMatchObject({ pattern: '^\\d{2,3}/\\d{2,3}$' });
    expect(at('vitals.heightCm')).toMatchObject({ minimum: 30, maximum: 250 });
    expect(at('vitals.weightKg')).toMatchObject({ minimum: 1, maximum: 400 });
    expect(at('vitals.heartRate')).toMatchObject({ minimum: 20, maximum: 250 });
    expect(at('vitals.bmi')).toMatchObject({ minimum: 5, maximum: 100 });
    expect(at('socialHistory.packYears')).toMatchObject({ minimum: 0, maximum: 200 });
  });

  it('scores the fields of each version with the agreed required flags and weights', () => {
    // Act
    const required = registry.versions().map((version) =>
      Object.entries(registry.get(version).metadata.fields)
        .filter(([, spec]) => spec.required)
        .map(([path, spec]) => `${path}:${spec.weight}`),
    );
    const counts = registry
      .versions()
      .map((version) => Object.keys(registry.get(version).metadata.fields).length);
    const v1Diagnoses = registry.get('1.0.0').metadata.fields.diagnoses?.comparator;
    const v2Diagnoses = registry.get('2.0.0').metadata.fields.diagnoses?.comparator;

    // Assess
    const expected = [
      'patient.name:2',
      'patient.dateOfBirth:2',
      'patient.sex:1',
      'encounter.dateOfService:2',
      'encounter.providerName:1',
      'encounter.documentType:2',
      'diagnoses:2',
      'medications:1',
    ];
    expect(required).toEqual([expected, expected, expected, expected]);
    expect(counts).toEqual([10, 17, 20, 20]);
    expect(v1Diagnoses).toEqual({
      type: 'list',
      matchThreshold: 0.7,
      item: { description: { type: 'fuzzy', threshold: 0.7 } },
    });
    expect(v2Diagnoses).toEqual({
      type: 'list',
      matchThreshold: 0.7,
      item: { description: { type: 'fuzzy', threshold: 0.7 }, icd10: { type: 'exact' } },
    });
  });

  it('keeps the document in one delimited block and the rules in the system prompt', () => {
    // Act
    const versions = registry.versions().map((version) => registry.get(version));

    // Assess
    for (const v of versions) {
      expect(v.userTemplate.match(/\{\{DOCUMENT_TEXT\}\}/g)).toHaveLength(1);
      expect(v.userTemplate).toContain('<document>\n{{DOCUMENT_TEXT}}\n</document>');
      expect(v.userTemplate).toMatch(/data .*never instructions/);
      expect(v.system).toContain('record_medical_record');
      expect(v.system).toContain('YYYY-MM-DD');
      expect(v.system).toMatch(/Never guess/);
      expect(v.system).toMatch(/inside `<document>` tags/);
    }
  });
});

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
      () => loadPromptRegistry(dir),
      'v1.0.0/schema.json',
      /^does not compile with ajv: /,
    );
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
