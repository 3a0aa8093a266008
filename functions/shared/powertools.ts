/**
 * Logger, metrics and tracer, set up once per function, and the one wrapper
 * (`instrument`) that applies them to every handler: the Lambda context on
 * every log line (request id, cold start) and a trace segment around the
 * invocation. Metrics are published by the code that records them (see
 * document-metrics.ts for why not by a flush at the end). Every
 * log line carries the documentId and promptVersion once known; never
 * document text, file names or patient fields. Metric dimensions come only
 * from `METRIC_DIMENSIONS`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { traceHandler } from './tracing.ts';
import './zod-messages.ts';

/** The only EMF dimension names MedExtract emits (no free text, no PHI). */
export const METRIC_DIMENSIONS = [
  'PromptVersion',
  'Experiment',
  'Variant',
  'Outcome',
  'Reason',
  /** Drift chart: signal and direction from a fixed set (core/drift), never free text. */
  'Signal',
] as const;
export type MetricDimension = (typeof METRIC_DIMENSIONS)[number];

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** One logger and one metrics instance for the named function. */
export const createObservability = (functionName: string): Observability => {
  const logger = new Logger({
    serviceName: 'medextract',
    persistentKeys: { function: functionName },
  });
  // Metrics' own warnings go through the logger, so they carry the request id too.
  const metrics = new Metrics({ serviceName: 'medextract', logger });
  return { logger, metrics };
};

/** A Lambda handler as the runtime (and the local runtime) calls it. */
export type Handler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * Wraps a handler with the tracer (outermost, so its segment spans the
 * logger's) and the logger's Lambda context: what Powertools' own
 * `injectLambdaContext({ resetKeys: true })` does, through the Logger's public
 * methods rather than a middy middleware (middy's core loads `node:stream/web`
 * and its siblings at init, about 7 ms of CPU per cold start; ADR 56). A task
 * that runs out of time ends as a Lambda timeout, which is what the state
 * machine's Retry and Catch are written for.
 */
export const instrument = <TEvent, TResult>(
  { logger }: Observability,
  handler: Handler<TEvent, TResult>,
): Handler<TEvent, TResult> =>
  traceHandler(async (event: TEvent, context: Context) => {
    logger.refreshSampleRateCalculation();
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    try {
      return await handler(event, context);
    } finally {
      logger.clearBuffer();
      // One document's ids never leak onto the next invocation's lines.
      logger.resetKeys();
    }
  });

/** Adds one dimension set after checking every name is on the allow-list. */
export const addDimensionSet = (
  metrics: Metrics,
  dimensions: Partial<Record<MetricDimension, string>>,
): void => {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(dimensions)) {
    if (!(METRIC_DIMENSIONS as readonly string[]).includes(name)) {
      throw new Error(`Metric dimension ${name} is not on the allow-list`);
    }
    if (value !== undefined) set[name] = value;
  }
  metrics.addDimensions(set);
};
