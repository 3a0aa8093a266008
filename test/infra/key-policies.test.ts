/**
 * KMS key policies: every statement that trusts an AWS service is pinned to
 * this account (aws:SourceAccount) and to the stage's own resources
 * (aws:SourceArn), so no other account's bucket or alarm can use our keys;
 * and the ledger table is stored like the other record tables.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { physicalName } from '#contracts/resources.ts';
import {
  logicalId,
  resourceById,
  resourcesOfType,
  type Statement,
  statementsIn,
  synthStage,
} from './synth.ts';

const { stack, template } = synthStage('prod');
const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);
/** How `render` shows a `Ref` to a pseudo-parameter. */
const pseudo = (name: string): string => ['$', '{', name, '}'].join('');
const account = pseudo('AWS::AccountId');

const ServicePrincipalSchema = z.object({ Service: z.string() });
const serviceOf = (statement: Statement): string | undefined =>
  ServicePrincipalSchema.safeParse(statement.principal).data?.Service;

const ConditionSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
/** `{ key: [operator, value] }` for each condition key of the statement. */
const conditionsOf = (statement: Statement): Map<string, [string, unknown]> => {
  const byKey = new Map<string, [string, unknown]>();
  for (const [operator, entries] of Object.entries(
    ConditionSchema.parse(statement.condition ?? {}),
  )) {
    for (const [key, value] of Object.entries(entries)) byKey.set(key, [operator, value]);
  }
  return byKey;
};

/** The key policy statements that name a service principal, by key logical id. */
const serviceStatements = (): [string, Statement][] =>
  resourcesOfType(template, 'AWS::KMS::Key').flatMap(([id, key]) =>
    statementsIn(key.Properties.KeyPolicy)
      .filter((statement) => serviceOf(statement) !== undefined)
      .map((statement): [string, Statement] => [id, statement]),
  );

/** Renders an `Fn::Join` of literals and `Ref`s as text, a `Ref` shown as `pseudo(name)`. */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = z
    .object({ 'Fn::Join': z.tuple([z.string(), z.array(z.unknown())]) })
    .safeParse(value);
  if (join.success) return join.data['Fn::Join'][1].map(render).join(join.data['Fn::Join'][0]);
  const ref = z.object({ Ref: z.string() }).safeParse(value);
  if (ref.success) return pseudo(ref.data.Ref);
  return JSON.stringify(value);
};

describe('KMS key policies', () => {
  it('trust exactly the four services that encrypt or deliver for us', () => {
    // Act
    const services = serviceStatements().map(([, statement]) => serviceOf(statement));

    // Assess
    expect(services.sort()).toEqual([
      'cloudwatch.amazonaws.com',
      'delivery.logs.amazonaws.com',
      'logs.us-east-1.amazonaws.com',
      's3.amazonaws.com',
    ]);
  });

  it('pin every service principal to this account with aws:SourceAccount', () => {
    for (const [, statement] of serviceStatements()) {
      // Act
      const sourceAccount = conditionsOf(statement).get('aws:SourceAccount');

      // Assess
      expect(sourceAccount?.[0]).toBe('StringEquals');
      expect(render(sourceAccount?.[1])).toBe(account);
    }
  });

  it('pin every service principal to our own resources with aws:SourceArn', () => {
    // Prepare
    const stage = physicalName('prod', '');
    const expected: Record<string, [string, string]> = {
      's3.amazonaws.com': ['ArnEquals', `arn:aws:s3:::${stage}documents-${account}-us-east-1`],
      'cloudwatch.amazonaws.com': [
        'ArnLike',
        `arn:aws:cloudwatch:us-east-1:${account}:alarm:${stage}*`,
      ],
      'logs.us-east-1.amazonaws.com': ['ArnLike', `arn:aws:logs:us-east-1:${account}:*`],
      'delivery.logs.amazonaws.com': ['ArnLike', `arn:aws:logs:us-east-1:${account}:*`],
    };

    for (const [, statement] of serviceStatements()) {
      // Act
      const sourceArn = conditionsOf(statement).get('aws:SourceArn');

      // Assess
      const service = serviceOf(statement) ?? '';
      expect([sourceArn?.[0], render(sourceArn?.[1])]).toEqual(expected[service]);
    }
  });

  it('let S3 use only the ingest key, CloudWatch only the alarms key, Logs only the logs key, log delivery only the data key', () => {
    // Act
    const keyByService = Object.fromEntries(
      serviceStatements().map(([id, statement]) => [serviceOf(statement), id]),
    );

    // Assess
    expect(keyByService).toEqual({
      's3.amazonaws.com': idOf(stack.keys.ingest),
      'cloudwatch.amazonaws.com': idOf(stack.keys.alarms),
      'logs.us-east-1.amazonaws.com': idOf(stack.keys.logs),
      'delivery.logs.amazonaws.com': idOf(stack.keys.data),
    });
  });
});

describe('ledger table', () => {
  it('is keyed by document id, with the status, key and upload-time indexes', () => {
    // Prepare
    const table = resourceById(template, idOf(stack.storage.ledger));

    // Act
    const properties = z
      .object({
        TableName: z.string(),
        KeySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.string() })),
        GlobalSecondaryIndexes: z.array(
          z.object({
            IndexName: z.string(),
            KeySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.string() })),
          }),
        ),
        DeletionProtectionEnabled: z.boolean(),
      })
      .parse(table.Properties);

    // Assess
    expect(properties.TableName).toBe('medextract-prod-ledger');
    expect(properties.KeySchema).toEqual([{ AttributeName: 'documentId', KeyType: 'HASH' }]);
    expect(
      properties.GlobalSecondaryIndexes.map((index) => [
        index.IndexName,
        ...index.KeySchema.map((k) => k.AttributeName),
      ]),
    ).toEqual([
      ['byStatus', 'status', 'statusAt'],
      ['byKey', 'bucket', 'key'],
      ['byReceivedAt', 'bucket', 'receivedAt'],
    ]);
    expect(properties.DeletionProtectionEnabled).toBe(true);
  });

  it('is in the daily backup selection with the other record tables', () => {
    // Prepare
    const [[, selection] = ['', { Properties: {} }]] = resourcesOfType(
      template,
      'AWS::Backup::BackupSelection',
    );

    // Act
    const resources = z
      .object({ BackupSelection: z.object({ Resources: z.array(z.unknown()) }) })
      .parse(selection.Properties).BackupSelection.Resources;

    // Assess
    const arnOfTable = (construct: Parameters<typeof logicalId>[1]) => ({
      'Fn::GetAtt': [idOf(construct), 'Arn'],
    });
    expect(resources).toEqual([
      arnOfTable(stack.storage.results),
      arnOfTable(stack.storage.experiments),
      arnOfTable(stack.storage.ledger),
    ]);
  });
});
