/**
 * The hourly drift analyser on AWS: the drift function (reads the metrics
 * table's roll-ups, writes findings as EMF), the EventBridge Scheduler
 * schedule that runs it ten minutes past every hour, and the metrics its
 * alarm and dashboard widgets read.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DRIFT_METRICS } from '#contracts/drift-metrics.ts';
import { METRICS_TABLE, physicalName } from '#contracts/resources.ts';
import { metricsNamespace, SERVICE_NAME, type StageConfig } from '../config.ts';
import { PipelineFunction } from './pipeline-function.ts';

export interface DriftMonitorProps {
  readonly config: StageConfig;
  readonly metricsTable: dynamodb.ITable;
  /** Key of the metrics table. */
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  /** Prompt versions whose roll-ups are analysed. */
  readonly promptVersions: readonly string[];
}

export class DriftMonitor extends Construct {
  readonly function: PipelineFunction;
  readonly schedule: scheduler.Schedule;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const { config } = props;
    const settings = config.alarms.drift;
    this.namespace = metricsNamespace(config.stage);

    this.function = new PipelineFunction(this, 'Drift', {
      name: 'drift',
      config,
      logsKey: props.logsKey,
      invocation: { kind: 'scheduled' },
      environment: {
        DRIFT_PROMPT_VERSIONS: props.promptVersions.join(','),
        DRIFT_BASELINE_HOURS: String(settings.baselineHours),
        DRIFT_MONITOR_HOURS: String(settings.monitorHours),
        DRIFT_FALSE_ALARM_HOURS_PER_YEAR: String(settings.falseAlarmHoursPerYear),
      },
    }).bindTable(props.metricsTable, METRICS_TABLE, props.dataKey, ['dynamodb:Query']);

    // The schedule's own role, so its grant and acknowledgements sit here and not on a stack-wide singleton.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler: invokes ${physicalName(config.stage, 'drift')} hourly`,
    });

    // Ten minutes past the hour, so the aggregator has folded the last hour's records.
    this.schedule = new scheduler.Schedule(this, 'HourlySchedule', {
      scheduleName: physicalName(config.stage, 'drift-hourly'),
      description: 'Runs the drift analyser over the roll-ups of the last complete hour.',
      schedule: scheduler.ScheduleExpression.cron({ minute: '10' }),
      target: new targets.LambdaInvoke(this.function.function, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({}),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(50),
      }),
    });
    const policy = schedulerRole.node.tryFindChild('DefaultPolicy');
    if (!(policy instanceof iam.Policy)) throw new Error('the scheduler role has no DefaultPolicy');
    const cfnFunction = this.function.function.node.defaultChild;
    if (!(cfnFunction instanceof lambda.CfnFunction)) throw new Error('drift has no CfnFunction');
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfnFunction)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the drift function and its own versions and aliases (the ":*" qualifier), as the scheduler target grants it; no other function and no other action.',
    });
    Validations.of(policy).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'This policy belongs to the one role EventBridge Scheduler assumes for this schedule, is created and deleted with it, and holds a single lambda:InvokeFunction statement on the drift function.',
    });
  }

  /** Findings of the latest run (the drift alarm's metric). */
  findingsMetric(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: DRIFT_METRICS.findings,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    });
  }

  /**
   * Every chart's statistic as a fraction of its threshold, one line per
   * prompt version and signal (and per signal for the outcome mix); 1 is a finding.
   */
  statisticSearches(): cloudwatch.MathExpression[] {
    const search = (dimensions: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${this.namespace},${dimensions}} MetricName="${DRIFT_METRICS.statistic}"', 'Maximum', 3600)`,
        label,
        period: Duration.hours(1),
      });
    return [search('PromptVersion,Signal,service', ''), search('Signal,service', '')];
  }
}
