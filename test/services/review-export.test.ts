/**
 * Reviewed documents exported as a labelled dataset: only approved ones, the
 * PDF the ledger recorded and the corrected fields as truth, named by
 * document id, and the folder accepted by the `medextract eval --dataset`
 * loader with the corrections in its truth.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '#cli/eval-dataset.ts';
import { exportReviewedDocuments } from '#services/review-export.ts';
import { approveReview, recordDecisions } from '#services/reviews.ts';
import { memoryS3, seedFinished } from '#test/helpers/review-fixtures.ts';
import { SAMPLE_V2 } from '#test/helpers/sample-extraction.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const objects = memoryS3();
const PDF = '%PDF-1.4\n% synthetic\n';

beforeAll(async () => {
  env = await startDynamoContext('svcexp');
}, 120_000);
afterAll(async () => env?.stop());

describe('exportReviewedDocuments', () => {
  it('writes approved documents only, in the layout the eval dataset loader reads', async () => {
    const approved = await seedFinished(env.ctx, objects, 1, 'NEEDS_REVIEW', 1, {});
    const pending = await seedFinished(env.ctx, objects, 2, 'NEEDS_REVIEW', 1, {});
    const plain = await seedFinished(env.ctx, objects, 3, 'SUCCEEDED', 0, {});
    for (const n of [1, 2, 3]) objects.set(`incoming/p${n}.pdf`, `${PDF}${n}`);
    await recordDecisions(env.ctx, approved, {
      reviewer: 'underwriter-1',
      decisions: [{ path: 'medications[1].dose', action: 'correct', value: '1000 mg' }],
    });
    await approveReview(env.ctx, approved, { reviewer: 'underwriter-1' });

    const dir = await mkdtemp(join(tmpdir(), 'medextract-reviewed-'));
    const summary = await exportReviewedDocuments(env.ctx, async (document) => {
      await writeFile(join(dir, `${document.documentId}.pdf`), document.pdf);
      await writeFile(
        join(dir, `${document.documentId}.truth.json`),
        JSON.stringify(document.truth),
      );
    });

    expect(summary).toEqual({ approved: 1, missing: 0 });
    expect((await readdir(dir)).sort()).toEqual([`${approved}.pdf`, `${approved}.truth.json`]);
    expect(await readFile(join(dir, `${approved}.pdf`), 'utf-8')).toBe(`${PDF}1`);
    const dataset = readDataset(dir);
    expect(dataset).toHaveLength(1);
    expect(dataset[0]?.id).toBe(approved);
    const expected = structuredClone(SAMPLE_V2);
    expected.medications[1] = {
      ...SAMPLE_V2.medications[1],
      dose: '1000 mg',
    } as (typeof expected.medications)[1];
    expect(dataset[0]?.truth).toEqual(expected);
    expect(JSON.stringify(dataset)).not.toContain(pending);
    expect(JSON.stringify(dataset)).not.toContain(plain);
  });
});
