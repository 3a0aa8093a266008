/**
 * Dead-letter queue routes: the messages of the extraction or ingest DLQ
 * with their reason codes (left in the queue), and a rate-limited redrive of
 * all of them or of selected messages.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { listDlq } from '#services/dlq.ts';
import { redriveExtraction, redriveIngest } from '#services/dlq-redrive.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import {
  DlqListQuery,
  DlqListSchema,
  DlqParam,
  RedriveBodySchema,
  RedriveResultSchema,
} from '../schemas-operations.ts';

const tags = ['dlq'];

export const dlqRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{queue}',
      tags,
      summary: 'Messages of a dead-letter queue, by reason; they stay in the queue',
      request: { params: DlqParam, query: DlqListQuery },
      responses: { 200: json(DlqListSchema, 'The messages'), ...problemResponses(400) },
    }),
    async (c) => {
      const { queue } = c.req.valid('param');
      const max = Number(c.req.valid('query').max ?? 100);
      const messages = await listDlq(deps.ctx, queue, Math.max(1, max));
      const byReason: Record<string, number> = {};
      for (const m of messages) {
        const key = m.reason ?? m.error ?? 'UNKNOWN';
        byReason[key] = (byReason[key] ?? 0) + 1;
      }
      return c.json({ queue, messages, byReason }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{queue}/redrive',
      tags,
      summary:
        'Take messages (all up to `max`, or only `message_ids`) back into the pipeline at `rate_per_second`',
      request: { params: DlqParam, body: { ...jsonBody(RedriveBodySchema), required: false } },
      responses: {
        200: json(RedriveResultSchema, 'What happened to each message'),
        ...problemResponses(400, 413, 415),
      },
    }),
    async (c) => {
      const { queue } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const options = {
        max: body.max ?? 100,
        rate: body.rate_per_second ?? 5,
        ...(body.message_ids ? { messageIds: body.message_ids } : {}),
      };
      const results =
        queue === 'extraction'
          ? await redriveExtraction(deps.ctx, options)
          : await redriveIngest(deps.ctx, options);
      return c.json({ queue, results }, 200);
    },
  );

  return app;
};
