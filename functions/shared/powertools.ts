/**
 * Logger and metrics, set up once per function. Every log line carries the
 * documentId and promptVersion once known; never document text, file names or
 * patient fields. Metric dimensions come only from `METRIC_DIMENSIONS`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

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
  const metrics = new Metrics({ serviceName: 'medextract' });
  return { logger, metrics };
};

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
