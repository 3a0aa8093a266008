/**
 * Calibration on the committed fixture corpus (test/fixtures/calibration):
 * exact AUROC, ECE, bins and grounded share worked out by hand, through the
 * eval use case's scoring and the `--json` shape; results without confidence
 * give no figures, with a reason.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEvalRun } from '#core/evaluation/report.ts';
import { evalJson } from '#core/evaluation/report-json.ts';
import { MetadataSchema, type PromptVersion } from '#core/prompts/types.ts';
import { type DatasetDocument, scoreResult } from '#services/evaluation.ts';
import type { FileResult } from '#services/process-documents.ts';

const FIXTURES = new URL('../../fixtures/calibration/', import.meta.url);
const METADATA = new URL('../../../prompts/medical-record/v2.0.0/metadata.json', import.meta.url);
const IDS = ['fixture-a', 'fixture-b', 'fixture-c'] as const;

const readJson = (url: URL): Record<string, unknown> => JSON.parse(readFileSync(url, 'utf8'));

const VERSION: PromptVersion = {
  family: 'medical-record',
  version: '2.0.0',
  metadata: MetadataSchema.parse(readJson(METADATA)),
  system: '',
  userTemplate: '',
  schema: {},
};

const resultOf = (id: string, extraction: Record<string, unknown> | null): FileResult => {
  const base: FileResult = {
    file: `${id}.pdf`,
    key: `incoming/${id}.pdf`,
    documentId: id,
    status: 'SUCCEEDED',
    outcome: 'SUCCEEDED',
    reason: null,
    promptVersion: '2.0.0',
    completeness: 1,
    costMicroUsd: 0,
    fields: extraction?.fields ?? null,
    executionArn: `arn:aws:states:local:000000000000:execution:extract:${id}`,
  };
  return extraction === null ? base : { ...base, ...extraction, fields: extraction.fields };
};

const runOf = (withGrounding: boolean) =>
  buildEvalRun(
    '2.0.0',
    IDS.map((id) => {
      const document: DatasetDocument = {
        id,
        pdfPath: `${id}.pdf`,
        truth: readJson(new URL(`${id}.truth.json`, FIXTURES)),
      };
      const extraction = readJson(new URL(`${id}.extraction.json`, FIXTURES));
      const result = withGrounding
        ? resultOf(id, extraction)
        : resultOf(id, { fields: extraction.fields });
      return scoreResult(VERSION, document, result);
    }),
  );

describe('calibration on the fixture corpus', () => {
  const json = evalJson(runOf(true));
  const calibration = json.calibration;

  it('judges the 24 values that carry a confidence, 15 of them correct', () => {
    expect(json.calibrationUnavailable).toBeNull();
    expect(calibration).not.toBeNull();
    expect(calibration?.values).toBe(24);
    expect(calibration?.correct).toBe(15);
    expect(calibration?.documents).toBe(3);
    expect(calibration?.withoutConfidence).toBe(1); // fixture-c patient.mrn
  });

  it('has the hand-computed AUROC, ECE, bins and grounded share', () => {
    // Correct at 0.95: 13, at 0.75: 1, at 0.25: 1; incorrect at 0.95: 2, at 0.75: 6, at 0.25: 1.
    // Pairs won: 13 × (2 × ½ + 6 + 1) + 1 × (6 × ½ + 1) + 1 × (1 × ½) = 104 + 4 + 0.5 = 108.5 of 15 × 9.
    expect(calibration?.auroc).toBeCloseTo(108.5 / 135, 12);
    // Bins 9 (15 values, 13 right), 7 (7 values, 1 right), 2 (2 values, 1 right):
    // (15 × |13/15 - 0.95| + 7 × |1/7 - 0.75| + 2 × |1/2 - 0.25|) / 24 = (1.25 + 4.25 + 0.5) / 24.
    expect(calibration?.ece).toBeCloseTo(0.25, 12);
    // Ungrounded: fixture-b patient.sex and fixture-c vitals.weightKg.
    expect(calibration?.groundedShare).toBeCloseTo(22 / 24, 12);
    const populated = calibration?.bins.filter((bin) => bin.count > 0) ?? [];
    expect(populated.map((bin) => [bin.lower, bin.count])).toEqual([
      [0.2, 2],
      [0.7, 7],
      [0.9, 15],
    ]);
    expect(populated[1]?.accuracy).toBeCloseTo(1 / 7, 12);
    expect(populated[2]?.meanConfidence).toBeCloseTo(0.95, 12);
    expect(calibration?.bins).toHaveLength(10);
  });

  it('breaks the figures down per declared field', () => {
    const fields = calibration?.fields ?? {};
    expect(Object.keys(fields)).toEqual([
      'allergies',
      'diagnoses',
      'encounter.dateOfService',
      'labs',
      'medications',
      'patient.mrn',
      'patient.name',
      'patient.sex',
      'vitals.heartRate',
      'vitals.weightKg',
    ]);
    // Metformin's three properties at 0.95 right, Levothyroxine's three at 0.75 wrong.
    expect(fields.medications?.auroc).toBe(1);
    expect(fields.medications?.ece).toBeCloseTo((3 * 0.05 + 3 * 0.75) / 6, 12);
    // Four lab properties, all at 0.95, one wrong: every pair ties.
    expect(fields.labs?.auroc).toBe(0.5);
    expect(fields.labs?.ece).toBeCloseTo(0.2, 12);
    // One class only: no AUROC.
    expect(fields['patient.name']?.auroc).toBeNull();
    expect(fields['vitals.heartRate']).toMatchObject({ values: 1, correct: 0, auroc: null });
    expect(fields['patient.sex']?.groundedShare).toBe(0);
  });

  it('gives no figures, and says why, when the results carry no confidence', () => {
    const older = evalJson(runOf(false));
    expect(older.calibration).toBeNull();
    expect(older.calibrationUnavailable).toMatchObject({ code: 'NO_CONFIDENCE' });
    // The F1 figures do not depend on confidence.
    expect(older.overall).toEqual(json.overall);
  });
});
