/**
 * Review routes: the queue of NEEDS_REVIEW documents, one document as the
 * review page shows it, a reviewer's decisions on single values (every one
 * kept) and the approval that makes the document SUCCEEDED with them
 * applied. Shapes are `contracts/review-api.ts`; errors are problem
 * documents with reason codes (409 for a document not in review).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ApproveRequestSchema,
  DecisionsRequestSchema,
  ReviewDocumentSchema,
  ReviewQueuePageSchema,
} from '#contracts/review-api.ts';
import { approveReview, getReview, listReviewQueue, recordDecisions } from '#services/reviews.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { DocumentIdParam } from '../schemas-documents.ts';

const tags = ['reviews'];

const QueueQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .openapi({ description: 'Items per page, 1-200 (default 50)' }),
  cursor: z.string().max(200).optional().openapi({ description: 'From the previous page' }),
});

const ReviewDocument = ReviewDocumentSchema.openapi('ReviewDocument');

export const reviewRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();
  const options = deps.catalog ? { catalog: deps.catalog } : {};

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'NEEDS_REVIEW documents, most flags then lowest confidence first, a page at a time',
      request: { query: QueueQuery },
      responses: {
        200: json(ReviewQueuePageSchema.openapi('ReviewQueuePage'), 'One page of the queue'),
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listReviewQueue(deps.ctx, {
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      });
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary:
        'One document for review: fields, evidence, confidence, flags, the decisions so far and the fields with them applied',
      request: { params: DocumentIdParam },
      responses: {
        200: json(ReviewDocument, 'The document under review'),
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => c.json(await getReview(deps.ctx, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/decisions',
      tags,
      summary:
        'Record decisions (accept, or correct a value at a field path); refused when a path names no value or the corrected extraction fails the schema',
      request: {
        params: DocumentIdParam,
        body: jsonBody(DecisionsRequestSchema.openapi('DecisionsRequest')),
      },
      responses: {
        200: json(ReviewDocument, 'The document with the decisions recorded'),
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) =>
      c.json(
        await recordDecisions(deps.ctx, c.req.valid('param').id, c.req.valid('json'), options),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/approve',
      tags,
      summary:
        'Approve: the decisions are applied to the result, which keeps the original; the document becomes SUCCEEDED',
      request: {
        params: DocumentIdParam,
        body: jsonBody(ApproveRequestSchema.openapi('ApproveRequest')),
      },
      responses: {
        200: json(ReviewDocument, 'The approved document'),
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) =>
      c.json(
        await approveReview(deps.ctx, c.req.valid('param').id, c.req.valid('json'), options),
        200,
      ),
  );

  return app;
};
