/**
 * The dashboard charts that show alarms and drift findings on the signal
 * they concern: per prompt version, each anomaly-alarm metric with its
 * learned band, the alarm as an annotation (CloudWatch shades the periods it
 * was in ALARM) and, on the right axis, the drift statistic of the matching
 * drift charts against the finding line at 1; and the drift findings with
 * the DriftDetected alarm's annotation and its threshold.
 */

import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DRIFT_METRICS } from '#contracts/drift-metrics.ts';
import { SERVICE_NAME } from '../config.ts';
import type { DriftMonitor } from './drift-monitor.ts';
import type { QualitySignal } from './quality-alarms.ts';

/** One anomaly alarm with what its chart needs. */
export interface QualityChartSource {
  readonly promptVersion: string;
  readonly signal: QualitySignal;
  /** The metric the alarm watches. */
  readonly metric: cloudwatch.IMetric;
  readonly alarm: cloudwatch.IAlarm;
}

/**
 * The drift charts (the `Signal` dimension, `<signal>:<direction>`) that watch
 * the same thing as each anomaly alarm: cost follows tokens; latency has none.
 */
export const DRIFT_SIGNALS_OF: Readonly<Record<QualitySignal, readonly string[]>> = {
  Completeness: ['completeness:decrease', 'requiredFieldFillRate:decrease'],
  CostPerDocument: ['inputTokensPerDocument:increase', 'outputTokensPerDocument:increase'],
  LatencyP95: [],
  // The outcome mix is analysed over all documents, so it has no PromptVersion.
  FailureRate: [],
};

/** The drift statistic is a fraction of the finding threshold: 1 is a finding. */
export const DRIFT_FINDING_LINE: cloudwatch.HorizontalAnnotation = {
  value: 1,
  label: 'drift finding',
  color: cloudwatch.Color.RED,
};

/**
 * A time-series chart carrying one alarm annotation as well as its metrics.
 * CloudWatch allows one alarm per metric widget; CDK's GraphWidget renders
 * metrics and horizontal annotations but no alarm, its AlarmWidget the alarm
 * but no other metric, so this adds the alarm to a GraphWidget's JSON.
 */
export class AnnotatedGraphWidget extends cloudwatch.ConcreteWidget {
  private readonly graph: cloudwatch.GraphWidget;
  private readonly alarm: cloudwatch.IAlarm;

  constructor(props: cloudwatch.GraphWidgetProps & { readonly alarm: cloudwatch.IAlarm }) {
    const { alarm, ...graph } = props;
    super(graph.width ?? 6, graph.height ?? 6);
    this.alarm = alarm;
    this.graph = new cloudwatch.GraphWidget(graph);
  }

  toJson(): unknown[] {
    this.graph.position(this.x ?? 0, this.y ?? 0);
    return this.graph.toJson().map((widget) => {
      const properties = widget.properties ?? {};
      return {
        ...widget,
        properties: {
          ...properties,
          annotations: { ...(properties.annotations ?? {}), alarms: [this.alarm.alarmArn] },
        },
      };
    });
  }
}

const driftStatistic = (
  namespace: string,
  promptVersion: string,
  signal: string,
  period: Duration,
): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace,
    metricName: DRIFT_METRICS.statistic,
    dimensionsMap: { PromptVersion: promptVersion, Signal: signal, service: SERVICE_NAME },
    statistic: cloudwatch.Stats.MAXIMUM,
    period,
    label: `drift ${signal}`,
  });

/** One chart per anomaly alarm, in the order given (a row of four per prompt version). */
export const qualityCharts = (
  sources: readonly QualityChartSource[],
  options: {
    readonly namespace: string;
    readonly bandWidth: number;
    /** The alarms' period: the band is computed over the alarm metric at that period. */
    readonly period: Duration;
    readonly driftPeriod: Duration;
  },
): AnnotatedGraphWidget[] =>
  sources.map((source) => {
    const band = new cloudwatch.MathExpression({
      expression: `ANOMALY_DETECTION_BAND(m, ${options.bandWidth})`,
      usingMetrics: { m: source.metric },
      label: 'expected band',
      period: options.period,
    });
    const drift = DRIFT_SIGNALS_OF[source.signal].map((signal) =>
      driftStatistic(options.namespace, source.promptVersion, signal, options.driftPeriod),
    );
    return new AnnotatedGraphWidget({
      title: `${source.signal} v${source.promptVersion}`,
      alarm: source.alarm,
      left: [source.metric, band],
      right: drift,
      rightAnnotations: drift.length > 0 ? [DRIFT_FINDING_LINE] : [],
      width: 6,
      height: 6,
    });
  });

/**
 * The drift row: the findings count with DriftDetected (its threshold line
 * and the periods it was in ALARM), and every chart's statistic against the
 * finding line.
 */
export const driftCharts = (
  drift: DriftMonitor,
  driftAlarm: cloudwatch.Alarm,
): cloudwatch.ConcreteWidget[] => [
  new AnnotatedGraphWidget({
    title: 'Drift findings (hourly analyser)',
    alarm: driftAlarm,
    left: [drift.findingsMetric()],
    leftAnnotations: [driftAlarm.toAnnotation()],
    width: 8,
    height: 6,
  }),
  new cloudwatch.GraphWidget({
    title: 'Drift statistic / threshold by prompt version and signal (1 = finding)',
    left: drift.statisticSearches(),
    leftAnnotations: [{ ...DRIFT_FINDING_LINE, label: 'finding' }],
    width: 16,
    height: 6,
  }),
];
