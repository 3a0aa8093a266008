/**
 * The HTTP API: guards, the routes over the service layer under `/api`, the
 * generated OpenAPI 3.1 document at `/openapi.json`, and problem documents
 * for every error. The same app serves the Node server and the Lambda entry.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps } from './deps.ts';
import {
  type GuardOptions,
  jsonBodyWithoutContentType,
  originGuard,
  rateLimit,
  sizeLimit,
} from './guard.ts';
import { fieldErrorsOf, ProblemError, problemOf, problemOfError, sendProblem } from './problem.ts';
import { dlqRoutes } from './routes/dlq.ts';
import { documentRoutes } from './routes/documents.ts';
import { evaluationRoutes } from './routes/evaluations.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { functionRoutes } from './routes/functions.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { promptRoutes } from './routes/prompts.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { uploadRoutes } from './routes/uploads.ts';

export const API_VERSION = '1.0.0';

export interface ApiOptions extends GuardOptions {
  /** Serve the Swagger UI reference page at `/docs` (needs `swagger-ui-dist` on disk). */
  readonly referencePage: boolean;
  /** Where unexpected errors are reported: their name and the route only. */
  readonly logError?: (entry: { name: string; method: string; route: string }) => void;
}

const defaultLog = (entry: { name: string; method: string; route: string }) =>
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', message: 'api error', ...entry })}\n`);

export const createApi = async (deps: ApiDeps, options: ApiOptions) => {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        return sendProblem(
          c,
          problemOf(
            400,
            'INVALID_REQUEST',
            `the request ${result.target} is invalid`,
            fieldErrorsOf(result.error.issues),
          ),
        );
      }
      return undefined;
    },
  });

  app.use('*', originGuard(options.allowedOrigins));
  if (options.allowedOrigins.length > 0) {
    app.use('*', cors({ origin: [...options.allowedOrigins], maxAge: 600 }));
  }
  if (options.rateLimit)
    app.use('*', rateLimit(options.rateLimit.perSecond, options.rateLimit.burst));
  app.use('*', sizeLimit(options.maxBodyBytes));
  app.use('*', jsonBodyWithoutContentType);

  app.route('/api/prompts', promptRoutes(deps));
  app.route('/api/metrics', metricsRoutes(deps));
  app.route('/api/experiments', experimentRoutes(deps));
  app.route('/api/documents', documentRoutes(deps));
  app.route('/api/reviews', reviewRoutes(deps));
  app.route('/api/uploads', uploadRoutes(deps));
  app.route('/api/dlq', dlqRoutes(deps));
  app.route('/api/evaluations', evaluationRoutes(deps));
  app.route('/api/health', healthRoutes(deps));
  app.route('/api/functions', functionRoutes(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'MedExtract API',
      version: API_VERSION,
      description:
        'Prompt versions, metrics, experiments, documents and uploads, dead-letter queues and evaluation runs of one MedExtract stack. Errors are RFC 9457 problem documents.',
    },
  });
  if (options.referencePage) {
    const { addReferencePage } = await import('./reference-page.ts');
    addReferencePage(app);
  }

  app.notFound((c) => sendProblem(c, problemOf(404, 'ROUTE_NOT_FOUND', 'no such route')));
  app.onError((error, c) => {
    if (error instanceof ProblemError) return sendProblem(c, error.problem);
    if (error instanceof HTTPException) {
      const status = error.status;
      const reason = status === 400 ? 'MALFORMED_BODY' : `HTTP_${status}`;
      return sendProblem(c, problemOf(status, reason, 'the request could not be read'));
    }
    const problem = problemOfError(error);
    if (problem.status >= 500) {
      (options.logError ?? defaultLog)({
        name: error instanceof Error ? error.name : 'Error',
        method: c.req.method,
        route: c.req.routePath,
      });
    }
    return sendProblem(c, problem);
  });
  return app;
};

export type MedExtractApi = Awaited<ReturnType<typeof createApi>>;
