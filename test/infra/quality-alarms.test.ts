/**
 * Alarms on what matters to underwriting: four anomaly-detection alarms per
 * shipped prompt version on the right metric, statistic and side of the band;
 * the drift analyser's function, hourly schedule, least-privilege roles,
 * alarm and dashboard widgets.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { shippedPromptVersions } from '#infra/prompt-versions.ts';
import {
  actionsOf,
  arnOf,
  logicalId,
  resourceById,
  resourcesOfType,
  statementsIn,
  statementsOf,
  synthStage,
} from './synth.ts';

const synth = synthStage('prod');
const { stack, template } = synth;
const versions = shippedPromptVersions();

const MetricDataSchema = z.object({
  Id: z.string(),
  Expression: z.string().optional(),
  ReturnData: z.boolean().optional(),
  MetricStat: z
    .object({
      Metric: z.object({
        MetricName: z.string(),
        Namespace: z.string(),
        Dimensions: z.array(z.object({ Name: z.string(), Value: z.unknown() })),
      }),
      Period: z.number(),
      Stat: z.string(),
    })
    .optional(),
});
const AlarmSchema = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.string(),
  ComparisonOperator: z.string(),
  ThresholdMetricId: z.string().optional(),
  EvaluationPeriods: z.number(),
  DatapointsToAlarm: z.number().optional(),
  MetricName: z.string().optional(),
  Namespace: z.string().optional(),
  Threshold: z.number().optional(),
  Metrics: z.array(MetricDataSchema).optional(),
});
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
  AlarmSchema.parse(alarm.Properties),
);
const alarmNamed = (suffix: string) => {
  const alarm = alarms.find((candidate) => candidate.AlarmName === `medextract-prod-${suffix}`);
  if (alarm === undefined) throw new Error(`No alarm ${suffix}`);
  return alarm;
};
const versionDimensions = (version: string) => [
  { Name: 'PromptVersion', Value: version },
  { Name: 'service', Value: 'medextract' },
];

describe('anomaly-detection alarms per prompt version', () => {
  it('has four anomaly alarms for every shipped prompt version', () => {
    // Prepare
    const anomaly = alarms.filter((alarm) => alarm.ThresholdMetricId !== undefined);

    // Act
    const names = anomaly.map((alarm) => alarm.AlarmName).sort();

    // Assess
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expect(anomaly.length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual(
      versions
        .flatMap((v) =>
          ['CostPerDocument', 'Completeness', 'LatencyP95', 'FailureRate'].map(
            (signal) => `medextract-prod-${signal}Anomaly-v${v}`,
          ),
        )
        .sort(),
    );
  });

  it.each([
    ['CostPerDocument', 'CostUsd', 'Average', 'GreaterThanUpperThreshold'],
    ['Completeness', 'Completeness', 'Average', 'LessThanLowerThreshold'],
    ['LatencyP95', 'LatencyMs', 'p95', 'GreaterThanUpperThreshold'],
  ])('bands %s on %s (%s) of the version and pages on %s', (signal, metric, stat, operator) => {
    for (const version of versions) {
      // Prepare / Act
      const alarm = alarmNamed(`${signal}Anomaly-v${version}`);
      const band = alarm.Metrics?.find((m) => m.Id === alarm.ThresholdMetricId);
      const watched = alarm.Metrics?.find((m) => m.MetricStat !== undefined);

      // Assess
      expect(alarm.ComparisonOperator).toBe(operator);
      expect(band?.Expression).toBe(`ANOMALY_DETECTION_BAND(${watched?.Id}, 3)`);
      expect(watched?.MetricStat).toEqual({
        Metric: {
          MetricName: metric,
          Namespace: 'MedExtract/prod',
          Dimensions: versionDimensions(version),
        },
        Period: 3600,
        Stat: stat,
      });
      expect(alarm).toMatchObject({ EvaluationPeriods: 4, DatapointsToAlarm: 3 });
    }
  });

  it('bands the failure rate as failed over documents, read as 0 below 20 documents an hour', () => {
    for (const version of versions) {
      // Prepare / Act
      const alarm = alarmNamed(`FailureRateAnomaly-v${version}`);
      const metrics = alarm.Metrics ?? [];
      const rate = metrics.find((m) => m.Expression?.startsWith('IF('));
      const band = metrics.find((m) => m.Id === alarm.ThresholdMetricId);
      const sums = Object.fromEntries(
        metrics
          .filter((m) => m.MetricStat !== undefined)
          .map((m) => [m.Id, `${m.MetricStat?.Metric.MetricName}:${m.MetricStat?.Stat}`]),
      );

      // Assess
      expect(rate?.Expression).toBe('IF(documents >= 20, 100 * failed / documents, 0)');
      expect(band?.Expression).toBe(`ANOMALY_DETECTION_BAND(${rate?.Id}, 3)`);
      expect(sums).toEqual({ documents: 'Documents:Sum', failed: 'Failed:Sum' });
      expect(alarm.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    }
  });
});

describe('drift monitor', () => {
  const drift = stack.observability.drift;

  it('runs the drift function ten minutes past every hour through its own scheduler role', () => {
    // Prepare
    const [, schedule] =
      resourcesOfType(template, 'AWS::Scheduler::Schedule').find(([id]) =>
        id.includes('DriftMonitor'),
      ) ?? [];

    // Act
    const target = z
      .object({ Arn: z.unknown(), RoleArn: z.unknown(), Input: z.string() })
      .parse(schedule?.Properties.Target);

    // Assess
    const [roleId] =
      resourcesOfType(template, 'AWS::IAM::Role').find(
        ([id]) => id.includes('DriftMonitor') && id.includes('SchedulerRole'),
      ) ?? [];
    expect(schedule?.Properties.ScheduleExpression).toBe('cron(10 * * * ? *)');
    expect(target.Arn).toEqual(arnOf(stack, drift.function.function));
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual({});
  });

  it('lets the scheduler role invoke only the drift function', () => {
    // Prepare
    // The drift monitor's own scheduler role (the reconciler has another).
    const ofDrift = (id: string) => id.includes('DriftMonitor') && id.includes('SchedulerRole');
    const roles = resourcesOfType(template, 'AWS::IAM::Role').filter(([id]) => ofDrift(id));
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) => ofDrift(id));

    // Act
    const statements = policies.flatMap(([, policy]) =>
      statementsIn(policy.Properties.PolicyDocument),
    );

    // Assess
    expect(roles).toHaveLength(1);
    expect(JSON.stringify(roles[0]?.[1].Properties.AssumeRolePolicyDocument)).toContain(
      'scheduler.amazonaws.com',
    );
    expect(actionsOf(statements)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements.flatMap((st) => st.resources))).toContain(
      logicalId(stack, drift.function.function),
    );
  });

  it('gives the drift function read access to the metrics table and the versions to watch', () => {
    // Prepare
    const environment = z
      .object({ Variables: z.record(z.string(), z.unknown()) })
      .parse(
        resourceById(template, logicalId(stack, drift.function.function)).Properties.Environment,
      ).Variables;

    // Act
    const statements = statementsOf(synth, drift.function.role);
    const dynamo = statements.filter((st) => st.actions.some((a) => a.startsWith('dynamodb:')));

    // Assess
    expect(environment.DRIFT_PROMPT_VERSIONS).toBe(versions.join(','));
    expect(environment.METRICS_TABLE_NAME).toEqual({
      Ref: logicalId(stack, stack.storage.metrics),
    });
    expect(dynamo.map((st) => st.actions)).toEqual([['dynamodb:Query']]);
    expect(dynamo[0]?.resources).toEqual([arnOf(stack, stack.storage.metrics)]);
  });

  it('raises DriftDetected on the first finding', () => {
    // Prepare / Act
    const alarm = alarmNamed('DriftDetected');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'MedExtract/prod',
      MetricName: 'DriftFindings',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('charts drift findings and each chart statistic against the finding line', () => {
    // Prepare
    const body = JSON.stringify(
      resourceById(template, logicalId(stack, stack.observability.dashboard)).Properties
        .DashboardBody,
    );

    // Act / Assess
    expect(body).toContain('DriftFindings');
    expect(body).toContain(
      `SEARCH('{MedExtract/prod,PromptVersion,Signal,service} MetricName=\\\\\\"DriftStatistic\\\\\\"'`,
    );
    expect(body).toContain('\\"label\\":\\"finding\\"');
    for (const version of versions) expect(body).toContain(`Completeness v${version}`);
  });
});

/** The dashboard body as JSON, each `Fn::GetAtt` of an alarm's ARN written `<logicalId>.Arn`. */
const dashboardWidgets = () => {
  const body = resourceById(template, logicalId(stack, stack.observability.dashboard)).Properties
    .DashboardBody;
  const JoinSchema = z.object({ 'Fn::Join': z.tuple([z.literal(''), z.array(z.unknown())]) });
  const parts = JoinSchema.parse(body)['Fn::Join'][1].map((part) => {
    if (typeof part === 'string') return part;
    const getAtt = z
      .object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) })
      .safeParse(part);
    return getAtt.success ? `${getAtt.data['Fn::GetAtt'][0]}.Arn` : 'TOKEN';
  });
  const WidgetSchema = z.object({
    properties: z
      .object({
        title: z.string().optional(),
        metrics: z.array(z.array(z.unknown())).optional(),
        annotations: z
          .object({
            alarms: z.array(z.string()).optional(),
            horizontal: z
              .array(
                z.object({ value: z.number(), label: z.string().optional(), yAxis: z.string() }),
              )
              .optional(),
          })
          .optional(),
      })
      .passthrough(),
  });
  return z.object({ widgets: z.array(WidgetSchema) }).parse(JSON.parse(parts.join(''))).widgets;
};

describe('dashboard annotations', () => {
  const widgets = dashboardWidgets();
  const alarmArn = (construct: Parameters<typeof logicalId>[1]) =>
    `${logicalId(stack, construct)}.Arn`;

  it('draws each anomaly alarm on the chart of its signal and version, with its band', () => {
    for (const alarm of stack.observability.anomalyAlarms) {
      // Prepare
      const [signal, version] = alarm.node.id.split('Anomaly-v');

      // Act
      const charts = widgets.filter((w) =>
        w.properties.annotations?.alarms?.includes(alarmArn(alarm)),
      );

      // Assess
      expect(charts, alarm.node.id).toHaveLength(1);
      const chart = charts[0]?.properties;
      expect(chart?.title).toBe(`${signal} v${version}`);
      expect(JSON.stringify(chart?.metrics)).toContain('ANOMALY_DETECTION_BAND(');
    }
  });

  it('puts the drift statistic and the finding line on the completeness and cost charts', () => {
    for (const version of versions) {
      // Prepare
      const chart = (signal: string) =>
        widgets.find((w) => w.properties.title === `${signal} v${version}`)?.properties;

      // Act
      const completeness = chart('Completeness');
      const cost = chart('CostPerDocument');
      const latency = chart('LatencyP95');

      // Assess
      for (const [props, signals] of [
        [completeness, ['completeness:decrease', 'requiredFieldFillRate:decrease']],
        [cost, ['inputTokensPerDocument:increase', 'outputTokensPerDocument:increase']],
      ] as const) {
        const drift = (props?.metrics ?? []).filter((m) => m.includes('DriftStatistic'));
        expect(drift.map((m) => m[m.indexOf('Signal') + 1])).toEqual(signals);
        for (const metric of drift) expect(metric).toContain(version);
        expect(props?.annotations?.horizontal).toContainEqual(
          expect.objectContaining({ value: 1, yAxis: 'right', label: 'drift finding' }),
        );
      }
      expect(JSON.stringify(latency?.metrics)).not.toContain('DriftStatistic');
    }
  });

  it('shades the drift findings chart with DriftDetected and draws its threshold', () => {
    // Prepare
    const driftAlarm = stack.observability.alarms.find((a) => a.node.id === 'DriftDetected');
    if (!driftAlarm) throw new Error('no DriftDetected alarm');

    // Act
    const chart = widgets.find((w) => w.properties.title === 'Drift findings (hourly analyser)');

    // Assess
    expect(chart?.properties.annotations?.alarms).toEqual([alarmArn(driftAlarm)]);
    expect(JSON.stringify(chart?.properties.metrics)).toContain('DriftFindings');
    expect(chart?.properties.annotations?.horizontal).toContainEqual(
      expect.objectContaining({ value: alarmNamed('DriftDetected').Threshold, yAxis: 'left' }),
    );
  });
});
