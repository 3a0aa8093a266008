/**
 * What underwriting notices, per prompt version: the metrics behind the
 * anomaly-detection alarms on cost per document, completeness, p95 latency
 * and failure rate, read from the per-document EMF records (dimension set
 * [service, PromptVersion]). Only metric definitions live here; the
 * Observability construct turns them into alarms and links their runbook.
 *
 * Metric math, and why:
 * - cost per document: Average of CostUsd. Each document that reached the
 *   model writes one CostUsd value, so the mean is Σcost / documents.
 * - completeness: Average of Completeness, one value per scored document.
 * - p95 latency: the p95 statistic of LatencyMs; CloudWatch keeps EMF values
 *   as distributions, so the percentile is computed from all of them.
 * - failure rate: IF(documents >= N, 100 · failed / documents, 0) over the
 *   Sums of Failed and Documents. The plain Average of Failed is the same
 *   ratio, but in a quiet hour one failure among three documents would read
 *   33 % and train the band on noise; below N documents the rate reads 0.
 * Cost, latency and failure rate page above the band; completeness below it.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SERVICE_NAME } from '../config.ts';

export type QualitySignal = 'CostPerDocument' | 'Completeness' | 'LatencyP95' | 'FailureRate';

export interface QualityAlarmSpec {
  readonly signal: QualitySignal;
  readonly metric: cloudwatch.IMetric;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly description: string;
}

export interface QualityMetricsProps {
  readonly namespace: string;
  readonly promptVersion: string;
  readonly period: Duration;
  readonly minDocumentsForFailureRate: number;
}

const { GREATER_THAN_UPPER_THRESHOLD: ABOVE, LESS_THAN_LOWER_THRESHOLD: BELOW } =
  cloudwatch.ComparisonOperator;

/** The four anomaly-alarm metrics of one prompt version. */
export const qualityAlarmSpecs = (props: QualityMetricsProps): QualityAlarmSpec[] => {
  const { namespace, promptVersion, period } = props;
  const metric = (metricName: string, statistic: string, label: string): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace,
      metricName,
      statistic,
      period,
      label,
      dimensionsMap: { PromptVersion: promptVersion, service: SERVICE_NAME },
    });
  const failureRate = new cloudwatch.MathExpression({
    expression: `IF(documents >= ${props.minDocumentsForFailureRate}, 100 * failed / documents, 0)`,
    usingMetrics: {
      documents: metric('Documents', cloudwatch.Stats.SUM, 'documents'),
      failed: metric('Failed', cloudwatch.Stats.SUM, 'failed'),
    },
    label: `Failure rate % (${promptVersion})`,
    period,
  });
  return [
    {
      signal: 'CostPerDocument',
      metric: metric(
        'CostUsd',
        cloudwatch.Stats.AVERAGE,
        `Cost per document USD (${promptVersion})`,
      ),
      comparisonOperator: ABOVE,
      description: `Cost per document of prompt version ${promptVersion} is above its expected band.`,
    },
    {
      signal: 'Completeness',
      metric: metric('Completeness', cloudwatch.Stats.AVERAGE, `Completeness (${promptVersion})`),
      comparisonOperator: BELOW,
      description: `Mean completeness of prompt version ${promptVersion} is below its expected band.`,
    },
    {
      signal: 'LatencyP95',
      metric: metric('LatencyMs', cloudwatch.Stats.p(95), `Latency p95 ms (${promptVersion})`),
      comparisonOperator: ABOVE,
      description: `End-to-end latency p95 of prompt version ${promptVersion} is above its expected band.`,
    },
    {
      signal: 'FailureRate',
      metric: failureRate,
      comparisonOperator: ABOVE,
      description: `Failure rate of prompt version ${promptVersion} is above its expected band.`,
    },
  ];
};
