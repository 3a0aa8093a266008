/**
 * The registry loads the three seed versions, which differ exactly as the
 * versioning policy says, and refuses malformed folders with an error naming
 * the file and the problem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { familyDir, loadPromptRegistry, PROMPTS_ROOT } from '#adapters/prompts/registry.ts';
import { PromptVersionUnknownError } from '#contracts/errors.ts';
import { acceptsImages } from '#core/prompts/types.ts';

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

describe('loadPromptRegistry on the repository prompts', () => {
  it('lists the seed versions, 2.1.0 and 2.2.0 as released, oldest first', () => {
    // Act
    const list = registry.list();

    // Assess
    expect(registry.family).toBe('medical-record');
    expect(list).toEqual([
      { version: '1.0.0', status: 'released' },
      { version: '1.1.0', status: 'released' },
      { version: '2.0.0', status: 'released' },
      { version: '2.1.0', status: 'released' },
      { version: '2.2.0', status: 'released' },
    ]);
    expect(registry.versions()).toEqual(['1.0.0', '1.1.0', '2.0.0', '2.1.0', '2.2.0']);
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
      ['2.2.0', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 8192, 0],
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
      '2.2.0',
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
    expect(required).toEqual([expected, expected, expected, expected, expected]);
    expect(counts).toEqual([10, 17, 20, 20, 20]);
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
