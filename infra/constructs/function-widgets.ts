/**
 * The dashboard's per-function performance row, the deployed side of the
 * console's Functions page: duration p50/p95 and concurrent executions per
 * function from Lambda's metrics, and init duration and cold starts from the
 * functions' REPORT log lines (Logs Insights), with memory used against
 * configured, the figures the memory recommendations read.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { PipelineFunction } from './pipeline-function.ts';

/** Logs Insights reads at most 50 log groups per query. */
const MAX_LOG_GROUPS = 50;

export const functionPerformanceWidgets = (
  functions: readonly PipelineFunction[],
): cloudwatch.IWidget[] => {
  const period = Duration.minutes(5);
  const durations = (statistic: string) =>
    functions.map((fn) =>
      fn.function.metricDuration({ period, statistic, label: `${fn.name} ${statistic}` }),
    );
  return [
    new cloudwatch.GraphWidget({
      title: 'Function duration p50 (ms)',
      left: durations('p50'),
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Function duration p95 (ms)',
      left: durations('p95'),
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Function concurrent executions (max)',
      left: functions.map((fn) =>
        fn.function.metric('ConcurrentExecutions', {
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
          label: fn.name,
        }),
      ),
      width: 8,
      height: 6,
    }),
    new cloudwatch.LogQueryWidget({
      title: 'Cold starts and init duration per function (REPORT lines)',
      logGroupNames: functions.slice(0, MAX_LOG_GROUPS).map((fn) => fn.logGroup.logGroupName),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'filter @type = "REPORT" and ispresent(@initDuration)',
        'stats count(*) as coldStarts, pct(@initDuration, 50) as initP50Ms, pct(@initDuration, 95) as initP95Ms, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryMb by @log',
      ],
      width: 24,
      height: 6,
    }),
    new cloudwatch.LogQueryWidget({
      title: 'Memory used against configured per function (REPORT lines)',
      logGroupNames: functions.slice(0, MAX_LOG_GROUPS).map((fn) => fn.logGroup.logGroupName),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'filter @type = "REPORT"',
        'stats max(@memorySize / 1000 / 1000) as configuredMb, pct(@maxMemoryUsed / 1000 / 1000, 99) as usedP99Mb, max(@maxMemoryUsed / 1000 / 1000) as usedMaxMb, sum(@billedDuration) as billedMs by @log',
      ],
      width: 24,
      height: 6,
    }),
  ];
};
