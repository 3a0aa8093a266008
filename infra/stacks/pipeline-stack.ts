/**
 * One stage of MedExtract: composes the constructs and wires them together.
 * No resource is configured here; each construct owns its concern.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LEDGER_TABLE } from '#contracts/resources.ts';
import type { StageConfig } from '../config.ts';
import { Api } from '../constructs/api.ts';
import { EncryptionKeys } from '../constructs/encryption-keys.ts';
import { Intake } from '../constructs/intake.ts';
import { Observability } from '../constructs/observability.ts';
import { Reconciliation } from '../constructs/reconciliation.ts';
import { Storage } from '../constructs/storage.ts';
import { Workflow } from '../constructs/workflow.ts';
import { shippedPromptVersions } from '../prompt-versions.ts';

export interface PipelineStackProps extends StackProps {
  readonly config: StageConfig;
}

/** Keys, storage, intake, workflow, observability and the HTTP API of one stage. */
export class PipelineStack extends Stack {
  readonly keys: EncryptionKeys;
  readonly storage: Storage;
  readonly intake: Intake;
  readonly workflow: Workflow;
  readonly observability: Observability;
  readonly api: Api;
  readonly reconciliation: Reconciliation;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.keys = new EncryptionKeys(this, 'Keys', { config });
    this.storage = new Storage(this, 'Storage', { config, key: this.keys.data });
    this.intake = new Intake(this, 'Intake', {
      config,
      documentsKey: this.keys.data,
      ingestKey: this.keys.ingest,
      logsKey: this.keys.logs,
    });
    this.workflow = new Workflow(this, 'Workflow', {
      config,
      documentsBucket: this.intake.bucket,
      dataKey: this.keys.data,
      logsKey: this.keys.logs,
      tables: this.storage,
    });
    // The starter records every upload (RECEIVED / IGNORED / SUPERSEDED) in the ledger.
    const starter = this.intake
      .startExecutionsOf(this.workflow.stateMachine)
      .bindTable(this.storage.ledger, LEDGER_TABLE, this.keys.data, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ]);
    const tasks = this.workflow.functions;
    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      config,
      documentsBucket: this.intake.bucket,
      ledger: this.storage.ledger,
      stateMachine: this.workflow.stateMachine,
      dataKey: this.keys.data,
      logsKey: this.keys.logs,
    });
    this.observability = new Observability(this, 'Observability', {
      config,
      keys: this.keys,
      metricsTable: this.storage.metrics,
      // The reconciler emits a document's record when it records the outcome itself.
      emitters: [tasks.recordResult, tasks.recordFailure, this.reconciliation.reconciler],
      functions: [
        starter,
        tasks.loadDocument,
        tasks.selectVariant,
        tasks.admitModelCall,
        tasks.invokeModel,
        tasks.score,
      ],
      stateMachine: this.workflow.stateMachine,
      ingestQueue: this.intake.queue,
      deadLetterQueues: [
        this.intake.deadLetterQueue,
        this.workflow.deadLetterQueue,
        this.reconciliation.failureQueue,
      ],
      reconcileRepairs: this.reconciliation.repairsMetric,
      promptVersions: shippedPromptVersions(),
    });

    this.api = new Api(this, 'Api', {
      config,
      logsKey: this.keys.logs,
      dataKey: this.keys.data,
      documentsBucket: this.intake.bucket,
      stateMachine: this.workflow.stateMachine,
      tables: this.storage,
      queues: {
        ingest: this.intake.queue,
        ingestDlq: this.intake.deadLetterQueue,
        extractionDlq: this.workflow.deadLetterQueue,
      },
      queueKeys: [this.keys.ingest, this.keys.data],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });

    new CfnOutput(this, 'DocumentsBucketName', { value: this.intake.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ExtractionDlqUrl', { value: this.workflow.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
    new CfnOutput(this, 'DashboardName', {
      value: this.observability.dashboard.dashboardName,
    });
  }
}
