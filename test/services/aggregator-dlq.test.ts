/**
 * The aggregator failure queue through the DLQ use cases, over the local SQS
 * emulator and a mocked Lambda: a listing shows the failure condition and
 * error type only; a redrive sends each original log event to the aggregator
 * and deletes the message only when the aggregator counted it; a stack
 * without the queue (the local one) is told so plainly.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableNamesFor } from '#contracts/resources.ts';
import { localClientConfig, localS3ClientConfig, type S3Sqs, startS3Sqs } from '#local/s3-sqs.ts';
import { redriveAggregator } from '#services/aggregator-redrive.ts';
import type { ServiceContext } from '#services/context.ts';
import { listDlq } from '#services/dlq.ts';
import { NotFoundError } from '#services/errors.ts';

let server: S3Sqs;
let ctx: ServiceContext;
const lambda = mockClient(LambdaClient);

const failureRecord = (data: string) =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-27T15:00:00.000Z',
    requestContext: {
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:medextract-x-aggregator',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: { awslogs: { data } },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'ProvisionedThroughputExceededException', errorMessage: 'x' },
  });

const payloadText = (payload: unknown): string =>
  payload instanceof Uint8Array ? new TextDecoder().decode(payload) : String(payload);

const depth = async (): Promise<number> => {
  const attributes = await ctx.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: ctx.queues.aggregatorFailures,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

beforeAll(async () => {
  server = await startS3Sqs();
  const sqs = new SQSClient(localClientConfig(server.endpoint));
  const stage = `aggdlq${Date.now().toString(36)}`;
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `medextract-${stage}-aggregator-failures` }),
  );
  const unreachable = localClientConfig('http://127.0.0.1:9');
  ctx = {
    stage,
    bucket: 'unused',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:extract',
    tables: tableNamesFor(stage),
    queues: {
      ingest: '',
      ingestDlq: '',
      extractionDlq: '',
      aggregatorFailures: created.QueueUrl ?? '',
    },
    clients: {
      s3: new S3Client(localS3ClientConfig(server.endpoint)),
      sqs,
      sfn: new SFNClient(unreachable),
      dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(unreachable)),
      lambda: new LambdaClient(unreachable),
    },
  };
});

afterAll(async () => {
  lambda.restore();
  await server?.stop();
});

describe('aggregator failure queue', () => {
  it('lists the condition and error type, then replays each batch and keeps the one that fails again', async () => {
    // Prepare: two failed batches, sent before the redrive begins
    for (const data of ['batch-one', 'batch-two']) {
      await ctx.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: ctx.queues.aggregatorFailures,
          MessageBody: failureRecord(data),
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    lambda
      .on(InvokeCommand)
      .callsFake((input: { Payload: Uint8Array }) =>
        JSON.parse(new TextDecoder().decode(input.Payload)).awslogs.data === 'batch-two'
          ? { StatusCode: 200, FunctionError: 'Unhandled' }
          : { StatusCode: 200 },
      );

    // Act
    const listed = await listDlq(ctx, 'aggregator', 10);
    const results = await redriveAggregator(ctx, { max: 10, rate: 100 });

    // Assess
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({
      queue: 'aggregator',
      documentId: null,
      reason: 'RetriesExhausted',
      error: 'ProvisionedThroughputExceededException',
    });
    const invokes = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invokes).toHaveLength(2);
    expect(invokes.every((i) => i.FunctionName === `medextract-${ctx.stage}-aggregator`)).toBe(
      true,
    );
    expect(invokes.every((i) => i.InvocationType === 'RequestResponse')).toBe(true);
    expect(invokes.map((i) => JSON.parse(payloadText(i.Payload)).awslogs.data).sort()).toEqual([
      'batch-one',
      'batch-two',
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['redriven', 'skipped']);
    expect(results.find((r) => r.outcome === 'skipped')?.detail).toContain('failed again');
    // The replayed batch is gone; the one that failed again is still there.
    expect(await depth()).toBe(1);
  });

  it('says plainly that a stack without the queue has none', async () => {
    const local = { ...ctx, queues: { ...ctx.queues, aggregatorFailures: undefined } };
    await expect(listDlq(local, 'aggregator', 10)).rejects.toThrow(NotFoundError);
    await expect(listDlq(local, 'aggregator', 10)).rejects.toThrow(
      'this stack has no aggregator failure queue',
    );
  });
});
