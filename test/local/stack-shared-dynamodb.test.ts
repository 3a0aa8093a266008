/**
 * A local stack on the test run's shared DynamoDB Local (ADR 48): it starts
 * no JVM of its own, creates every table under its own stage and none of the
 * `local` stage's, hands the handlers that stage's table names, state
 * machine and metrics namespace, keeps a processed document's ledger entry
 * and result row in its own tables, and leaves the shared DynamoDB Local
 * running when it stops. A stage AWS would refuse is refused before anything
 * starts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetOfStack } from '#cli/target.ts';
import { LEDGER_TABLE, RESULTS_TABLE, REUSE_TABLE, tableNamesFor } from '#contracts/resources.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { stageNames } from '#local/stack-stage.ts';
import { processFiles } from '#services/process-documents.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

const shared = sharedDynamoDb('proof');
const raw = new DynamoDBClient({
  endpoint: shared.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
let stack: LocalStack;
let stopped = false;

const tableNames = async (): Promise<string[]> => {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await raw.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
};

beforeAll(async () => {
  stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    promptCacheTtlSeconds: 0,
    sharedDynamoDb: shared,
  });
}, 120_000);
afterAll(async () => {
  if (!stopped) await stack?.stop();
  raw.destroy();
});

describe('a local stack on a shared DynamoDB Local', () => {
  it('names its tables, state machine and handler environment after its own stage', async () => {
    const expected = tableNamesFor(shared.stage);
    expect(stack.stage).toBe(shared.stage);
    expect(stack.endpoints.dynamodb).toBe(shared.endpoint);
    expect(stack.tables).toEqual(expected);
    expect(stack.stateMachineArn).toMatch(
      new RegExp(`:stateMachine:medextract-${shared.stage}-extract$`),
    );
    expect(process.env.STAGE).toBe(shared.stage);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(shared.endpoint);
    expect(process.env[LEDGER_TABLE.envVar]).toBe(expected.ledger);
    expect(process.env[RESULTS_TABLE.envVar]).toBe(expected.results);
    expect(process.env[REUSE_TABLE.envVar]).toBe(expected.reuse);
    expect(process.env.STATE_MACHINE_ARN).toBe(stack.stateMachineArn);
    expect(process.env.POWERTOOLS_METRICS_NAMESPACE).toBe(`MedExtract/${shared.stage}`);

    const names = await tableNames();
    for (const table of Object.values(expected)) expect(names).toContain(table);
    expect(names.filter((name) => name.startsWith('medextract-local-'))).toEqual([]);
  });

  it('keeps a processed document in its own stage tables', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'medextract-shared-ddb-'));
    const path = join(dir, 'shared stage.pdf');
    await writeFile(path, Buffer.from(await recordPdf('Shared Stage-Example')));

    const [result] = await processFiles(targetOfStack(stack), [{ path }], { timeoutMs: 120_000 });
    await stack.settle();

    expect(result?.status).toBe('SUCCEEDED');
    const documentId = result?.documentId ?? '';
    const row = await stack.clients.dynamodb.send(
      new GetCommand({ TableName: stack.tables.results, Key: { documentId } }),
    );
    expect(row.Item?.documentId).toBe(documentId);
    const ledger = await stack.clients.dynamodb.send(
      new ScanCommand({ TableName: stack.tables.ledger }),
    );
    expect((ledger.Items ?? []).map((item) => item.status)).toEqual(['SUCCEEDED']);
  });

  it('leaves the shared DynamoDB Local running when it stops', async () => {
    await stack.stop();
    stopped = true;
    expect(await tableNames()).toContain(tableNamesFor(shared.stage).ledger);
  });

  it('refuses a stage AWS would refuse before starting anything', async () => {
    expect(() => stageNames('Has_Upper')).toThrow(/LOCAL_STAGE_INVALID/);
    await expect(
      startLocalStack({ sharedDynamoDb: { endpoint: shared.endpoint, stage: '' } }),
    ).rejects.toThrow(/LOCAL_STAGE_INVALID/);
  });
});
