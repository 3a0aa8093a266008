/**
 * Functions route: per function invocations, errors, throttles, cold starts
 * and their init distribution, duration percentiles and trend, memory used
 * against configured, and memory recommendations with their monthly saving;
 * from the local runtime's REPORT records, or on AWS from CloudWatch.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { FunctionsAnswerSchema } from '#contracts/invocation-reports.ts';
import {
  cloudWatchFunctionsAnswer,
  localFunctionsAnswer,
  noFunctionsAnswer,
} from '#services/functions-report.ts';
import { type ApiDeps, json } from '../deps.ts';
import { problemResponses } from '../problem.ts';

export const FunctionsReportSchema = FunctionsAnswerSchema.openapi('FunctionsReport', {
  description:
    'source `local-runtime`: the in-process handler runs of this machine; `cloudwatch`: Lambda metrics and REPORT log lines of the deployed stage; `none`: read the CloudWatch dashboard',
});

const QuerySchema = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(72)
    .default(3)
    .openapi({ description: 'CloudWatch only: the hours back from now the figures cover' }),
});

export const functionRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['functions'],
      summary:
        'Per function invocations, durations, cold starts, init, memory and memory recommendations',
      request: { query: QuerySchema },
      responses: { 200: json(FunctionsReportSchema, 'The figures'), ...problemResponses() },
    }),
    async (c) => {
      if (deps.invocations) {
        const answer = localFunctionsAnswer(deps.invocations(), new Date(), deps.concurrency?.());
        return c.json(answer, 200);
      }
      if (deps.cloudWatchFunctions) {
        const { hours } = c.req.valid('query');
        return c.json(await cloudWatchFunctionsAnswer(deps.cloudWatchFunctions, hours), 200);
      }
      return c.json(noFunctionsAnswer(), 200);
    },
  );
  return app;
};
