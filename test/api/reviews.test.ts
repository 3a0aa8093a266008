/**
 * The review endpoints over DynamoDB Local and an in-memory S3, through the
 * whole app (guards, validation, problem documents): the queue, one
 * document, decisions and approval, and refusals with their reason codes.
 * Every answer is checked against the generated OpenAPI document.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderReportStore } from '#adapters/evaluation-reports.ts';
import { createApi } from '#api/app.ts';
import { contractOf, type OpenApiDocument } from '#test/helpers/openapi-contract.ts';
import { memoryS3, reviewDocumentId, seedFinished } from '#test/helpers/review-fixtures.ts';
import { type DynamoContext, startDynamoContext } from '#test/services/dynamo-context.ts';

let env: DynamoContext;
let app: Awaited<ReturnType<typeof createApi>>;
let contract: ReturnType<typeof contractOf>;
const objects = memoryS3();
let inReview = '';
let done = '';

/** Calls the app and checks the answer against the OpenAPI document. */
const call = async (method: string, path: string, body?: unknown) => {
  const response = await app.request(path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json: unknown = await response.json();
  contract.check(
    method,
    path.split('?')[0] ?? path,
    response.status,
    response.headers.get('content-type') ?? '',
    json,
  );
  return { status: response.status, body: json as Record<string, unknown> };
};

beforeAll(async () => {
  env = await startDynamoContext('apirev');
  app = await createApi(
    {
      ctx: env.ctx,
      callerOf: () => 'test',
      evaluations: folderReportStore(join(tmpdir(), 'medextract-no-evaluations')),
    },
    { allowedOrigins: [], maxBodyBytes: 64 * 1024, rateLimit: null, referencePage: false },
  );
  contract = contractOf((await (await app.request('/openapi.json')).json()) as OpenApiDocument);
  inReview = await seedFinished(env.ctx, objects, 1, 'NEEDS_REVIEW', 2, { 'patient.name': 0.4 });
  done = await seedFinished(env.ctx, objects, 2, 'SUCCEEDED', 0, {});
}, 120_000);
afterAll(async () => env?.stop());

describe('/api/reviews', () => {
  it('lists the queue and shows one document', async () => {
    const queue = await call('GET', '/api/reviews?limit=10');
    expect(queue.status).toBe(200);
    expect(queue.body).toEqual({
      items: [
        expect.objectContaining({ documentId: inReview, flagCount: 2, lowestConfidence: 0.4 }),
      ],
      nextCursor: null,
    });
    const one = await call('GET', `/api/reviews/${inReview}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ documentId: inReview, status: 'NEEDS_REVIEW', decisions: [] });
  });

  it('answers refusals as problem documents with reason codes', async () => {
    const notInReview = await call('GET', `/api/reviews/${done}`);
    expect(notInReview).toMatchObject({ status: 409, body: { reason: 'NOT_IN_REVIEW' } });
    const unknown = await call('GET', `/api/reviews/${reviewDocumentId(77)}`);
    expect(unknown).toMatchObject({ status: 404, body: { reason: 'UNKNOWN_DOCUMENT' } });
    const badBody = await call('POST', `/api/reviews/${inReview}/decisions`, { decisions: [] });
    expect(badBody).toMatchObject({ status: 400, body: { reason: 'INVALID_REQUEST' } });
    const badPath = await call('POST', `/api/reviews/${inReview}/decisions`, {
      reviewer: 'u1',
      decisions: [{ path: 'patient.shoeSize', action: 'correct', value: 9 }],
    });
    expect(badPath).toMatchObject({ status: 400, body: { reason: 'UNKNOWN_FIELD_PATH' } });
    const approveDone = await call('POST', `/api/reviews/${done}/approve`, { reviewer: 'u1' });
    expect(approveDone).toMatchObject({ status: 409, body: { reason: 'NOT_IN_REVIEW' } });
  });

  it('records a correction, approves, and shows the review state in the document detail', async () => {
    const decided = await call('POST', `/api/reviews/${inReview}/decisions`, {
      reviewer: 'underwriter-1',
      decisions: [{ path: 'encounter.facility', action: 'correct', value: 'North Example Clinic' }],
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      correctedFields: { encounter: { facility: 'North Example Clinic' } },
      decisions: [{ reviewer: 'underwriter-1', previous: 'Example Valley Clinic' }],
    });
    const approved = await call('POST', `/api/reviews/${inReview}/approve`, {
      reviewer: 'underwriter-2',
    });
    expect(approved).toMatchObject({
      status: 200,
      body: { status: 'SUCCEEDED', reviewedBy: 'underwriter-2' },
    });
    const again = await call('POST', `/api/reviews/${inReview}/approve`, { reviewer: 'u3' });
    expect(again).toMatchObject({ status: 409, body: { reason: 'ALREADY_APPROVED' } });
    const queue = await call('GET', '/api/reviews');
    expect(queue.body.items).toEqual([]);
    const detail = await call('GET', `/api/documents/${inReview}`);
    expect(detail).toMatchObject({
      status: 200,
      body: {
        status: 'SUCCEEDED',
        review: { flagCount: 2, reviewedBy: 'underwriter-2' },
        fields: { encounter: { facility: 'North Example Clinic' } },
      },
    });
  });
});
