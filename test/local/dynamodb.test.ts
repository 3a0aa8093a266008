/**
 * DynamoDB Local against the real SDK client: tables as the CDK app defines
 * them, transactions, persistence, and the Java check.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { physicalName } from '#contracts/resources.ts';
import {
  checkJava,
  type DynamoDbLocal,
  ensureTables,
  JavaMissingError,
  parseJavaMajor,
  startDynamoDbLocal,
} from '#local/dynamodb.ts';

const clientFor = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

describe('DynamoDB Local in memory', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = clientFor(ddb.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });

  it('listens on 127.0.0.1 and reports its start-up time', () => {
    // Assess
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    expect(ddb.startupMs).toBeGreaterThan(0);
  });

  it('creates every table with keys, GSIs (projection ALL), on-demand billing and TTL', async () => {
    // Prepare
    const stage = `t${Date.now().toString(36)}`;

    // Act
    const first = await ensureTables(client, stage);
    const results = await client.send(
      new DescribeTableCommand({ TableName: physicalName(stage, 'results') }),
    );
    const experiments = await client.send(
      new DescribeTableCommand({ TableName: physicalName(stage, 'experiments') }),
    );
    const metricsTtl = await client.send(
      new DescribeTimeToLiveCommand({ TableName: physicalName(stage, 'metrics') }),
    );
    const reuseTtl = await client.send(
      new DescribeTimeToLiveCommand({ TableName: physicalName(stage, 'extraction-reuse') }),
    );
    const resultsTtl = await client.send(
      new DescribeTimeToLiveCommand({ TableName: physicalName(stage, 'results') }),
    );

    // Assess
    expect(first.created).toEqual(
      ['results', 'experiments', 'metrics', 'ledger', 'extraction-reuse'].map((s) =>
        physicalName(stage, s),
      ),
    );
    expect(first.existing).toEqual([]);
    const table = results.Table;
    expect(table?.KeySchema).toEqual([{ AttributeName: 'documentId', KeyType: 'HASH' }]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = (table?.GlobalSecondaryIndexes ?? [])
      .map((i) => ({
        name: i.IndexName,
        keys: i.KeySchema?.map((k) => `${k.KeyType}:${k.AttributeName}`),
        projection: i.Projection?.ProjectionType,
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(indexes).toEqual([
      {
        name: 'byPromptVersion',
        keys: ['HASH:promptVersion', 'RANGE:completedAt'],
        projection: 'ALL',
      },
      { name: 'byStatus', keys: ['HASH:status', 'RANGE:completedAt'], projection: 'ALL' },
    ]);
    expect(experiments.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(experiments.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([
      'byStatus',
    ]);
    expect(metricsTtl.TimeToLiveDescription).toEqual({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
    expect(reuseTtl.TimeToLiveDescription).toEqual({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
    expect(resultsTtl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('leaves existing tables alone on a second call', async () => {
    // Prepare
    const stage = `r${Date.now().toString(36)}`;
    await ensureTables(client, stage);
    await client.send(
      new PutItemCommand({
        TableName: physicalName(stage, 'results'),
        Item: { documentId: { S: 'doc-1' } },
      }),
    );

    // Act
    const second = await ensureTables(client, stage);
    const scan = await client.send(
      new DescribeTableCommand({ TableName: physicalName(stage, 'results') }),
    );

    // Assess
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(5);
    expect(scan.Table?.ItemCount).toBe(1);
  });

  it('cancels a transaction whose condition fails, with the reason per item', async () => {
    // Prepare
    const stage = `x${Date.now().toString(36)}`;
    await ensureTables(client, stage);
    const tableName = physicalName(stage, 'results');
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { documentId: { S: 'exists' } } }),
    );

    // Act
    const attempt = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { documentId: { S: 'new' } } } },
          {
            Put: {
              TableName: tableName,
              Item: { documentId: { S: 'exists' } },
              ConditionExpression: 'attribute_not_exists(documentId)',
            },
          },
        ],
      }),
    );

    // Assess
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons =
      error instanceof TransactionCanceledException
        ? error.CancellationReasons?.map((r) => r.Code)
        : [];
    expect(reasons).toEqual(['None', 'ConditionalCheckFailed']);
  });
});

describe('DynamoDB Local on disk', () => {
  it('keeps tables across a restart with the same dataDir, in a write-ahead-log database', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'medextract-ddb-'));
    const first = await startDynamoDbLocal({ dataDir });
    const firstClient = clientFor(first.endpoint);
    let sqliteLibraries: string[] = [];
    try {
      await firstClient.send(
        new CreateTableCommand({
          TableName: 'kept',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      // One SQLite build in the JVM: the launcher's switch must use DynamoDB Local's own copy.
      const maps = readFileSync(`/proc/${first.pid}/maps`, 'utf8').split('\n');
      sqliteLibraries = [
        ...new Set(
          maps.filter((line) => line.includes('sqlite4java')).map((l) => l.split(/\s+/).at(-1)),
        ),
      ].filter((path): path is string => path !== undefined);
    } finally {
      firstClient.destroy();
      await first.stop();
    }
    // SQLite's header: bytes 18 and 19 are 2 in WAL mode, 1 with a rollback journal.
    const database = join(dataDir, 'shared-local-instance.db');
    const header = readFileSync(database).subarray(18, 20);
    const logBeside = existsSync(`${database}-wal`);

    // Act
    const second = await startDynamoDbLocal({ dataDir });
    const secondClient = clientFor(second.endpoint);
    let tables: string[] | undefined;
    try {
      tables = (await secondClient.send(new ListTablesCommand({}))).TableNames;
    } finally {
      secondClient.destroy();
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }

    // Assess
    expect(tables).toEqual(['kept']);
    expect([...header]).toEqual([2, 2]);
    expect(sqliteLibraries).toHaveLength(1);
    expect(logBeside).toBe(true);
  });
});

describe('Java check', () => {
  it('reads the major version from java -version output', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_292"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });

  it('throws JavaMissingError with install instructions when java is not on PATH', async () => {
    // Prepare
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';

    // Act
    const error = await checkJava().then(
      () => undefined,
      (e: unknown) => e,
    );
    process.env.PATH = path;

    // Assess
    expect(error).toBeInstanceOf(JavaMissingError);
    expect(error instanceof Error ? error.message : '').toContain(
      'sudo apt-get install -y openjdk-17-jre-headless',
    );
  });
});
