/**
 * Reconciliation on AWS: EventBridge Scheduler runs the reconciler at the
 * documented interval, it may list only keys under incoming/, and an alarm
 * pages on any repair.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECONCILE_INTERVAL_MINUTES } from '#infra/constructs/reconciliation.ts';
import { synthStage } from './synth.ts';

const { template } = synthStage('dev');

describe('reconciliation', () => {
  it('is scheduled by EventBridge Scheduler at the documented interval, targeting the reconciler', () => {
    expect(RECONCILE_INTERVAL_MINUTES).toBe(15);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Reconciler'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
      }),
    });
  });

  it('lets the reconciler list keys under incoming/ only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Sid?: string }[])
      .filter((statement) => statement.Sid === 'ListIncomingKeys');
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Action: ['s3:ListBucket', 's3:ListBucketVersions'],
      Condition: { StringLike: { 's3:prefix': ['incoming/*'] } },
    });
  });

  it('alarms on the first repair in an interval', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReconcileRepairs',
      Namespace: 'MedExtract/dev',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.anyValue(),
    });
  });
});
