/**
 * X-Ray tracing through Powertools Tracer, loaded only where it can trace: a
 * Lambda execution environment with POWERTOOLS_TRACE_ENABLED not `false`.
 * The X-Ray SDK installs async hooks when it loads, which makes every `await`
 * several times slower, so tests and the local runtime never load it at all.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

/** What tracer-cjs.cjs exports: the same class as the ES build, from the CommonJS one. */
interface TracerModules {
  readonly Tracer: typeof Tracer;
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

const loadTracer = async (): Promise<Tracer | null> => {
  if (!tracingWanted()) return null;
  // The CommonJS build (tracer-cjs.cjs), so no bundle imports node:http at init.
  const { Tracer } = (await import('./tracer-cjs.cjs')).default as TracerModules;
  return new Tracer({ serviceName: 'medextract' });
};

const tracer = await loadTracer();

/** True when this process sends traces (X-Ray SDK loaded and Tracer enabled). */
export const tracingActive = (): boolean => tracer?.isTracingEnabled() ?? false;

/** The client with X-Ray subsegments around every SDK call when tracing; else unchanged. */
export const traceClient = <T>(client: T): T =>
  tracer ? tracer.captureAWSv3Client(client) : client;

type Invocation<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * The handler inside a `## <handler>` subsegment of the invocation's segment,
 * annotated with cold start and service name, an error recorded as metadata:
 * Powertools Tracer's manual instrumentation, what its middy middleware does.
 * The response is not recorded: it is a reference, but a trace is no place
 * for task output. Unchanged where tracing is off.
 */
export const traceHandler = <TEvent, TResult>(
  handler: Invocation<TEvent, TResult>,
): Invocation<TEvent, TResult> => {
  if (!tracer) return handler;
  return async (event, context) => {
    if (!tracer.isTracingEnabled()) return handler(event, context);
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handler(event, context);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      if (segment && subsegment) {
        try {
          subsegment.close();
        } catch {
          // A segment that fails to close loses trace data, never the invocation's result.
        }
        tracer.setSegment(segment);
      }
    }
  };
};
