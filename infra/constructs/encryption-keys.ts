/**
 * Customer-managed KMS keys, one per group of principals that must use them.
 * Splitting by principal keeps each key policy short: only the ingest key
 * trusts S3, only the logs key trusts CloudWatch Logs, only the alarms key
 * trusts CloudWatch alarms; each trust is limited to this account and to the
 * stage's own bucket, log groups or alarms.
 */
import { Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { physicalName } from '#contracts/resources.ts';
import type { StageConfig } from '../config.ts';
import { documentsBucketName } from './intake.ts';

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

    // Every service principal is pinned to this account and to the resources
    // that act for us (aws:SourceAccount, aws:SourceArn): without both, any
    // bucket or alarm of another account could use the key (confused deputy).
    const account = { StringEquals: { 'aws:SourceAccount': stack.account } };

    // S3 encrypts event notifications to the ingest queues with this key, on
    // behalf of the documents bucket only.
    this.ingest.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3EventNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...account,
          ArnEquals: {
            'aws:SourceArn': `arn:${stack.partition}:s3:::${documentsBucketName(config)}`,
          },
        },
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
          ...account,
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`,
            'kms:EncryptionContext:aws:logs:arn': [
              logGroupArn('/aws/lambda/'),
              logGroupArn('/aws/vendedlogs/states/'),
            ],
          },
        },
      }),
    );

    // CloudWatch encrypts notifications to the alarm topic for this stage's alarms only.
    this.alarms.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...account,
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${physicalName(config.stage, '')}*`,
          },
        },
      }),
    );

    // Step Functions adds a `delivery.logs.amazonaws.com` kms:Decrypt* grant to
    // the data key for its vended logs, with no condition; pin it like the rest.
    Aspects.of(this).add(
      new PinServicePrincipal('delivery.logs.amazonaws.com', {
        ...account,
        ArnLike: {
          'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`,
        },
      }),
    );
  }
}

/**
 * Adds conditions to key policy statements that a library construct wrote
 * for `service` without any. Runs as an aspect, after every construct has
 * added its statements, so none is missed.
 */
class PinServicePrincipal implements IAspect {
  constructor(
    private readonly service: string,
    private readonly conditions: Record<string, unknown>,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof kms.CfnKey)) return;
    const policy: unknown = Stack.of(node).resolve(node.keyPolicy);
    const statements =
      typeof policy === 'object' && policy !== null && 'Statement' in policy
        ? policy.Statement
        : undefined;
    if (!Array.isArray(statements)) return;
    statements.forEach((statement: unknown, index) => {
      if (typeof statement !== 'object' || statement === null) return;
      const principal = 'Principal' in statement ? statement.Principal : undefined;
      const service =
        typeof principal === 'object' && principal !== null && 'Service' in principal
          ? principal.Service
          : undefined;
      const hasCondition = 'Condition' in statement && statement.Condition !== undefined;
      if (service === this.service && !hasCondition) {
        node.addPropertyOverride(`KeyPolicy.Statement.${index}.Condition`, this.conditions);
      }
    });
  }
}
