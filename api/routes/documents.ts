/**
 * Document routes: processed documents listed by status or prompt version,
 * and one document with its outcome and extracted fields, from the
 * document use cases (ids, codes and numbers; never an object key).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getDocument, listDocuments } from '#services/documents.ts';
import { InvalidInputError } from '#services/errors.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { bareVersion } from '../schemas.ts';
import {
  DocumentDetailsSchema,
  DocumentListQuery,
  DocumentListSchema,
} from '../schemas-operations.ts';

const tags = ['documents'];

export const documentRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Documents, newest first by status or prompt version; unfiltered, a bounded scan',
      request: { query: DocumentListQuery },
      responses: { 200: json(DocumentListSchema, 'The documents'), ...problemResponses(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit === undefined ? undefined : Number(q.limit);
      if (limit !== undefined && (limit < 1 || limit > 1000)) {
        throw new InvalidInputError('INVALID_LIMIT', 'limit is from 1 to 1000', 'limit');
      }
      const documents = await listDocuments(deps.ctx, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.prompt_version ? { promptVersion: bareVersion(q.prompt_version) } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
      return c.json({ documents }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One document: outcome, reason, version, arm, completeness, cost and fields',
      request: { params: z.object({ id: z.string().openapi({ description: '64 hex digits' }) }) },
      responses: {
        200: json(DocumentDetailsSchema, 'The document'),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => c.json(await getDocument(deps.ctx, c.req.valid('param').id), 200),
  );

  return app;
};
