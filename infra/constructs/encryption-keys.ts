/**
 * Customer-managed KMS keys, one per group of principals that must use them.
 * Splitting by principal keeps each key policy short: only the ingest key
 * trusts S3, only the logs key trusts CloudWatch Logs, only the alarms key
 * trusts CloudWatch alarms.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { physicalName } from '#contracts/resources.ts';
import type { StageConfig } from '../config.ts';

export interface EncryptionKeysProps {
  readonly config: StageConfig;
}

/** The pipeline's keys; every one rotates yearly and follows the stage's removal policy. */
export class EncryptionKeys extends Construct {
  /** Documents bucket, tables, state machine history, extraction and aggregator DLQs. */
  readonly data: kms.Key;
  /** Ingest queue and its DLQ: S3 encrypts event notifications with it. */
  readonly ingest: kms.Key;
  /** Every log group of the stage (functions and state machine). */
  readonly logs: kms.Key;
  /** The alarm topic: CloudWatch encrypts alarm notifications with it. */
  readonly alarms: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeysProps) {
    super(scope, id);
    const { config } = props;
    const key = (keyId: string, purpose: string, description: string): kms.Key =>
      new kms.Key(this, keyId, {
        alias: `alias/${physicalName(config.stage, purpose)}`,
        description,
        enableKeyRotation: true,
        pendingWindow: config.keyPendingWindow,
        removalPolicy: config.removalPolicy,
      });

    this.data = key('DataKey', 'data', 'MedExtract documents, results, state and dead letters');
    this.ingest = key('IngestKey', 'ingest', 'MedExtract ingest queue and its dead-letter queue');
    this.logs = key('LogsKey', 'logs', 'MedExtract function and state machine log groups');
    this.alarms = key('AlarmsKey', 'alarms', 'MedExtract alarm notifications');

    const stack = Stack.of(this);

    // S3 event notifications carry no caller identity into KMS, so the grant
    // cannot be narrowed by source; it is safe because only the ingest queues
    // use this key and their queue policy admits only our bucket.
    this.ingest.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3EventNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );

    // CloudWatch Logs encrypts with the key on behalf of our log groups only.
    const logGroupArn = (prefix: string): string =>
      `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${prefix}${physicalName(config.stage, '')}*`;
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForStageLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': [
              logGroupArn('/aws/lambda/'),
              logGroupArn('/aws/vendedlogs/states/'),
            ],
          },
        },
      }),
    );

    this.alarms.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
  }
}
