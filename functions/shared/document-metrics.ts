/**
 * The per-document EMF record, written once when a document ends (succeeded,
 * needs review or failed). Dimensions come only from the allow-list; the document id and
 * integer cost travel as properties for the aggregator, never as dimensions.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DocumentOutcome } from '#adapters/result-record.ts';
import { addDimensionSet } from './powertools.ts';

export type { DocumentOutcome };

/**
 * Adds and publishes the record in one synchronous step. It is not left to a
 * flush at the end of the invocation: the local runtime runs many
 * invocations in one process on one Metrics instance, and a flush after an
 * `await` would merge or drop their records.
 */
export const emitDocumentMetrics = (metrics: Metrics, doc: DocumentOutcome): void => {
  if (doc.promptVersion) addDimensionSet(metrics, { PromptVersion: doc.promptVersion });
  if (doc.experimentId && doc.arm) {
    addDimensionSet(metrics, { Experiment: doc.experimentId, Variant: doc.arm });
  }
  addDimensionSet(metrics, { Outcome: doc.outcome });
  if (doc.reason) addDimensionSet(metrics, { Reason: doc.reason });

  metrics.addMetric('Documents', MetricUnit.Count, 1);
  metrics.addMetric('Succeeded', MetricUnit.Count, doc.outcome === 'Succeeded' ? 1 : 0);
  metrics.addMetric('Failed', MetricUnit.Count, doc.outcome === 'Failed' ? 1 : 0);
  metrics.addMetric('NeedsReview', MetricUnit.Count, doc.outcome === 'NeedsReview' ? 1 : 0);
  if (doc.outcome !== 'Failed') {
    metrics.addMetric('ExtractionCacheHit', MetricUnit.Count, doc.cacheHit ? 1 : 0);
  }
  metrics.addMetric('LatencyMs', MetricUnit.Milliseconds, doc.latencyMs);
  if (doc.modelLatencyMs !== null) {
    metrics.addMetric('ModelLatencyMs', MetricUnit.Milliseconds, doc.modelLatencyMs);
  }
  if (doc.inputTokens !== null) metrics.addMetric('InputTokens', MetricUnit.Count, doc.inputTokens);
  if (doc.outputTokens !== null)
    metrics.addMetric('OutputTokens', MetricUnit.Count, doc.outputTokens);
  // Prompt-cache tokens Bedrock reported, per prompt version like the other token counts; only
  // for calls the cache served or filled, so versions that never cache add no custom metrics.
  const cacheRead = doc.cacheReadInputTokens ?? 0;
  const cacheWrite = doc.cacheWriteInputTokens ?? 0;
  if (cacheRead + cacheWrite > 0) {
    metrics.addMetric('CacheReadInputTokens', MetricUnit.Count, cacheRead);
    metrics.addMetric('CacheWriteInputTokens', MetricUnit.Count, cacheWrite);
  }
  if (doc.costMicroUsd !== null) {
    metrics.addMetric('CostUsd', MetricUnit.NoUnit, doc.costMicroUsd / 1_000_000);
    metrics.addMetadata('costMicroUsd', String(doc.costMicroUsd));
  }
  if (doc.completeness !== null)
    metrics.addMetric('Completeness', MetricUnit.NoUnit, doc.completeness);
  if (doc.allRequiredPresent !== null) {
    metrics.addMetric('AllRequiredPresent', MetricUnit.Count, doc.allRequiredPresent ? 1 : 0);
  }
  metrics.addMetadata('documentId', doc.documentId);
  metrics.addMetadata('attempt', String(doc.attempt));
  metrics.addMetadata('promptVersion', doc.promptVersion ?? '');
  metrics.addMetadata('experimentId', doc.experimentId ?? '');
  metrics.addMetadata('arm', doc.arm ?? '');
  metrics.addMetadata('outcome', doc.outcome);
  metrics.addMetadata('reason', doc.reason ?? '');
  metrics.publishStoredMetrics();
};
