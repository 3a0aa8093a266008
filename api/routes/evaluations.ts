/**
 * Evaluation run routes: the reports `medextract eval` saved, newest first,
 * and one with its full report (scores per field, per type, per document).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getEvaluationReport, listEvaluationReports } from '#services/evaluation-reports.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { list } from '../schemas.ts';

const EvaluationSummarySchema = z
  .object({
    id: z.string(),
    kind: z.enum(['run', 'comparison']),
    createdAt: z.string(),
    versions: list(z.string()),
    documents: z.number().int(),
    failed: z.number().int(),
    f1: list(z.number()).openapi({ description: 'Micro F1 of each version, in `versions` order' }),
  })
  .openapi('EvaluationSummary');

const EvaluationRecordSchema = EvaluationSummarySchema.extend({
  report: z
    .record(z.string(), z.unknown())
    .openapi({ description: 'The report as `medextract eval --json` prints it' }),
}).openapi('EvaluationRecord');

const tags = ['evaluations'];

export const evaluationRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Saved evaluation runs, newest first',
      responses: {
        200: json(z.object({ evaluations: list(EvaluationSummarySchema) }), 'The runs'),
        ...problemResponses(),
      },
    }),
    async (c) => c.json({ evaluations: await listEvaluationReports(deps.evaluations) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One evaluation run with its report',
      request: {
        params: z.object({ id: z.string().openapi({ example: '20261201T114500123Z-2.0.0' }) }),
      },
      responses: {
        200: json(EvaluationRecordSchema, 'The run'),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => c.json(await getEvaluationReport(deps.evaluations, c.req.valid('param').id), 200),
  );

  return app;
};
