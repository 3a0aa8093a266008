/**
 * Encryption at rest with customer-managed keys on every data store, and
 * TLS-only resource policies. cdk-nag accepts SSE-SQS and skips DynamoDB and
 * Step Functions keys, so these assertions check the CMKs directly.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import {
  logicalId,
  resourceById,
  resourcesOfType,
  statementsIn,
  synthStage,
  type TemplateResource,
} from './synth.ts';

const { stack, template } = synthStage('prod');
const keyIds = new Set(resourcesOfType(template, 'AWS::KMS::Key').map(([id]) => id));

/** The logical id of the CMK an `Fn::GetAtt [key, Arn]` points to, or undefined. */
const cmkOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null || !('Fn::GetAtt' in value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (!Array.isArray(getAtt) || getAtt[1] !== 'Arn') return undefined;
  const id: unknown = getAtt[0];
  return typeof id === 'string' && keyIds.has(id) ? id : undefined;
};

const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);

describe('encryption at rest', () => {
  it('rotates every KMS key yearly', () => {
    // Prepare
    const keys = resourcesOfType(template, 'AWS::KMS::Key');

    // Act
    const rotation = keys.map(([, key]) => key.Properties.EnableKeyRotation);

    // Assess
    expect(keys).toHaveLength(4);
    expect(rotation).toEqual([true, true, true, true]);
  });

  it('encrypts the documents bucket with the data CMK and S3 bucket keys', () => {
    // Prepare
    const bucket = resourceById(template, idOf(stack.intake.bucket));

    // Act
    const [rule] = z
      .object({
        ServerSideEncryptionConfiguration: z.array(
          z.object({
            BucketKeyEnabled: z.boolean(),
            ServerSideEncryptionByDefault: z.object({
              SSEAlgorithm: z.string(),
              KMSMasterKeyID: z.unknown(),
            }),
          }),
        ),
      })
      .parse(bucket.Properties.BucketEncryption).ServerSideEncryptionConfiguration;

    // Assess
    expect(rule?.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(cmkOf(rule?.ServerSideEncryptionByDefault.KMSMasterKeyID)).toBe(idOf(stack.keys.data));
    expect(rule?.BucketKeyEnabled).toBe(true);
  });

  it('encrypts every queue with a CMK, never SSE-SQS', () => {
    // Prepare
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');

    // Act
    const keysByQueue = Object.fromEntries(
      queues.map(([id, queue]) => [id, cmkOf(queue.Properties.KmsMasterKeyId)]),
    );

    // Assess
    expect(keysByQueue).toEqual({
      [idOf(stack.intake.queue)]: idOf(stack.keys.ingest),
      [idOf(stack.intake.deadLetterQueue)]: idOf(stack.keys.ingest),
      [idOf(stack.workflow.deadLetterQueue)]: idOf(stack.keys.data),
      [idOf(stack.observability.aggregatorFailureQueue)]: idOf(stack.keys.data),
      [idOf(stack.reconciliation.failureQueue)]: idOf(stack.keys.data),
    });
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBeUndefined();
  });

  it('encrypts every table with the data CMK and keeps point-in-time recovery on', () => {
    // Prepare
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

    // Act
    const settings = tables.map(([, table]) => {
      const sse = z
        .object({ SSEEnabled: z.boolean(), SSEType: z.string(), KMSMasterKeyId: z.unknown() })
        .parse(table.Properties.SSESpecification);
      const pitr = z
        .object({ PointInTimeRecoveryEnabled: z.boolean() })
        .parse(table.Properties.PointInTimeRecoverySpecification);
      return {
        enabled: sse.SSEEnabled,
        type: sse.SSEType,
        key: cmkOf(sse.KMSMasterKeyId),
        pitr: pitr.PointInTimeRecoveryEnabled,
      };
    });

    // Assess
    expect(tables).toHaveLength(5);
    for (const setting of settings) {
      expect(setting).toEqual({
        enabled: true,
        type: 'KMS',
        key: idOf(stack.keys.data),
        pitr: true,
      });
    }
  });

  it('encrypts execution history with the data CMK', () => {
    // Prepare
    const machine = resourceById(template, idOf(stack.workflow.stateMachine));

    // Act
    const encryption = z
      .object({ Type: z.string(), KmsKeyId: z.unknown() })
      .parse(machine.Properties.EncryptionConfiguration);

    // Assess
    expect(encryption.Type).toBe('CUSTOMER_MANAGED_KMS_KEY');
    expect(cmkOf(encryption.KmsKeyId)).toBe(idOf(stack.keys.data));
  });

  it('encrypts every log group with the logs CMK and sets its retention', () => {
    // Prepare
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');

    // Act
    const settings = groups.map(([, group]) => ({
      key: cmkOf(group.Properties.KmsKeyId),
      retention: group.Properties.RetentionInDays,
    }));

    // Assess
    // One per function, the state machine's, the API function's and the API access logs.
    expect(groups).toHaveLength(FUNCTION_NAMES.length + 3);
    for (const setting of settings)
      expect(setting).toEqual({ key: idOf(stack.keys.logs), retention: 365 });
  });

  it("lets CloudWatch Logs use the logs key only for this stage's log groups", () => {
    // Prepare
    const key = resourceById(template, idOf(stack.keys.logs));

    // Act
    const logsStatement = statementsIn(key.Properties.KeyPolicy).find(
      (statement) => statement.sid === 'AllowCloudWatchLogsForStageLogGroups',
    );

    // Assess
    expect(logsStatement?.principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(JSON.stringify(logsStatement?.condition)).toContain(
      'log-group:/aws/lambda/medextract-prod-*',
    );
    expect(JSON.stringify(logsStatement?.condition)).toContain(
      'log-group:/aws/vendedlogs/states/medextract-prod-*',
    );
  });

  it('encrypts the alarm topic with the alarms CMK', () => {
    // Prepare
    const [[, topic] = ['', undefined]] = resourcesOfType(template, 'AWS::SNS::Topic');

    // Act
    const key = cmkOf(topic?.Properties.KmsMasterKeyId);

    // Assess
    expect(key).toBe(idOf(stack.keys.alarms));
  });

  it('encrypts the backup vault with the data CMK', () => {
    // Prepare
    const [[, vault] = ['', undefined]] = resourcesOfType(template, 'AWS::Backup::BackupVault');

    // Act
    const key = cmkOf(vault?.Properties.EncryptionKeyArn);

    // Assess
    expect(key).toBe(idOf(stack.keys.data));
  });
});

const denies = (policy: TemplateResource) =>
  statementsIn(policy.Properties.PolicyDocument).filter((statement) => statement.effect === 'Deny');

describe('encryption in transit', () => {
  it('denies non-TLS and TLS below 1.2 on both buckets', () => {
    // Prepare
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');

    // Act
    const conditions = policies.map(([, policy]) => denies(policy).map((st) => st.condition));

    // Assess
    expect(policies).toHaveLength(2);
    for (const policyConditions of conditions) {
      expect(policyConditions).toContainEqual({ Bool: { 'aws:SecureTransport': 'false' } });
      expect(policyConditions).toContainEqual({ NumericLessThan: { 's3:TlsVersion': 1.2 } });
    }
  });

  it('denies non-TLS access to every queue and to the alarm topic', () => {
    // Prepare
    const policies = [
      ...resourcesOfType(template, 'AWS::SQS::QueuePolicy'),
      ...resourcesOfType(template, 'AWS::SNS::TopicPolicy'),
    ];

    // Act
    const conditions = policies.map(([, policy]) => denies(policy).map((st) => st.condition));

    // Assess
    expect(policies).toHaveLength(6);
    for (const policyConditions of conditions) {
      expect(policyConditions).toContainEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });

  it('blocks every form of public access on both buckets', () => {
    // Prepare
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');

    // Act
    const blocks = buckets.map(([, bucket]) => bucket.Properties.PublicAccessBlockConfiguration);

    // Assess
    expect(blocks).toEqual([
      {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    ]);
  });
});
