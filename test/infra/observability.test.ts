/**
 * Observability intent: EMF log groups feed the aggregator, every alarm
 * notifies the encrypted topic, the required alarms exist with the configured
 * thresholds, and the dashboard shows per prompt version business metrics.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { configFor } from '#infra/config.ts';
import { logicalId, resourceById, resourcesOfType, synthStage } from './synth.ts';

const { stack, template } = synthStage('prod');
const config = configFor('prod');
const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);
const topicRef = { Ref: idOf(stack.observability.topic) };

const AlarmSchema = z.object({
  AlarmName: z.string(),
  MetricName: z.string().optional(),
  Namespace: z.string().optional(),
  Threshold: z.number().optional(),
  ComparisonOperator: z.string(),
  AlarmActions: z.array(z.unknown()),
  OKActions: z.array(z.unknown()),
  Dimensions: z.array(z.object({ Name: z.string(), Value: z.unknown() })).optional(),
});
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
  AlarmSchema.parse(alarm.Properties),
);
const alarmNamed = (suffix: string) => {
  const alarm = alarms.find((candidate) => candidate.AlarmName === `medextract-prod-${suffix}`);
  if (alarm === undefined) throw new Error(`No alarm ${suffix}`);
  return alarm;
};

describe('metrics pipeline', () => {
  it.each([
    ['record-result', stack.workflow.functions.recordResult],
    ['record-failure', stack.workflow.functions.recordFailure],
    ['reconciler', stack.reconciliation.reconciler],
  ] as const)('subscribes the aggregator to EMF lines in the %s log group', (_name, emitter) => {
    // Prepare / Act / Assess
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: idOf(emitter.logGroup) },
      DestinationArn: { 'Fn::GetAtt': [idOf(stack.observability.aggregator.function), 'Arn'] },
      FilterPattern: '{ $._aws.CloudWatchMetrics[0].Namespace = "MedExtract/prod" }',
    });
  });

  it('lets only CloudWatch Logs, from those three log groups, invoke the aggregator', () => {
    // Prepare
    const aggregator = idOf(stack.observability.aggregator.function);
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(([, p]) =>
      JSON.stringify(p.Properties.FunctionName).includes(aggregator),
    );

    // Act
    const grants = permissions.map(([, permission]) => ({
      principal: permission.Properties.Principal,
      source: permission.Properties.SourceArn,
    }));

    // Assess
    expect(grants).toEqual([
      {
        principal: 'logs.amazonaws.com',
        source: { 'Fn::GetAtt': [idOf(stack.workflow.functions.recordResult.logGroup), 'Arn'] },
      },
      {
        principal: 'logs.amazonaws.com',
        source: { 'Fn::GetAtt': [idOf(stack.workflow.functions.recordFailure.logGroup), 'Arn'] },
      },
      {
        principal: 'logs.amazonaws.com',
        source: { 'Fn::GetAtt': [idOf(stack.reconciliation.reconciler.logGroup), 'Arn'] },
      },
    ]);
  });
});

describe('alarms', () => {
  it('notifies the alarm topic on alarm and on recovery, for every alarm', () => {
    // Prepare / Act
    const unwired = alarms.filter(
      (alarm) =>
        JSON.stringify(alarm.AlarmActions) !== JSON.stringify([topicRef]) ||
        JSON.stringify(alarm.OKActions) !== JSON.stringify([topicRef]),
    );

    // Assess
    expect(alarms.length).toBeGreaterThan(20);
    expect(unwired.map((alarm) => alarm.AlarmName)).toEqual([]);
  });

  it.each([
    ['IngestDeadLetterQueueHasMessages', stack.intake.deadLetterQueue],
    ['ExtractionDeadLetterQueueHasMessages', stack.workflow.deadLetterQueue],
    ['AggregatorFailureQueueHasMessages', stack.observability.aggregatorFailureQueue],
  ] as const)('raises %s on the first message', (name, queue) => {
    // Prepare / Act
    const alarm = alarmNamed(name);

    // Assess
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(queue), 'QueueName'] } },
    ]);
  });

  it('raises an alarm when the oldest ingest message is 15 minutes old', () => {
    // Prepare / Act
    const alarm = alarmNamed('IngestBacklogTooOld');

    // Assess
    expect(alarm).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
  });

  it.each([
    ['ExecutionsFailed', 'ExecutionsFailed', config.alarms.executionsFailed],
    ['ExecutionsTimedOut', 'ExecutionsTimedOut', 1],
    ['ExecutionsThrottled', 'ExecutionThrottled', 1],
  ])('raises %s on the extraction state machine', (name, metric, threshold) => {
    // Prepare / Act
    const alarm = alarmNamed(name);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: metric,
      Threshold: threshold,
    });
    expect(alarm.Dimensions).toEqual([
      { Name: 'StateMachineArn', Value: { Ref: idOf(stack.workflow.stateMachine) } },
    ]);
  });

  it('watches errors and throttles of every function', () => {
    // Prepare
    const functionAlarms = alarms.filter((alarm) => alarm.Namespace === 'AWS/Lambda');

    // Act
    const watched = functionAlarms.map(
      (alarm) => `${alarm.MetricName}:${JSON.stringify(alarm.Dimensions)}`,
    );

    // Assess
    expect(functionAlarms).toHaveLength(2 * FUNCTION_NAMES.length);
    expect(new Set(watched).size).toBe(2 * FUNCTION_NAMES.length);
    expect(
      functionAlarms.filter((alarm) => alarm.MetricName === 'Errors').map((a) => a.Threshold),
    ).toEqual(Array.from({ length: FUNCTION_NAMES.length }, () => config.alarms.functionErrors));
  });

  it('watches Bedrock throttles for every configured inference profile', () => {
    // Prepare
    const bedrock = alarms.filter((alarm) => alarm.Namespace === 'AWS/Bedrock');

    // Act
    const models = bedrock.map((alarm) => alarm.Dimensions?.[0]?.Value);

    // Assess
    expect(bedrock.every((alarm) => alarm.MetricName === 'InvocationThrottles')).toBe(true);
    expect(models).toEqual(config.bedrock.models.map((model) => model.inferenceProfileId));
  });
});

describe('dashboard', () => {
  const body = JSON.stringify(
    resourceById(template, idOf(stack.observability.dashboard)).Properties.DashboardBody,
  );

  it.each([
    'Documents',
    'Succeeded',
    'LatencyMs',
    'InputTokens',
    'OutputTokens',
    'CostUsd',
    'Completeness',
  ])('charts %s per prompt version from the stage namespace', (metric) => {
    // Prepare
    const search = `SEARCH('{MedExtract/prod,PromptVersion,service} MetricName=\\\\\\"${metric}\\\\\\"'`;

    // Act
    const found = body.includes(search);

    // Assess
    expect(found).toBe(true);
  });

  it('charts latency p50, p95 and p99 and the pipeline health signals', () => {
    // Prepare / Act / Assess
    for (const text of [
      "'p50'",
      "'p95'",
      "'p99'",
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionThrottled',
      'InvocationThrottles',
    ]) {
      expect(body, text).toContain(text);
    }
  });

  it('charts per function duration p50 and p95, concurrency, throttles, cold starts and init', () => {
    // Prepare / Act / Assess
    for (const text of [
      'Function duration p50 (ms)',
      'Function duration p95 (ms)',
      'ConcurrentExecutions',
      'Throttles',
      'pct(@initDuration, 95)',
    ]) {
      expect(body, text).toContain(text);
    }
    const durationLines = body.match(/\\"Duration\\"/g) ?? [];
    expect(durationLines.length).toBeGreaterThanOrEqual(2 * FUNCTION_NAMES.length);
  });

  it('tables memory used against configured per function, as the recommendations read it', () => {
    // Prepare / Act / Assess
    for (const text of [
      'Memory used against configured per function (REPORT lines)',
      'max(@memorySize / 1000 / 1000) as configuredMb',
      'pct(@maxMemoryUsed / 1000 / 1000, 99) as usedP99Mb',
    ]) {
      expect(body, text).toContain(text);
    }
  });
});
