/**
 * A service context over DynamoDB Local for the use-case tests: every table
 * of a fresh stage (on the run's shared DynamoDB Local when there is one), a
 * document client, and S3/SQS/SFN clients the caller mocks or leaves unused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { tableNamesFor } from '#contracts/resources.ts';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal } from '#local/dynamodb.ts';
import type { ServiceContext } from '#services/context.ts';

export interface DynamoContext {
  readonly ctx: ServiceContext;
  stop(): Promise<void>;
}

const local = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

/** The run's shared DynamoDB Local (test/helpers/shared-dynamodb.ts), or undefined outside that project. */
const sharedEndpoint = (): string | undefined => {
  try {
    return inject('sharedDynamoDbEndpoint');
  } catch {
    return undefined;
  }
};

/**
 * Creates the tables of a fresh stage on the run's shared DynamoDB Local, or
 * on one of its own when none is provided, and returns a context over them.
 */
export const startDynamoContext = async (stagePrefix: string): Promise<DynamoContext> => {
  const shared = sharedEndpoint();
  const ddb: DynamoDbLocal | undefined = shared ? undefined : await startDynamoDbLocal();
  const raw = new DynamoDBClient({ ...local, endpoint: shared ?? ddb?.endpoint });
  const stage = `${stagePrefix}${Date.now().toString(36)}`;
  await ensureTables(raw, stage);
  const ctx: ServiceContext = {
    stage,
    bucket: 'documents',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:extract',
    tables: tableNamesFor(stage),
    queues: { ingest: 'ingest', ingestDlq: 'ingest-dlq', extractionDlq: 'extraction-dlq' },
    clients: {
      s3: new S3Client(local),
      sqs: new SQSClient(local),
      sfn: new SFNClient(local),
      dynamodb: DynamoDBDocumentClient.from(raw, {
        marshallOptions: { removeUndefinedValues: true },
      }),
    },
  };
  return {
    ctx,
    stop: async () => {
      raw.destroy();
      await ddb?.stop();
    },
  };
};
