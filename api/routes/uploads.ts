/**
 * The upload route: a short-lived presigned PUT link under `incoming/` for a
 * file name checked by the starter's key rules; the upload then goes through
 * the pipeline like any other and reaches a ledger outcome.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { uploadLink } from '#services/document-links.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { UploadLinkSchema, UploadRequestSchema } from '../schemas-documents.ts';

export const uploadRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['documents'],
      summary: 'A presigned PUT link for a new PDF under incoming/ (default 900 s)',
      request: { body: jsonBody(UploadRequestSchema) },
      responses: {
        201: json(UploadLinkSchema, 'PUT the bytes to `url` before `expiresAt`'),
        ...problemResponses(400, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await uploadLink(deps.ctx, body.file_name, body.expires_in), 201);
    },
  );
  return app;
};
