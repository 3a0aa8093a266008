/** Health route: each dependency's state, 200 when all answer and 503 when any does not. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { checkHealth } from '#services/health.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { HealthSchema } from '../schemas-operations.ts';

export const healthRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['health'],
      summary: "Each dependency's state",
      responses: {
        200: json(HealthSchema, 'Every dependency answered'),
        503: json(HealthSchema, 'At least one dependency did not answer'),
        ...problemResponses(),
      },
    }),
    async (c) => {
      const report = await checkHealth(deps.ctx);
      return report.status === 'ok' ? c.json(report, 200) : c.json(report, 503);
    },
  );
  return app;
};
