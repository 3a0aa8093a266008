/**
 * X-Ray tracing through Powertools Tracer, loaded only where it can trace: a
 * Lambda execution environment with POWERTOOLS_TRACE_ENABLED not `false`.
 * The X-Ray SDK installs async hooks when it loads, which makes every `await`
 * several times slower, so tests and the local runtime never load it at all.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

/** What tracer-cjs.cjs exports: the same classes as the ES build, from the CommonJS one. */
interface TracerModules {
  readonly Tracer: typeof Tracer;
  readonly captureLambdaHandler: typeof captureLambdaHandler;
}

/** The Tracer's own enablement rules, checked before its module is loaded. */
export const tracingWanted = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return (
    executionEnv !== '' &&
    executionEnv !== 'AWS_Lambda_amplify-mock' &&
    (env.AWS_SAM_LOCAL ?? '') === '' &&
    (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false'
  );
};

interface Tracing {
  readonly tracer: Tracer;
  readonly middleware: MiddlewareObj;
}

const loadTracing = async (): Promise<Tracing | null> => {
  if (!tracingWanted()) return null;
  // The CommonJS builds (tracer-cjs.cjs), so no bundle imports node:http at init.
  const { Tracer, captureLambdaHandler } = (await import('./tracer-cjs.cjs'))
    .default as TracerModules;
  const tracer = new Tracer({ serviceName: 'medextract' });
  // Responses are references, but a trace is no place for task output.
  return { tracer, middleware: captureLambdaHandler(tracer, { captureResponse: false }) };
};

const tracing = await loadTracing();

/** True when this process sends traces (X-Ray SDK loaded and Tracer enabled). */
export const tracingActive = (): boolean => tracing?.tracer.isTracingEnabled() ?? false;

/** The client with X-Ray subsegments around every SDK call when tracing; else unchanged. */
export const traceClient = <T>(client: T): T =>
  tracing ? tracing.tracer.captureAWSv3Client(client) : client;

/** The handler-segment middleware when tracing; else none. */
export const tracingMiddleware = (): MiddlewareObj | null => tracing?.middleware ?? null;
