/**
 * Writes a drift report as EMF: the number of findings (what the alarm
 * watches), charts evaluated and skipped, and per chart its statistic as a
 * fraction of the threshold (1 or more is a finding), dimensioned by prompt
 * version and signal only.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DRIFT_METRICS } from '#contracts/drift-metrics.ts';
import type { ChartResult, DriftReport } from '#core/drift/index.ts';
import { addDimensionSet } from '#functions/shared/powertools.ts';

/** `completeness:decrease`, `outcomeShare:NO_TEXT_LAYER:increase`: the Signal dimension. */
export const signalDimension = (chart: Pick<ChartResult, 'signal' | 'direction'>): string =>
  `${chart.signal}:${chart.direction}`;

export const emitDriftMetrics = (metrics: Metrics, report: DriftReport): void => {
  const evaluated = report.charts.filter((chart) => chart.status === 'evaluated');
  metrics.addMetric(DRIFT_METRICS.findings, MetricUnit.Count, report.findings.length);
  metrics.addMetric(DRIFT_METRICS.chartsEvaluated, MetricUnit.Count, evaluated.length);
  metrics.addMetric(
    DRIFT_METRICS.chartsSkipped,
    MetricUnit.Count,
    report.charts.length - evaluated.length,
  );
  metrics.publishStoredMetrics();
  for (const chart of evaluated) {
    const single = metrics.singleMetric();
    addDimensionSet(single, {
      ...(chart.promptVersion === null ? {} : { PromptVersion: chart.promptVersion }),
      Signal: signalDimension(chart),
    });
    single.addMetric(
      DRIFT_METRICS.statistic,
      MetricUnit.NoUnit,
      report.threshold > 0 ? chart.statistic / report.threshold : chart.statistic,
    );
  }
};
