/**
 * Reconciliation on AWS: the reconciler function, run every
 * `RECONCILE_INTERVAL_MINUTES` by EventBridge Scheduler, with the one S3
 * listing right it needs (keys under `incoming/` only), the ledger and the
 * state machine; and the metric of the repairs it had to make (the
 * observability construct alarms on it, with the other alarms).
 */
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUCKET_PREFIXES, LEDGER_TABLE, physicalName } from '#contracts/resources.ts';
import { metricsNamespace, type StageConfig } from '../config.ts';
import { executionTimeoutSeconds } from '../model-capacity.ts';
import { PipelineFunction } from './pipeline-function.ts';

/** How often the reconciler runs; its grace period is the same, so a pass never races intake. */
export const RECONCILE_INTERVAL_MINUTES = 15;

export interface ReconciliationProps {
  readonly config: StageConfig;
  readonly documentsBucket: s3.IBucket;
  readonly ledger: dynamodb.ITable;
  readonly stateMachine: sfn.IStateMachine;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
}

export class Reconciliation extends Construct {
  readonly reconciler: PipelineFunction;
  readonly schedule: scheduler.CfnSchedule;
  readonly failureQueue: sqs.Queue;
  /** Documents the reconciler started, restarted or recorded in one interval. */
  readonly repairsMetric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    const { config, documentsBucket: bucket, dataKey } = props;
    const stack = Stack.of(this);

    const failureQueue = new sqs.Queue(this, 'ReconcilerFailureQueue', {
      queueName: physicalName(config.stage, 'reconciler-failures'),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    this.failureQueue = failureQueue;
    const terminalQueue =
      'Terminal destination of reconciler invocations that failed every attempt; it has no consumer that could fail, and the next scheduled pass repeats the work (every repair is idempotent).';
    for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(failureQueue).acknowledge({ id: rule, reason: terminalQueue });
    }

    this.reconciler = new PipelineFunction(this, 'Reconciler', {
      name: 'reconciler',
      config,
      logsKey: props.logsKey,
      invocation: { kind: 'async', failureQueue, failureQueueKey: dataKey },
      environment: {
        DOCUMENTS_BUCKET: bucket.bucketName,
        DOCUMENTS_VERSIONED: 'true',
        RECONCILE_GRACE_SECONDS: String(RECONCILE_INTERVAL_MINUTES * 60),
        EXECUTION_TIMEOUT_SECONDS: String(
          executionTimeoutSeconds(config.bedrock.maxAdmissionWaitMinutes),
        ),
      },
    })
      .bindTable(props.ledger, LEDGER_TABLE, dataKey, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ])
      .bindStateMachine(props.stateMachine);

    const role = this.reconciler.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListIncomingKeys',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${BUCKET_PREFIXES.incoming}*`] } },
      }),
    );
    const executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${physicalName(config.stage, 'extract')}:*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeExtractions',
        actions: ['states:DescribeExecution'],
        resources: [executions],
      }),
    );
    // cdk-nag names the account token as <AWS::AccountId> in finding ids.
    const accountInFinding = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:states:${stack.region}:${accountInFinding}:execution:${physicalName(config.stage, 'extract')}:*]`,
      reason:
        'Executions are named by document id at run time; describing is limited to executions of this one state machine.',
    });

    const invokeRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler invokes the reconciler',
    });
    invokeRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.reconciler.functionArn],
      }),
    );
    Validations.of(invokeRole.node.findChild('DefaultPolicy')).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'This policy belongs to the scheduler role alone, is created and deleted with it and cannot be attached to any other principal; its one statement invokes the reconciler function only.',
    });
    this.schedule = new scheduler.CfnSchedule(this, 'ReconcileSchedule', {
      name: physicalName(config.stage, 'reconcile'),
      description: 'Every upload under incoming/ reaches a ledger outcome',
      scheduleExpression: `rate(${RECONCILE_INTERVAL_MINUTES} minutes)`,
      flexibleTimeWindow: { mode: 'OFF' },
      kmsKeyArn: dataKey.keyArn,
      target: {
        arn: this.reconciler.functionArn,
        roleArn: invokeRole.roleArn,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 600 },
      },
    });

    this.repairsMetric = new cloudwatch.Metric({
      namespace: metricsNamespace(config.stage),
      metricName: 'ReconcileRepairs',
      dimensionsMap: { service: 'medextract' },
      statistic: 'Sum',
      period: Duration.minutes(RECONCILE_INTERVAL_MINUTES),
    });
  }
}
