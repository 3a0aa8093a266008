/**
 * `medextract eval --json` over a small seeded-error corpus, through the real
 * local pipeline (subprocess, as a user runs it) under a prompt version that
 * asks for evidence (2.2.0, whose values are grounded): the report carries
 * calibration overall and per field, with a ten-bin reliability table of
 * which at least three bins are populated, and the planted mistakes count as
 * wrong values. The private stack keeps its tables on the run's shared
 * DynamoDB Local (MEDEXTRACT_DYNAMODB_ENDPOINT) under a stage of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { generateSeededErrorCorpus } from '#local/corpus/seeded-errors.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const COUNT = 8;

const Figures = z.object({
  auroc: z.number().min(0).max(1).nullable(),
  ece: z.number().min(0).max(1).nullable(),
  groundedShare: z.number().min(0).max(1).nullable(),
  values: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  bins: z
    .array(
      z.object({
        lower: z.number(),
        upper: z.number(),
        count: z.number().int().nonnegative(),
        meanConfidence: z.number().nullable(),
        accuracy: z.number().nullable(),
      }),
    )
    .length(10),
});

const Report = z.object({
  documents: z.number(),
  failed: z.number(),
  calibration: Figures.extend({
    documents: z.number().int(),
    withoutConfidence: z.number().int(),
    fields: z.record(z.string(), Figures),
  }),
  calibrationUnavailable: z.null(),
});

const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      'node',
      [medextractScript(), ...args],
      {
        cwd: repo,
        env: { ...process.env, MEDEXTRACT_DYNAMODB_ENDPOINT: inject('sharedDynamoDbEndpoint') },
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

let root = '';
let report: z.infer<typeof Report>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eval-calibration-'));
  await generateSeededErrorCorpus({ outDir: root, count: COUNT, seed: 'eval-calibration' });
  const result = await run(['eval', '--dataset', root, '--version', '2.2.0', '--json']);
  if (result.code !== 0 && result.code !== 1) throw new Error(`eval exited ${result.code}`);
  report = Report.parse(JSON.parse(result.stdout));
}, 320_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('eval --json on the seeded-error corpus', () => {
  it('carries calibration overall with at least three populated bins', () => {
    const { calibration } = report;
    expect(calibration.documents).toBe(COUNT - report.failed);
    expect(calibration.values).toBeGreaterThan(0);
    expect(calibration.bins.filter((bin) => bin.count > 0).length).toBeGreaterThanOrEqual(3);
    expect(calibration.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(calibration.values);
    expect(calibration.auroc).not.toBeNull();
    expect(calibration.ece).not.toBeNull();
    expect(calibration.groundedShare).not.toBeNull();
  });

  it('counts the planted mistakes among the wrong values', () => {
    // Every succeeded document has a value changed in its truth only: at least one wrong value each.
    const { calibration } = report;
    expect(calibration.values - calibration.correct).toBeGreaterThanOrEqual(calibration.documents);
  });

  it('breaks calibration down per field, each summing to the overall count', () => {
    const fields = Object.values(report.calibration.fields);
    expect(fields.length).toBeGreaterThan(5);
    expect(fields.reduce((sum, field) => sum + field.values, 0)).toBe(report.calibration.values);
  });
});
