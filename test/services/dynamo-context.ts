/**
 * A service context over DynamoDB Local for the use-case tests: every table
 * of a fresh stage, a document client, and S3/SQS/SFN clients the caller
 * mocks or leaves unused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** Starts DynamoDB Local, creates the stage's tables and returns a context over them. */
export const startDynamoContext = async (stagePrefix: string): Promise<DynamoContext> => {
  const ddb: DynamoDbLocal = await startDynamoDbLocal();
  const raw = new DynamoDBClient({ ...local, endpoint: ddb.endpoint });
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
      await ddb.stop();
    },
  };
};
