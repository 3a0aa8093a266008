/**
 * Document routes over the ledger: every upload listed with filters and a
 * cursor, one upload by document id or by key (outcome, scores, fields and
 * the state path its execution took), and a short-lived link to its PDF.
 * Keys appear in answers (the caller owns the bucket), never in logs.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { getDocumentRecord, getDocumentRecordsByKey } from '#services/document-details.ts';
import { pageUploads } from '#services/document-ledger.ts';
import { pdfLink } from '#services/document-links.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { bareVersion } from '../schemas.ts';
import {
  ByKeyQuery,
  DocumentIdParam,
  DocumentRecordSchema,
  DocumentVersionsSchema,
  PdfLinkQuery,
  PdfLinkSchema,
  UploadListQuery,
  UploadPageSchema,
} from '../schemas-documents.ts';

const tags = ['documents'];

export const documentRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary:
        'Every upload from the ledger, a page at a time: by key with a prefix, else by status, else newest upload first',
      request: { query: UploadListQuery },
      responses: { 200: json(UploadPageSchema, 'One page of uploads'), ...problemResponses(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await pageUploads(deps.ctx, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
        ...(q.received_from ? { receivedFrom: q.received_from } : {}),
        ...(q.received_to ? { receivedTo: q.received_to } : {}),
        ...(q.prompt_version ? { promptVersion: bareVersion(q.prompt_version) } : {}),
        ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      });
      return c.json({ documents: page.uploads, next_cursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/by-key',
      tags,
      summary: 'Every upload (object version) of one key, oldest first, each in full',
      request: { query: ByKeyQuery },
      responses: {
        200: json(DocumentVersionsSchema, 'The versions of the key'),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => c.json(await getDocumentRecordsByKey(deps.ctx, c.req.valid('query').key), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary:
        'One upload: outcome, reason, version, arm, completeness, cost, tokens, fields and the state path',
      request: { params: DocumentIdParam },
      responses: {
        200: json(DocumentRecordSchema, 'The upload'),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => c.json(await getDocumentRecord(deps.ctx, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/pdf',
      tags,
      summary:
        'A short-lived presigned GET link to the source PDF (the version the ledger recorded)',
      request: { params: DocumentIdParam, query: PdfLinkQuery },
      responses: { 200: json(PdfLinkSchema, 'The link'), ...problemResponses(400, 404) },
    }),
    async (c) => {
      const { expires_in } = c.req.valid('query');
      const link = await pdfLink(
        deps.ctx,
        c.req.valid('param').id,
        expires_in === undefined ? undefined : Number(expires_in),
      );
      return c.json(link, 200);
    },
  );

  return app;
};
