/**
 * Names of the metrics the drift function writes, shared with the alarm and
 * dashboard that read them. Plain data, so infra imports it without the
 * function's dependencies.
 */
export const DRIFT_METRICS = {
  /** Findings of the latest run (the DriftDetected alarm's metric). */
  findings: 'DriftFindings',
  chartsEvaluated: 'DriftChartsEvaluated',
  chartsSkipped: 'DriftChartsSkipped',
  /** Per chart: its CUSUM statistic as a fraction of the threshold (1 = finding). */
  statistic: 'DriftStatistic',
} as const;
