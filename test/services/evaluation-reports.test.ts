/**
 * Saved evaluation runs in a folder store: a single-version run and a
 * comparison are saved with their summary, listed newest first (files that
 * are not reports left out) and read back; ids that could leave the folder
 * are refused before any file is read.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderReportStore } from '#adapters/evaluation-reports.ts';
import { buildEvalRun, compareRuns, type EvaluatedDocument } from '#core/evaluation/report.ts';
import { compareJson, evalJson } from '#core/evaluation/report-json.ts';
import {
  getEvaluationReport,
  listEvaluationReports,
  saveEvaluationReport,
} from '#services/evaluation-reports.ts';

const document = (id: string, tp: number, fn: number): EvaluatedDocument => ({
  id,
  type: 'lab_report',
  status: 'SUCCEEDED',
  reason: null,
  evaluation: { fields: { 'labs.value': { counts: { tp, fa: 0, fd: 0, fn, tn: 0 }, weight: 1 } } },
});

describe('evaluation reports', () => {
  it('saves a run and a comparison, lists them newest first and reads each back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'medextract-reports-'));
    const store = folderReportStore(dir);
    const a = buildEvalRun('1.1.0', [document('lab-1', 1, 1), document('lab-2', 1, 1)]);
    const b = buildEvalRun('2.0.0', [document('lab-1', 2, 0), document('lab-2', 2, 0)]);
    const run = await saveEvaluationReport(store, evalJson(b), new Date('2026-12-01T09:00:00.5Z'));
    const comparison = compareRuns(a, b, { iterations: 200, seed: 'test' });
    const pair = await saveEvaluationReport(
      store,
      compareJson(comparison),
      new Date('2026-12-01T10:00:00Z'),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a report');
    await writeFile(join(dir, '20261201T110000000Z-9.9.9.json'), '{"broken": true}');

    expect(run.id).toBe('20261201T090000500Z-2.0.0');
    expect(pair).toMatchObject({
      id: '20261201T100000000Z-1.1.0-vs-2.0.0',
      kind: 'comparison',
      versions: ['1.1.0', '2.0.0'],
      documents: 2,
    });
    const listed = await listEvaluationReports(store);
    expect(listed.map((r) => r.id)).toEqual([pair.id, run.id]);
    expect(listed[1]).toEqual({
      id: run.id,
      kind: 'run',
      createdAt: '2026-12-01T09:00:00.500Z',
      versions: ['2.0.0'],
      documents: 2,
      failed: 0,
      f1: [1],
    });
    expect((await getEvaluationReport(store, run.id)).report).toEqual(
      JSON.parse(JSON.stringify(evalJson(b))),
    );
  });

  it('refuses ids that are not report ids and answers not found for unknown ones', async () => {
    const store = folderReportStore(await mkdtemp(join(tmpdir(), 'medextract-reports-')));
    await expect(getEvaluationReport(store, '../stack')).rejects.toMatchObject({
      reason: 'INVALID_EVALUATION_ID',
    });
    await expect(getEvaluationReport(store, '20261201T100000000Z-1.0.0')).rejects.toMatchObject({
      reason: 'UNKNOWN_EVALUATION',
    });
    expect(await listEvaluationReports(folderReportStore(join(tmpdir(), 'absent-dir-x')))).toEqual(
      [],
    );
  });
});
