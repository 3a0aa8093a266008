/**
 * What operators see and what pages them: the aggregator fed by a log
 * subscription on the EMF-emitting functions, the drift monitor, the
 * dashboard (per prompt version business metrics, drift, pipeline health),
 * and alarms on a KMS-encrypted SNS topic, each linking its runbook entry.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  AGGREGATOR_FAILURE_QUEUE_SUFFIX,
  METRICS_TABLE,
  physicalName,
} from '#contracts/resources.ts';
import { metricsNamespace, type StageConfig } from '../config.ts';
import { RUNBOOK_PATH, RUNBOOK_URL_CONTEXT, runbookReference } from '../runbook.ts';
import { admissionAlarmSpecs, admissionWidgets } from './admission-alarms.ts';
import { DriftMonitor } from './drift-monitor.ts';
import { functionPerformanceWidgets } from './function-widgets.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type QualitySignal, qualityAlarmSpecs } from './quality-alarms.ts';
import { driftCharts, type QualityChartSource, qualityCharts } from './quality-dashboard.ts';
import { reviewCharts } from './review-dashboard.ts';

export interface ObservabilityProps {
  readonly config: StageConfig;
  readonly keys: {
    /** Aggregator failure queue. */
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly alarms: kms.IKey;
  };
  readonly metricsTable: dynamodb.ITable;
  /** Functions whose log groups carry the per-document EMF records. */
  readonly emitters: readonly PipelineFunction[];
  /** Every other pipeline function (errors and throttles alarms). */
  readonly functions: readonly PipelineFunction[];
  readonly stateMachine: sfn.IStateMachine;
  readonly ingestQueue: sqs.IQueue;
  /** Queues where a single message means a document or an event needs a person. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** Prompt versions that can serve traffic: each gets anomaly alarms and drift charts. */
  readonly promptVersions: readonly string[];
  /** Repairs the reconciler made; any repair alarms (intake or the workflow dropped a document). */
  readonly reconcileRepairs?: cloudwatch.IMetric;
}

/** Runbook heading of each per-version anomaly alarm. */
const ANOMALY_RUNBOOK: Readonly<Record<QualitySignal, string>> = {
  CostPerDocument: 'CostPerDocumentAnomaly (per prompt version)',
  Completeness: 'CompletenessAnomaly (per prompt version)',
  LatencyP95: 'LatencyP95Anomaly (per prompt version)',
  FailureRate: 'FailureRateAnomaly (per prompt version)',
};

/** Aggregator, dashboard, alarms and the topic they publish to. */
export class Observability extends Construct {
  readonly aggregator: PipelineFunction;
  readonly aggregatorFailureQueue: sqs.Queue;
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly drift: DriftMonitor;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly anomalyAlarms: cloudwatch.AnomalyDetectionAlarm[] = [];
  private readonly qualityChartSources: QualityChartSource[] = [];
  /** Set by createAlarms, which runs before the dashboard is drawn. */
  private driftAlarm?: cloudwatch.Alarm;
  private readonly config: StageConfig;
  private readonly runbookLocation: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { config, keys } = props;
    this.config = config;
    const runbookUrl: unknown = this.node.tryGetContext(RUNBOOK_URL_CONTEXT);
    this.runbookLocation =
      typeof runbookUrl === 'string' && runbookUrl !== '' ? runbookUrl : RUNBOOK_PATH;

    this.aggregatorFailureQueue = new sqs.Queue(this, 'AggregatorFailureQueue', {
      queueName: physicalName(config.stage, AGGREGATOR_FAILURE_QUEUE_SUFFIX),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: keys.data,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    const terminalQueue =
      'On-failure destination of the aggregator: log batches that failed three asynchronous attempts land here for replay; it has no consumer that could fail, and an alarm fires on its first message.';
    Validations.of(this.aggregatorFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: terminalQueue,
    });
    Validations.of(this.aggregatorFailureQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: terminalQueue,
    });

    this.aggregator = new PipelineFunction(this, 'Aggregator', {
      name: 'aggregator',
      config,
      logsKey: keys.logs,
      invocation: {
        kind: 'async',
        failureQueue: this.aggregatorFailureQueue,
        failureQueueKey: keys.data,
      },
    }).bindTable(props.metricsTable, METRICS_TABLE, keys.data, [
      // TransactWriteItems is authorised per item action: Put, Update, ConditionCheck.
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    ]);

    const destination = new LambdaDestination(this.aggregator.function, {
      addPermissions: true,
    });
    for (const emitter of props.emitters) {
      new logs.SubscriptionFilter(this, `${emitter.node.id}EmfSubscription`, {
        logGroup: emitter.logGroup,
        destination,
        filterName: 'emf-to-aggregator',
        filterPattern: logs.FilterPattern.stringValue(
          '$._aws.CloudWatchMetrics[0].Namespace',
          '=',
          metricsNamespace(config.stage),
        ),
      });
    }

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: physicalName(config.stage, 'alarms'),
      masterKey: keys.alarms,
      enforceSSL: true,
    });

    this.drift = new DriftMonitor(this, 'DriftMonitor', {
      config,
      metricsTable: props.metricsTable,
      dataKey: keys.data,
      logsKey: keys.logs,
      promptVersions: props.promptVersions,
    });

    const allFunctions = [
      ...props.functions,
      ...props.emitters,
      this.aggregator,
      this.drift.function,
    ];
    const deadLetterQueues = [...props.deadLetterQueues, this.aggregatorFailureQueue];
    this.createAlarms(props, allFunctions, deadLetterQueues);
    this.dashboard = this.createDashboard(props, allFunctions, deadLetterQueues);
  }

  /** Name, runbook link and missing-data rule every alarm shares. */
  private common(id: string, description: string, runbookHeading: string) {
    return {
      alarmName: `${physicalName(this.config.stage, '')}${id}`,
      alarmDescription: `${description} ${runbookReference(this.runbookLocation, runbookHeading)}`,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
  }

  private register<T extends cloudwatch.Alarm>(alarm: T): T {
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** A threshold alarm; `runbookHeading` defaults to the alarm's id. */
  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'alarmDescription'> & { readonly alarmDescription: string },
    runbookHeading: string = id,
  ): cloudwatch.Alarm {
    return this.register(
      new cloudwatch.Alarm(this, id, {
        ...props,
        ...this.common(id, props.alarmDescription, runbookHeading),
      }),
    );
  }

  /**
   * Four anomaly-detection alarms per prompt version (quality-alarms.ts has
   * the metric math). CloudWatch trains each band on the metric's own
   * history; until it has about two weeks of it the band is wide, and with
   * missing data not breaching, a version without traffic stays quiet.
   */
  private createAnomalyAlarms(promptVersions: readonly string[]): void {
    const settings = this.config.alarms.anomaly;
    for (const promptVersion of promptVersions) {
      const specs = qualityAlarmSpecs({
        namespace: metricsNamespace(this.config.stage),
        promptVersion,
        period: settings.period,
        minDocumentsForFailureRate: settings.minDocumentsForFailureRate,
      });
      for (const spec of specs) {
        const id = `${spec.signal}Anomaly-v${promptVersion}`;
        const alarm = new cloudwatch.AnomalyDetectionAlarm(this, id, {
          metric: spec.metric,
          stdDevs: settings.bandWidth,
          comparisonOperator: spec.comparisonOperator,
          evaluationPeriods: settings.evaluationPeriods,
          datapointsToAlarm: settings.datapointsToAlarm,
          ...this.common(id, spec.description, ANOMALY_RUNBOOK[spec.signal]),
        });
        this.anomalyAlarms.push(this.register(alarm));
        this.qualityChartSources.push({
          promptVersion,
          signal: spec.signal,
          metric: spec.metric,
          alarm,
        });
      }
    }
  }

  private createAlarms(
    props: ObservabilityProps,
    allFunctions: readonly PipelineFunction[],
    deadLetterQueues: readonly sqs.IQueue[],
  ): void {
    const { alarms: thresholds } = this.config;
    const period = thresholds.period;
    const greaterOrEqual = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    for (const queue of deadLetterQueues) {
      this.alarm(`${queue.node.id}HasMessages`, {
        alarmDescription: `A message reached ${queue.node.id}; list it with medextract dlq list and follow the runbook before any redrive.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: greaterOrEqual,
      });
    }

    this.alarm('IngestBacklogTooOld', {
      alarmDescription:
        'The oldest ingest message waited longer than allowed; the starter is not keeping up.',
      metric: props.ingestQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: thresholds.oldestIngestMessage.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: greaterOrEqual,
    });

    const sm = props.stateMachine;
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    this.alarm('ExecutionsFailed', {
      alarmDescription: 'Extraction executions ended FAILED; see the extraction DLQ for reasons.',
      metric: sm.metricFailed(sum),
      threshold: thresholds.executionsFailed,
      evaluationPeriods: 1,
      comparisonOperator: greaterOrEqual,
    });
    this.alarm('ExecutionsTimedOut', {
      alarmDescription: 'Extraction executions hit the state machine timeout.',
      metric: sm.metricTimedOut(sum),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: greaterOrEqual,
    });
    this.alarm('ExecutionsThrottled', {
      alarmDescription: 'Step Functions throttled extraction executions.',
      metric: sm.metricThrottled(sum),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: greaterOrEqual,
    });

    for (const fn of allFunctions) {
      const id = fn.node.id;
      this.alarm(`${id}Errors`, {
        alarmDescription: `${fn.name} returned errors.`,
        metric: fn.function.metricErrors(sum),
        threshold: thresholds.functionErrors,
        evaluationPeriods: 1,
        comparisonOperator: greaterOrEqual,
      });
      this.alarm(
        `${id}Throttles`,
        {
          alarmDescription: `${fn.name} was throttled at its reserved concurrency.`,
          metric: fn.function.metricThrottles(sum),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: greaterOrEqual,
        },
        'Function throttles (every ...Throttles alarm)',
      );
    }

    this.config.bedrock.models.forEach((model, index) => {
      this.alarm(
        `BedrockThrottles${index}`,
        {
          alarmDescription: `Bedrock throttled calls to ${model.inferenceProfileId}; check the tokens-per-minute quota.`,
          metric: bedrockThrottles(model.inferenceProfileId, period),
          threshold: thresholds.bedrockThrottles,
          evaluationPeriods: 1,
          comparisonOperator: greaterOrEqual,
        },
        'BedrockThrottles (one per inference profile)',
      );
    });

    this.driftAlarm = this.alarm('DriftDetected', {
      alarmDescription:
        'The hourly drift analyser found a sustained shift in completeness, required-field fill rate, tokens per document or the outcome mix; its log line names the prompt version and signal.',
      metric: this.drift.findingsMetric(),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: greaterOrEqual,
    });

    if (props.reconcileRepairs !== undefined) {
      this.alarm('ReconcilerRepairs', {
        alarmDescription:
          'The reconciler had to start, restart or record a document that intake or the workflow left without an outcome.',
        metric: props.reconcileRepairs,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: greaterOrEqual,
      });
    }

    for (const spec of admissionAlarmSpecs(this.config)) {
      this.alarm(spec.id, spec.props, spec.runbookHeading);
    }
    this.createAnomalyAlarms(props.promptVersions);
  }

  private createDashboard(
    props: ObservabilityProps,
    allFunctions: readonly PipelineFunction[],
    deadLetterQueues: readonly sqs.IQueue[],
  ): cloudwatch.Dashboard {
    const { stage } = this.config;
    const namespace = metricsNamespace(stage);
    const period = Duration.minutes(5);
    // One line per prompt version, found at view time: the EMF dimension set
    // is [service, PromptVersion] (service = SERVICE_NAME), so new versions
    // appear without a deploy.
    const searchPerVersion = (metric: string, statistic: string): string =>
      `SEARCH('{${namespace},PromptVersion,service} MetricName="${metric}"', '${statistic}', ${period.toSeconds()})`;
    const perVersion = (
      metric: string,
      statistic: string,
      label: string,
    ): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({
        expression: searchPerVersion(metric, statistic),
        label,
        period,
      });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: physicalName(stage, 'pipeline'),
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# MedExtract ${stage}\nPer prompt version: documents, success rate, review rate, latency, tokens, cost and completeness. Below: queues, executions, functions and Bedrock.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Documents by prompt version', [perVersion('Documents', 'Sum', '')]),
      graph('Success rate % by prompt version', [
        // Succeeded is 1 or 0 per document, so its mean is the success rate.
        new cloudwatch.MathExpression({
          expression: `100 * ${searchPerVersion('Succeeded', 'Average')}`,
          label: '',
          period,
        }),
      ]),
      graph('Completeness (mean) by prompt version', [perVersion('Completeness', 'Average', '')]),
    );
    dashboard.addWidgets(...reviewCharts(searchPerVersion, period));
    dashboard.addWidgets(
      graph('End-to-end latency p50 (ms)', [perVersion('LatencyMs', 'p50', '')]),
      graph('End-to-end latency p95 (ms)', [perVersion('LatencyMs', 'p95', '')]),
      graph('End-to-end latency p99 (ms)', [perVersion('LatencyMs', 'p99', '')]),
    );
    dashboard.addWidgets(
      graph('Input tokens by prompt version', [perVersion('InputTokens', 'Sum', '')]),
      graph('Output tokens by prompt version', [perVersion('OutputTokens', 'Sum', '')]),
      graph('Cost (USD) by prompt version', [perVersion('CostUsd', 'Sum', '')]),
    );

    // Alarms and drift findings drawn on the charts of the signal they concern.
    if (!this.driftAlarm) throw new Error('the dashboard is drawn after the alarms');
    dashboard.addWidgets(...driftCharts(this.drift, this.driftAlarm));
    dashboard.addWidgets(
      ...qualityCharts(this.qualityChartSources, {
        namespace,
        bandWidth: this.config.alarms.anomaly.bandWidth,
        period: this.config.alarms.anomaly.period,
        driftPeriod: Duration.hours(1),
      }),
    );

    const sum = { period, statistic: cloudwatch.Stats.SUM };
    dashboard.addWidgets(
      graph(
        'Dead-letter queue depth',
        deadLetterQueues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
            label: queue.node.id,
          }),
        ),
      ),
      graph('Age of oldest ingest message (s)', [
        props.ingestQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      ]),
      graph('Executions failed / timed out / throttled', [
        props.stateMachine.metricFailed({ ...sum, label: 'Failed' }),
        props.stateMachine.metricTimedOut({ ...sum, label: 'Timed out' }),
        props.stateMachine.metricThrottled({ ...sum, label: 'Throttled' }),
      ]),
    );
    dashboard.addWidgets(...functionPerformanceWidgets(allFunctions));
    dashboard.addWidgets(
      graph(
        'Function errors',
        allFunctions.map((fn) => fn.function.metricErrors({ ...sum, label: fn.name })),
        12,
      ),
      graph(
        'Function throttles',
        allFunctions.map((fn) => fn.function.metricThrottles({ ...sum, label: fn.name })),
        12,
      ),
    );
    dashboard.addWidgets(
      graph(
        'Bedrock invocation throttles',
        this.config.bedrock.models.map((model) =>
          bedrockThrottles(model.inferenceProfileId, period),
        ),
        24,
      ),
    );
    dashboard.addWidgets(...admissionWidgets(this.config));
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    return dashboard;
  }
}

/** Bedrock throttles of one model id; labelled only on graphs, so alarms keep a plain metric. */
const bedrockThrottles = (modelId: string, period: Duration, label?: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/Bedrock',
    metricName: 'InvocationThrottles',
    dimensionsMap: { ModelId: modelId },
    statistic: cloudwatch.Stats.SUM,
    period,
    ...(label === undefined ? {} : { label }),
  });
