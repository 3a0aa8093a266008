/**
 * The review use cases over DynamoDB Local and an in-memory S3: the queue
 * (NEEDS_REVIEW only, most flags and lowest confidence first, paged),
 * decisions (kept in order with who, when and the value before; unknown
 * paths and corrections the schema rejects refused), approval (corrections
 * applied, original kept, row and ledger SUCCEEDED with reviewer and time,
 * audit entries) and refusals for documents not in review.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRepository } from '#adapters/ledger.ts';
import type { ServiceError } from '#services/errors.ts';
import {
  approveReview,
  getReview,
  listReviewQueue,
  recordDecisions,
  reviewAudit,
} from '#services/reviews.ts';
import {
  memoryS3,
  minuteAt,
  reviewDocumentId,
  seedFinished,
} from '#test/helpers/review-fixtures.ts';
import { SAMPLE_V2 } from '#test/helpers/sample-extraction.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const objects = memoryS3();
const id = reviewDocumentId;
const at = minuteAt;
const seed = (
  n: number,
  outcome: 'NEEDS_REVIEW' | 'SUCCEEDED',
  flags: number,
  confidence: Record<string, number>,
) => seedFinished(env.ctx, objects, n, outcome, flags, confidence);

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as ServiceError;
    return `${e.code} ${e.reason}`;
  }
  return 'no error';
};

let docA: string;
let docB: string;
let docC: string;
let docDone: string;

beforeAll(async () => {
  env = await startDynamoContext('svcrev');
  docA = await seed(10, 'NEEDS_REVIEW', 1, { 'patient.name': 0.9, 'medications[0].dose': 0.3 });
  docB = await seed(20, 'NEEDS_REVIEW', 3, { 'patient.name': 0.95 });
  docC = await seed(30, 'NEEDS_REVIEW', 1, { 'patient.name': 0.1 });
  docDone = await seed(40, 'SUCCEEDED', 0, {});
}, 120_000);

afterAll(async () => {
  await env?.stop();
});

describe('review queue', () => {
  it('lists NEEDS_REVIEW only, most flags then lowest confidence first, a page at a time', async () => {
    const first = await listReviewQueue(env.ctx, { limit: 2 });
    expect(first.items.map((item) => item.documentId)).toEqual([docB, docC]);
    expect(first.items[0]).toMatchObject({
      flagCount: 3,
      lowestConfidence: 0.95,
      promptVersion: '2.0.0',
    });
    expect(first.nextCursor).not.toBeNull();
    const second = await listReviewQueue(env.ctx, { limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((item) => item.documentId)).toEqual([docA]);
    expect(second.items[0]?.lowestConfidence).toBe(0.3);
    expect(second.nextCursor).toBeNull();
    expect(await codeOf(listReviewQueue(env.ctx, { cursor: 'nonsense' }))).toBe(
      'INVALID_INPUT INVALID_CURSOR',
    );
  });
});

describe('review of one document', () => {
  it('shows fields, evidence, confidence, flags and no decisions yet', async () => {
    const review = await getReview(env.ctx, docA);
    expect(review).toMatchObject({
      documentId: docA,
      status: 'NEEDS_REVIEW',
      promptVersion: '2.0.0',
      fields: SAMPLE_V2,
      correctedFields: SAMPLE_V2,
      decisions: [],
      reviewedBy: null,
      confidence: { 'medications[0].dose': 0.3 },
    });
    expect(review.evidence['patient.name']?.match).toBe('exact');
    expect(review.review.flags).toHaveLength(1);
  });

  it('refuses documents not in review, unknown ones and bad ids', async () => {
    expect(await codeOf(getReview(env.ctx, docDone))).toBe('CONFLICT NOT_IN_REVIEW');
    expect(await codeOf(getReview(env.ctx, id(999)))).toBe('NOT_FOUND UNKNOWN_DOCUMENT');
    expect(await codeOf(getReview(env.ctx, 'abc'))).toBe('INVALID_INPUT INVALID_DOCUMENT_ID');
    const decide = recordDecisions(env.ctx, docDone, {
      reviewer: 'u1',
      decisions: [{ path: 'patient.name', action: 'accept' }],
    });
    expect(await codeOf(decide)).toBe('CONFLICT NOT_IN_REVIEW');
    expect(await codeOf(approveReview(env.ctx, docDone, { reviewer: 'u1' }))).toBe(
      'CONFLICT NOT_IN_REVIEW',
    );
  });
});

describe('decisions and approval', () => {
  it('refuses an unknown path and a correction the schema rejects, recording nothing', async () => {
    const unknown = recordDecisions(env.ctx, docA, {
      reviewer: 'u1',
      decisions: [{ path: 'patient.nickname', action: 'accept' }],
    });
    expect(await codeOf(unknown)).toBe('INVALID_INPUT UNKNOWN_FIELD_PATH');
    const outOfRange = recordDecisions(env.ctx, docA, {
      reviewer: 'u1',
      decisions: [{ path: 'medications[5].dose', action: 'correct', value: '5 mg' }],
    });
    expect(await codeOf(outOfRange)).toBe('INVALID_INPUT UNKNOWN_FIELD_PATH');
    const invalid = recordDecisions(env.ctx, docA, {
      reviewer: 'u1',
      decisions: [{ path: 'vitals.heartRate', action: 'correct', value: { not: 'a number' } }],
    });
    expect(await codeOf(invalid)).toBe('INVALID_INPUT CORRECTION_INVALID');
    expect((await getReview(env.ctx, docA)).decisions).toEqual([]);
  });

  it('keeps every decision in order with reviewer, time and the value before', async () => {
    await recordDecisions(
      env.ctx,
      docA,
      {
        reviewer: 'underwriter-7',
        decisions: [
          { path: 'patient.name', action: 'accept' },
          { path: 'medications[0].dose', action: 'correct', value: '20 mg' },
        ],
      },
      { now: new Date(at(50)) },
    );
    const review = await recordDecisions(
      env.ctx,
      docA,
      {
        reviewer: 'underwriter-8',
        decisions: [{ path: 'medications[0].dose', action: 'correct', value: '25 mg' }],
      },
      { now: new Date(at(51)) },
    );
    expect(review.decisions).toEqual([
      {
        decision: { path: 'patient.name', action: 'accept' },
        reviewer: 'underwriter-7',
        at: at(50),
        previous: null,
      },
      {
        decision: { path: 'medications[0].dose', action: 'correct', value: '20 mg' },
        reviewer: 'underwriter-7',
        at: at(50),
        previous: '10 mg',
      },
      {
        decision: { path: 'medications[0].dose', action: 'correct', value: '25 mg' },
        reviewer: 'underwriter-8',
        at: at(51),
        previous: '20 mg',
      },
    ]);
    expect(review.fields).toEqual(SAMPLE_V2);
    expect(review).toMatchObject({
      correctedFields: { medications: [{ dose: '25 mg' }, { dose: '500 mg' }] },
    });
    // What is stored reads back the same.
    expect((await getReview(env.ctx, docA)).decisions).toEqual(review.decisions);
  });

  it('approves: corrections in the result JSON, original kept, row and ledger SUCCEEDED, audited', async () => {
    const approved = await approveReview(
      env.ctx,
      docA,
      { reviewer: 'underwriter-9' },
      { now: new Date(at(55)) },
    );
    expect(approved).toMatchObject({
      status: 'SUCCEEDED',
      reviewedBy: 'underwriter-9',
      reviewedAt: at(55),
      fields: SAMPLE_V2,
      correctedFields: { medications: [{ dose: '25 mg' }, { dose: '500 mg' }] },
    });
    const result = JSON.parse(objects.get(`results/${docA}.json`) ?? '{}');
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      fields: { medications: [{ name: 'Lisinopril', dose: '25 mg' }, { name: 'Metformin' }] },
      originalFields: { medications: [{ dose: '10 mg' }, { dose: '500 mg' }] },
      reviewedBy: 'underwriter-9',
      reviewedAt: at(55),
    });
    const row = await env.ctx.clients.dynamodb.send(
      new GetCommand({ TableName: env.ctx.tables.results, Key: { documentId: docA } }),
    );
    expect(row.Item).toMatchObject({
      status: 'SUCCEEDED',
      reviewedBy: 'underwriter-9',
      reviewedAt: at(55),
    });
    const entry = await ledgerRepository(env.ctx.clients.dynamodb, env.ctx.tables.ledger).get(docA);
    expect(entry).toMatchObject({
      status: 'SUCCEEDED',
      reviewedBy: 'underwriter-9',
      reviewedAt: at(55),
    });
    const audit = await reviewAudit(env.ctx, docA);
    expect(audit.map((a) => [a.action, a.actor, a.before, a.after])).toEqual([
      ['decide', 'underwriter-7', 'NEEDS_REVIEW', 'NEEDS_REVIEW'],
      ['decide', 'underwriter-8', 'NEEDS_REVIEW', 'NEEDS_REVIEW'],
      ['approve', 'underwriter-9', 'NEEDS_REVIEW', 'SUCCEEDED'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('25 mg');
    // The approved document leaves the queue and takes no more decisions or approvals.
    expect((await listReviewQueue(env.ctx)).items.map((i) => i.documentId)).not.toContain(docA);
    expect(
      await codeOf(
        recordDecisions(env.ctx, docA, {
          reviewer: 'u1',
          decisions: [{ path: 'patient.name', action: 'accept' }],
        }),
      ),
    ).toBe('CONFLICT NOT_IN_REVIEW');
    expect(await codeOf(approveReview(env.ctx, docA, { reviewer: 'u2' }))).toBe(
      'CONFLICT ALREADY_APPROVED',
    );
    // Still readable for the record, with the decisions that made it.
    expect((await getReview(env.ctx, docA)).decisions).toHaveLength(3);
  });

  it('approves a document with no decisions as it is', async () => {
    const approved = await approveReview(env.ctx, docC, { reviewer: 'u3' });
    expect(approved).toMatchObject({ status: 'SUCCEEDED', correctedFields: SAMPLE_V2 });
    expect(JSON.parse(objects.get(`results/${docC}.json`) ?? '{}').fields).toEqual(SAMPLE_V2);
  });
});
