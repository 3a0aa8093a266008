/**
 * The extraction workflow: the seven task functions, the Standard state machine
 * loaded from `statemachines/extract.asl.json` (the same file the local
 * runtime executes), its encrypted log group, and the extraction DLQ. A file
 * definition gets no inferred IAM, so every integration is granted here.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ADMISSION_KEY_PREFIX, ADMISSION_SETTINGS_ENV } from '#contracts/model-admission.ts';
import {
  BUCKET_PREFIXES,
  EXPERIMENTS_TABLE,
  EXTRACTION_DLQ,
  LEDGER_TABLE,
  METRICS_TABLE,
  physicalName,
  RESULTS_TABLE,
  REUSE_TABLE,
} from '#contracts/resources.ts';
import { REUSE_SETTING_ENV, WORK_EXPIRATION_ENV } from '#contracts/reuse-items.ts';
import {
  EXTRACT_ASL_PATH,
  type ExtractPlaceholder,
  withExecutionTimeout,
} from '#statemachines/extract-placeholders.ts';
import type { StageConfig } from '../config.ts';
import {
  admissionSettingsFor,
  executionTimeoutSeconds,
  validateModelCapacity,
} from '../model-capacity.ts';
import { fromRepoRoot } from '../repo-paths.ts';
import { PipelineFunction } from './pipeline-function.ts';

/**
 * The ASL file with the stage's execution deadline, staged as a file so the
 * definition still deploys as an asset (its hash follows the content).
 */
const timedDefinitionFile = (timeoutSeconds: number): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'medextract-asl-')), 'extract.asl.json');
  writeFileSync(
    path,
    withExecutionTimeout(readFileSync(fromRepoRoot(EXTRACT_ASL_PATH), 'utf-8'), timeoutSeconds),
  );
  return path;
};

export interface WorkflowProps {
  readonly config: StageConfig;
  readonly documentsBucket: s3.IBucket;
  /** Data key: documents bucket objects, tables, execution history, extraction DLQ. */
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly tables: {
    readonly results: dynamodb.ITable;
    readonly experiments: dynamodb.ITable;
    readonly ledger: dynamodb.ITable;
    /** Also holds each model's admission slot record. */
    readonly metrics: dynamodb.ITable;
    readonly reuse: dynamodb.ITable;
  };
}

/** The task functions, keyed by their state in the ASL. */
export interface TaskFunctions {
  readonly loadDocument: PipelineFunction;
  readonly selectVariant: PipelineFunction;
  readonly admitModelCall: PipelineFunction;
  readonly invokeModel: PipelineFunction;
  readonly score: PipelineFunction;
  readonly recordResult: PipelineFunction;
  readonly recordFailure: PipelineFunction;
}

/** State machine "extract", its task functions and its dead-letter queue. */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly functions: TaskFunctions;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { config, documentsBucket: bucket, dataKey, logsKey, tables } = props;
    const task = (
      taskId: string,
      name: PipelineFunction['name'],
      extra: {
        environment?: Record<string, string>;
        bundlePrompts?: boolean;
        bundlePageRenderer?: boolean;
      } = {},
    ): PipelineFunction =>
      new PipelineFunction(this, taskId, {
        name,
        config,
        logsKey,
        invocation: { kind: 'state-machine-task' },
        ...extra,
      });

    // Ledger writes are conditional puts computed from a consistent read.
    const ledgerActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] as const;
    const loadDocument = task('LoadDocument', 'load-document', {
      environment: {
        MAX_DOCUMENT_BYTES: String(config.documents.maxDocumentBytes),
        MAX_PAGES: String(config.documents.maxPages),
      },
      bundlePageRenderer: true,
    })
      .bindDocumentsBucket(bucket, dataKey, {
        read: [BUCKET_PREFIXES.incoming],
        write: [BUCKET_PREFIXES.work],
      })
      // The key by document id, other versions of the key (byKey), PROCESSING / SUPERSEDED.
      .bindTable(tables.ledger, LEDGER_TABLE, dataKey, ledgerActions);

    // Identical uploads reuse an earlier extraction unless the stage opted out (ADR 40).
    const reuseOn = config.documents.reuseIdenticalDocuments;
    const reuseEnvironment = {
      [REUSE_SETTING_ENV]: String(reuseOn),
      [WORK_EXPIRATION_ENV]: String(config.documents.workExpirationDays),
    };
    const selectVariant = task('SelectVariant', 'select-variant', {
      environment: {
        PROMPT_CACHE_TTL_SECONDS: String(config.prompts.cacheTtlSeconds),
        DEFAULT_PROMPT_VERSION: config.prompts.defaultVersion,
        ...reuseEnvironment,
      },
    }).bindTable(tables.experiments, EXPERIMENTS_TABLE, dataKey, [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
    ]);
    // The lookup is one consistent GetItem by content hash and prompt version.
    if (reuseOn) selectVariant.bindTable(tables.reuse, REUSE_TABLE, dataKey, ['dynamodb:GetItem']);

    // Admission can never run more model calls at once than invoke-model may.
    validateModelCapacity(
      config.stage,
      config.bedrock.capacity,
      config.functions['invoke-model'].reservedConcurrency,
      config.bedrock.maxAdmissionWaitMinutes,
    );
    // Its own function and concurrency: admission calls never queue behind model calls.
    const admitModelCall = task('AdmitModelCall', 'admit-model-call', {
      bundlePrompts: true,
      environment: {
        [ADMISSION_SETTINGS_ENV]: JSON.stringify(
          admissionSettingsFor(config.bedrock.capacity, {
            maxAdmissionWaitMinutes: config.bedrock.maxAdmissionWaitMinutes,
          }),
        ),
      },
    })
      // The slot records only: one atomic conditional update per reservation.
      .bindTable(
        tables.metrics,
        METRICS_TABLE,
        dataKey,
        ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        { leadingKeys: [`${ADMISSION_KEY_PREFIX}*`] },
      );

    const invokeModel = task('InvokeModel', 'invoke-model', { bundlePrompts: true })
      .bindDocumentsBucket(bucket, dataKey, {
        read: [BUCKET_PREFIXES.work],
        write: [BUCKET_PREFIXES.work],
      })
      .allowModelInvocation(config.bedrock.models);

    const score = task('Score', 'score', { bundlePrompts: true }).bindDocumentsBucket(
      bucket,
      dataKey,
      // Reads the extraction, its quotes and the page geometry; writes the grounding.
      { read: [BUCKET_PREFIXES.work], write: [BUCKET_PREFIXES.grounding] },
    );

    const recordResult = task('RecordResult', 'record-result', { environment: reuseEnvironment })
      .bindTable(tables.results, RESULTS_TABLE, dataKey, [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ])
      .bindTable(tables.ledger, LEDGER_TABLE, dataKey, ['dynamodb:GetItem', 'dynamodb:PutItem'])
      .bindDocumentsBucket(bucket, dataKey, {
        read: [BUCKET_PREFIXES.work, BUCKET_PREFIXES.grounding],
        write: [BUCKET_PREFIXES.results],
      });
    // The first SUCCEEDED extraction of some bytes is remembered with a conditional put.
    if (reuseOn) recordResult.bindTable(tables.reuse, REUSE_TABLE, dataKey, ['dynamodb:PutItem']);

    const recordFailure = task('RecordFailure', 'record-failure')
      .bindTable(tables.results, RESULTS_TABLE, dataKey, [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ])
      .bindTable(tables.ledger, LEDGER_TABLE, dataKey, ['dynamodb:GetItem', 'dynamodb:PutItem']);

    this.functions = {
      loadDocument,
      selectVariant,
      admitModelCall,
      invokeModel,
      score,
      recordResult,
      recordFailure,
    };

    this.deadLetterQueue = new sqs.Queue(this, EXTRACTION_DLQ.logicalId, {
      queueName: physicalName(config.stage, EXTRACTION_DLQ.suffix),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(EXTRACTION_DLQ.retentionSeconds),
      visibilityTimeout: Duration.seconds(EXTRACTION_DLQ.visibilityTimeoutSeconds),
      removalPolicy: config.removalPolicy,
    });
    const terminalQueue =
      'Terminal dead-letter queue written by the state machine SendToDLQ state, one message per FAILED execution; it has no consumer that could fail, is redriven by an operator, and an alarm fires on its first message.';
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: terminalQueue,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: terminalQueue,
    });

    const stateMachineName = physicalName(config.stage, 'extract');
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      encryptionKey: logsKey,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const definitionSubstitutions: Record<ExtractPlaceholder, string> = {
      LoadDocumentFunctionArn: loadDocument.functionArn,
      SelectVariantFunctionArn: selectVariant.functionArn,
      AdmitModelCallFunctionArn: admitModelCall.functionArn,
      InvokeModelFunctionArn: invokeModel.functionArn,
      ScoreFunctionArn: score.functionArn,
      RecordResultFunctionArn: recordResult.functionArn,
      RecordFailureFunctionArn: recordFailure.functionArn,
      ExtractionDlqUrl: this.deadLetterQueue.queueUrl,
    };

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      // The file's ${...} placeholders stay for definitionSubstitutions; the
      // deadline is work time plus the stage's maximum admission wait.
      definitionBody: sfn.DefinitionBody.fromFile(
        timedDefinitionFile(executionTimeoutSeconds(config.bedrock.maxAdmissionWaitMinutes)),
      ),
      definitionSubstitutions,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(
        dataKey,
        Duration.minutes(5),
      ),
      removalPolicy: config.removalPolicy,
    });

    const region = Stack.of(this).region;
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTaskFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(this.functions).map((fn: PipelineFunction) => fn.functionArn),
      }),
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendToExtractionDlq',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptExtractionDlqMessages',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
      }),
    );

    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (!(policy instanceof iam.Policy)) throw new Error('State machine role has no DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only CloudWatch Logs delivery actions (logs:CreateLogDelivery and related) and X-Ray actions use Resource "*": neither service supports resource-level permissions for them. A test asserts no other action in this policy is granted on "*".',
    });
    Validations.of(policy).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'This policy belongs to the state machine role alone, is created and deleted with it and cannot be attached to any other principal; its statements name the seven task functions and the extraction DLQ and are asserted by the infrastructure tests.',
    });
  }
}
