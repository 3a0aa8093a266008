/**
 * Functions route: per function invocations, errors, cold starts, duration
 * and init percentiles, memory and a per-minute series, from the local
 * runtime's per-invocation REPORT records. Where the API has none (on AWS)
 * it says so and points at the CloudWatch dashboard.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { summariseInvocations } from '#core/functions/invocation-summary.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import { list } from '../schemas.ts';

const PercentilesSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

export const FunctionsReportSchema = z
  .object({
    source: z.enum(['local-runtime', 'none']).openapi({
      description:
        '`local-runtime`: the in-process handler runs of this machine; `none`: read the CloudWatch dashboard',
    }),
    note: z.string(),
    functions: list(
      z.object({
        functionName: z.string(),
        invocations: z.number().int(),
        errors: z.number().int(),
        coldStarts: z.number().int(),
        durationMs: PercentilesSchema.nullable(),
        billedDurationMsTotal: z.number().int(),
        initDurationMs: PercentilesSchema.nullable(),
        memorySizeMb: z.number().int(),
        maxMemoryUsedMb: z.number().int(),
        throttles: z.number().int(),
        series: list(
          z.object({
            minute: z.string(),
            invocations: z.number().int(),
            p50: z.number(),
            p95: z.number(),
          }),
        ),
      }),
    ),
  })
  .openapi('FunctionsReport');

const LOCAL_NOTE =
  'Handlers run in one local Node process: memory used is that process, init is the module import, nothing throttles.';

export const functionRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['functions'],
      summary: 'Per function invocations, durations, cold starts, init and memory',
      responses: { 200: json(FunctionsReportSchema, 'The figures'), ...problemResponses() },
    }),
    (c) => {
      if (!deps.invocations) {
        return c.json(
          {
            source: 'none' as const,
            note: 'No invocation records here: read the per-function widgets of the CloudWatch dashboard.',
            functions: [],
          },
          200,
        );
      }
      return c.json(
        {
          source: 'local-runtime' as const,
          note: LOCAL_NOTE,
          functions: summariseInvocations(deps.invocations()),
        },
        200,
      );
    },
  );
  return app;
};
