/**
 * DynamoDB tables built from the shared definitions in `contracts/resources.ts`
 * (the local runtime creates the same keys and indexes), encrypted with the
 * data key, with point-in-time recovery, TTL where defined, the stage's
 * billing mode, and daily AWS Backup copies of the tables that hold records.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  EXPERIMENTS_TABLE,
  type KeyDefinition,
  LEDGER_TABLE,
  METRICS_TABLE,
  physicalName,
  RESULTS_TABLE,
  REUSE_TABLE,
  type TableDefinition,
} from '#contracts/resources.ts';
import type { StageConfig, TableBilling } from '../config.ts';

export interface StorageProps {
  readonly config: StageConfig;
  /** Customer-managed key for every table and the backup vault. */
  readonly key: kms.IKey;
}

const attribute = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** The five tables and the backup plan of the stage. */
export class Storage extends Construct {
  readonly results: dynamodb.Table;
  readonly experiments: dynamodb.Table;
  readonly metrics: dynamodb.Table;
  /** One entry per uploaded object version: what happened to every file. */
  readonly ledger: dynamodb.Table;
  /** Extractions identical uploads may reuse, by content hash and prompt version (ADR 40). */
  readonly reuse: dynamodb.Table;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { config, key } = props;
    const table = (definition: TableDefinition): dynamodb.Table =>
      buildTable(this, definition, config, key);

    this.results = table(RESULTS_TABLE);
    this.experiments = table(EXPERIMENTS_TABLE);
    this.metrics = table(METRICS_TABLE);
    this.ledger = table(LEDGER_TABLE);
    this.reuse = table(REUSE_TABLE);

    const vault = new backup.BackupVault(this, 'BackupVault', {
      backupVaultName: physicalName(config.stage, 'backups'),
      encryptionKey: key,
      removalPolicy: config.removalPolicy,
    });
    this.backupPlan = new backup.BackupPlan(this, 'BackupPlan', {
      backupPlanName: physicalName(config.stage, 'tables'),
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          deleteAfter: Duration.days(config.tables.backupRetentionDays),
        }),
      ],
    });
    const selection = this.backupPlan.addSelection('RecordTables', {
      resources: [
        backup.BackupResource.fromDynamoDbTable(this.results),
        backup.BackupResource.fromDynamoDbTable(this.experiments),
        backup.BackupResource.fromDynamoDbTable(this.ledger),
      ],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy for the AWS Backup service role; AWS updates it as Backup gains resource types. The role can be assumed only by backup.amazonaws.com and is used only by this selection.',
    });

    const notBackedUp = (target: dynamodb.Table, why: string): void =>
      Validations.of(target).acknowledge({
        id: 'HIPAA.Security-DynamoDBInBackupPlan',
        reason: why,
      });
    notBackedUp(
      this.metrics,
      'Hourly roll-ups derived from the results table and the EMF logs; they can be rebuilt from those, and point-in-time recovery covers the last 35 days.',
    );
    notBackedUp(
      this.reuse,
      'Pointers to work-prefix objects that expire within 7 days (TTL); a restored entry would point at deleted objects, losing one only means an identical upload calls the model again, and point-in-time recovery covers accidental deletion.',
    );
  }
}

const buildTable = (
  scope: Construct,
  definition: TableDefinition,
  config: StageConfig,
  key: kms.IKey,
): dynamodb.Table => {
  const { billing } = config.tables;
  const provisioned = billing.mode === 'provisioned';
  const table = new dynamodb.Table(scope, definition.logicalId, {
    tableName: physicalName(config.stage, definition.suffix),
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    billingMode: provisioned
      ? dynamodb.BillingMode.PROVISIONED
      : dynamodb.BillingMode.PAY_PER_REQUEST,
    ...(provisioned ? { readCapacity: billing.read.min, writeCapacity: billing.write.min } : {}),
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(definition.timeToLiveAttribute
      ? { timeToLiveAttribute: definition.timeToLiveAttribute }
      : {}),
    removalPolicy: config.removalPolicy,
    deletionProtection: config.stage === 'prod',
  });
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType.ALL,
      ...(provisioned ? { readCapacity: billing.read.min, writeCapacity: billing.write.min } : {}),
    });
  }
  if (billing.mode === 'provisioned') autoScale(table, definition, billing);
  return table;
};

const autoScale = (
  table: dynamodb.Table,
  definition: TableDefinition,
  billing: Extract<TableBilling, { mode: 'provisioned' }>,
): void => {
  const target = { targetUtilizationPercent: billing.targetUtilizationPercent };
  const read = { minCapacity: billing.read.min, maxCapacity: billing.read.max };
  const write = { minCapacity: billing.write.min, maxCapacity: billing.write.max };
  table.autoScaleReadCapacity(read).scaleOnUtilization(target);
  table.autoScaleWriteCapacity(write).scaleOnUtilization(target);
  for (const index of definition.globalSecondaryIndexes) {
    table
      .autoScaleGlobalSecondaryIndexReadCapacity(index.indexName, read)
      .scaleOnUtilization(target);
    table
      .autoScaleGlobalSecondaryIndexWriteCapacity(index.indexName, write)
      .scaleOnUtilization(target);
  }
};
