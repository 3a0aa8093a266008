/**
 * What admission control shows operators, per model: the EMF metrics the
 * admit-model-call function writes (ModelCallsAdmitted, ModelCallsDeferred,
 * ModelBreakerOpened, ModelAdmissionWaitMs; dimensions [service, modelId])
 * and Bedrock's own Invocations and token counts against the stage's quota.
 * Only metric and alarm definitions live here; the Observability construct
 * creates the alarms (each linking its runbook heading) and the widgets.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { metricsNamespace, SERVICE_NAME, type StageConfig } from '../config.ts';

export interface AdmissionAlarmSpec {
  readonly id: string;
  readonly runbookHeading: string;
  readonly props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'> & {
    readonly alarmDescription: string;
  };
}

const period = Duration.minutes(5);

const admissionMetric = (
  stage: StageConfig['stage'],
  modelId: string,
  metricName: string,
  statistic: string,
): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: metricsNamespace(stage),
    metricName,
    statistic,
    period,
    dimensionsMap: { modelId, service: SERVICE_NAME },
  });

const bedrockMetric = (modelId: string, metricName: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/Bedrock',
    metricName,
    dimensionsMap: { ModelId: modelId },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(1),
  });

const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

/** Three alarms per model: breaker open, documents waiting too long, quota saturated. */
export const admissionAlarmSpecs = (config: StageConfig): AdmissionAlarmSpec[] =>
  Object.entries(config.bedrock.capacity).flatMap(([modelId, model], index) => {
    const metric = (name: string, statistic: string) =>
      admissionMetric(config.stage, modelId, name, statistic);
    return [
      {
        id: `ModelBreakerOpen${index}`,
        runbookHeading: 'ModelBreakerOpen (one per model)',
        props: {
          alarmDescription: `Sustained throttling or 5xx from ${modelId} opened its circuit breaker: admission holds new calls back for ${model.breaker.cooldownSeconds} s, documents wait (not fail).`,
          metric: metric('ModelBreakerOpened', cloudwatch.Stats.SUM),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: GTE,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      },
      {
        id: `ModelAdmissionBacklogTooOld${index}`,
        runbookHeading: 'ModelAdmissionBacklogTooOld (one per model)',
        props: {
          alarmDescription: `Documents for ${modelId} waited over half the admission horizon for a model slot: the backlog exceeds what the quota drains in time.`,
          metric: metric('ModelAdmissionWaitMs', cloudwatch.Stats.MAXIMUM),
          threshold: (model.horizonSeconds * 1000) / 2,
          evaluationPeriods: 2,
          comparisonOperator: GTE,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      },
      {
        id: `ModelQuotaSaturated${index}`,
        runbookHeading: 'ModelQuotaSaturated (one per model)',
        props: {
          alarmDescription: `Calls to ${modelId} used at least 80% of the requests-per-minute quota for 15 minutes: documents queue behind admission.`,
          metric: new cloudwatch.MathExpression({
            expression: `100 * invocations / ${model.quota.requestsPerMinute}`,
            usingMetrics: { invocations: bedrockMetric(modelId, 'Invocations') },
            label: 'requests quota used %',
            period: Duration.minutes(1),
          }),
          threshold: 80,
          evaluationPeriods: 15,
          comparisonOperator: GTE,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      },
    ];
  });

/** Dashboard row per model: admitted vs waiting, the wait, the breaker, quota use. */
export const admissionWidgets = (config: StageConfig): cloudwatch.IWidget[] =>
  Object.entries(config.bedrock.capacity).flatMap(([modelId, model]) => {
    const metric = (name: string, statistic: string, label: string) =>
      admissionMetric(config.stage, modelId, name, statistic).with({ label });
    const tokens = (name: string) => bedrockMetric(modelId, name);
    return [
      new cloudwatch.GraphWidget({
        title: `Admitted vs waiting (${modelId})`,
        left: [
          metric('ModelCallsAdmitted', cloudwatch.Stats.SUM, 'admitted'),
          metric('ModelCallsDeferred', cloudwatch.Stats.SUM, 'asked again later'),
          metric('ModelBreakerOpened', cloudwatch.Stats.SUM, 'breaker opened'),
        ],
        width: 8,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `Wait for a model slot, ms (${modelId})`,
        left: [
          metric('ModelAdmissionWaitMs', cloudwatch.Stats.p(50), 'p50'),
          metric('ModelAdmissionWaitMs', cloudwatch.Stats.MAXIMUM, 'max'),
        ],
        width: 8,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `Quota used % (${modelId})`,
        left: [
          new cloudwatch.MathExpression({
            expression: `100 * invocations / ${model.quota.requestsPerMinute}`,
            usingMetrics: { invocations: tokens('Invocations') },
            label: 'requests',
            period: Duration.minutes(1),
          }),
          new cloudwatch.MathExpression({
            expression: `100 * (input + ${model.quota.outputTokenBurnDown} * output) / ${model.quota.tokensPerMinute}`,
            usingMetrics: { input: tokens('InputTokenCount'), output: tokens('OutputTokenCount') },
            label: 'tokens',
            period: Duration.minutes(1),
          }),
        ],
        leftAnnotations: [{ value: 100, label: 'quota' }],
        width: 8,
        height: 6,
      }),
    ];
  });
