/**
 * Where documents enter: the documents bucket (with its access-log bucket),
 * the S3 notification for every object under `incoming/`, the ingest queue and its DLQ,
 * and the starter function that turns each message into an execution.
 */
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUCKET_PREFIXES, INGEST_DLQ, INGEST_QUEUE, physicalName } from '#contracts/resources.ts';
import type { StageConfig } from '../config.ts';
import { PipelineFunction } from './pipeline-function.ts';

export interface IntakeProps {
  readonly config: StageConfig;
  /** Key of the documents bucket. */
  readonly documentsKey: kms.IKey;
  /** Key of the ingest queue and its DLQ (S3 may use it). */
  readonly ingestKey: kms.IKey;
  /** Key of the starter's log group. */
  readonly logsKey: kms.IKey;
}

/** Documents bucket, ingest queues and (after `startExecutionsOf`) the starter. */
export class Intake extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  private readonly props: IntakeProps;
  private starterFunction: PipelineFunction | undefined;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    this.props = props;
    const { config } = props;
    const stack = Stack.of(this);

    if (INGEST_QUEUE.visibilityTimeoutSeconds < 6 * config.functions.starter.timeoutSeconds) {
      throw new Error(
        `Ingest queue visibility timeout (${INGEST_QUEUE.visibilityTimeoutSeconds}s) must be at least 6x the starter timeout (${config.functions.starter.timeoutSeconds}s)`,
      );
    }

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      bucketName: globalBucketName(config, 'access-logs'),
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: Duration.days(config.documents.accessLogExpirationDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: config.removalPolicy,
    });
    const logsAck = (id: string, reason: string): void =>
      Validations.of(this.accessLogsBucket).acknowledge({ id, reason });
    logsAck(
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'S3 server access logging cannot deliver to a bucket whose default encryption is SSE-KMS, so this bucket uses SSE-S3; it is private, TLS-only, versioned and expires its objects.',
    );
    logsAck(
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Access logs are operational records kept in the home Region with versioning; replicating them would copy object keys to a second Region without a recovery need. See docs/adr/0010-no-cross-region-replication.md.',
    );

    this.bucket = new s3.Bucket(this, 'DocumentsBucket', {
      bucketName: documentsBucketName(config),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.documentsKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        {
          id: 'IncomingToInfrequentAccess',
          prefix: BUCKET_PREFIXES.incoming,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(config.documents.incomingToInfrequentAccessDays),
            },
          ],
        },
        {
          id: 'ExpireWork',
          prefix: BUCKET_PREFIXES.work,
          expiration: Duration.days(config.documents.workExpirationDays),
        },
        {
          id: 'ExpireNoncurrentVersions',
          noncurrentVersionExpiration: Duration.days(
            config.documents.noncurrentVersionExpirationDays,
          ),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Uploads are working copies of records held in the submitting underwriting system; results are also written to the results table (point-in-time recovery and AWS Backup). Cross-Region replication would put a second copy of PHI in another Region, which needs its own data-residency review. See docs/adr/0010-no-cross-region-replication.md.',
    });

    this.deadLetterQueue = new sqs.Queue(this, INGEST_DLQ.logicalId, {
      queueName: physicalName(config.stage, INGEST_DLQ.suffix),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.ingestKey,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(INGEST_DLQ.retentionSeconds),
      visibilityTimeout: Duration.seconds(INGEST_DLQ.visibilityTimeoutSeconds),
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This is the dead-letter queue of the ingest queue, the end of the redrive chain; it is drained by an operator redrive (StartMessageMoveTask) after the cause is fixed, and an alarm fires on its first message.',
    });

    const deadLetter = INGEST_QUEUE.deadLetter;
    if (deadLetter === undefined) throw new Error('INGEST_QUEUE must name its dead-letter queue');
    this.queue = new sqs.Queue(this, INGEST_QUEUE.logicalId, {
      queueName: physicalName(config.stage, INGEST_QUEUE.suffix),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.ingestKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(INGEST_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(INGEST_QUEUE.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: deadLetter.maxReceiveCount },
      removalPolicy: config.removalPolicy,
    });

    this.notifyOnIncomingObjects(stack);
  }

  /** The starter, once `startExecutionsOf` has run. */
  get starter(): PipelineFunction {
    if (this.starterFunction === undefined) {
      throw new Error('Intake.startExecutionsOf() has not been called');
    }
    return this.starterFunction;
  }

  /**
   * Creates the starter: it consumes the ingest queue with partial batch
   * responses and capped concurrency, and may start executions of
   * `stateMachine` only.
   */
  startExecutionsOf(stateMachine: sfn.IStateMachine): PipelineFunction {
    const { config } = this.props;
    const { maximumConcurrency } = config.ingest;
    if (maximumConcurrency > config.functions.starter.reservedConcurrency) {
      throw new Error(
        `Ingest maximum concurrency (${maximumConcurrency}) must not exceed the starter's reserved concurrency (${config.functions.starter.reservedConcurrency})`,
      );
    }
    const starter = new PipelineFunction(this, 'Starter', {
      name: 'starter',
      config,
      logsKey: this.props.logsKey,
      invocation: { kind: 'sqs-event-source' },
    }).bindStateMachine(stateMachine);
    starter.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: config.ingest.batchSize,
        maxBatchingWindow: config.ingest.maxBatchingWindow,
        maxConcurrency: maximumConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    const mapping = starter.function.node.children.find(
      (child) => child instanceof lambda.EventSourceMapping,
    );
    if (mapping === undefined) throw new Error('The starter has no event source mapping');
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; a message that fails five receives moves to the ingest dead-letter queue through the queue redrive policy, and an alarm fires on its first message.',
    });
    this.starterFunction = starter;
    return starter;
  }

  /**
   * ObjectCreated of any key under `incoming/` -> ingest queue, set on the
   * bucket itself (no custom resource). No suffix filter: S3 suffix filters
   * are case-sensitive and a filtered object leaves no trace, so the starter
   * classifies every key and records what it will not process. The queue
   * policy names the bucket by its ARN string, so the bucket can wait for
   * the policy without a cycle.
   */
  private notifyOnIncomingObjects(stack: Stack): void {
    const bucketArn = `arn:${stack.partition}:s3:::${documentsBucketName(this.props.config)}`;
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowDocumentsBucketNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild;
    const cfnPolicy = this.queue.node.tryFindChild('Policy')?.node.defaultChild;
    if (!(cfnBucket instanceof s3.CfnBucket) || !(cfnPolicy instanceof sqs.CfnQueuePolicy)) {
      throw new Error('Documents bucket or ingest queue policy is missing');
    }
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: this.queue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: BUCKET_PREFIXES.incoming }] } },
        },
      ],
    };
    // S3 validates the destination when the configuration is written.
    cfnBucket.addResourceDependency(cfnPolicy);
  }
}

/** Bucket names are global: stage name plus account and Region. */
const globalBucketName = (config: StageConfig, suffix: string): string =>
  `${physicalName(config.stage, suffix)}-${Aws.ACCOUNT_ID}-${config.region}`;

/** Name of the stage's documents bucket (key policies name it before it exists). */
export const documentsBucketName = (config: StageConfig): string =>
  globalBucketName(config, 'documents');
