/**
 * Redriving an extraction DLQ message of a rerun the reconciler started
 * after interruptions: the new execution is the next attempt with the
 * original input, and an operator's redrive starts a new count of
 * interruptions in a row (ADR 0031).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tableNamesFor } from '#contracts/resources.ts';
import type { ServiceContext } from '#services/context.ts';
import { redriveExtraction } from '#services/dlq-redrive.ts';

const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
afterEach(() => {
  sfn.reset();
  sqs.reset();
});
// The mocks replace `send` on every SFN and SQS client of the worker, and the
// files of this project share their worker: put the real one back for them.
afterAll(() => {
  sfn.restore();
  sqs.restore();
});

const ID = 'd'.repeat(64);
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:medextract-test-extract';
const FAILED_RUN = `${MACHINE.replace(':stateMachine:', ':execution:')}:${ID}-r2`;
const DLQ = 'http://127.0.0.1:9/000000000000/extraction-dlq';

const ctx: ServiceContext = {
  stage: 'test',
  bucket: 'documents',
  stateMachineArn: MACHINE,
  tables: tableNamesFor('test'),
  queues: { ingest: 'unused', ingestDlq: 'unused', extractionDlq: DLQ },
  clients: {
    s3: new S3Client({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  },
};

describe('extraction DLQ redrive after interrupted attempts', () => {
  it('starts the next attempt with the original input and no carried-over interruption count', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm1',
            ReceiptHandle: 'h1',
            Attributes: { SentTimestamp: String(Date.now() - 60_000) },
            Body: JSON.stringify({
              documentId: ID,
              reason: 'INTERNAL_ERROR',
              error: 'ConditionalCheckFailedException',
              recorded: false,
              executionId: FAILED_RUN,
            }),
          },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sfn.on(DescribeExecutionCommand).resolves({
      input: JSON.stringify({
        documentId: ID,
        receivedAt: '2026-12-01T09:00:00.000Z',
        attempt: 2,
        interruptedAttempts: 2,
      }),
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });

    // Act
    const results = await redriveExtraction(ctx, { max: 10, rate: 1000 });

    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['redriven']);
    const started = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(started.map((input) => input.name)).toEqual([`${ID}-r3`]);
    expect(JSON.parse(started[0]?.input ?? '{}')).toEqual({
      documentId: ID,
      receivedAt: '2026-12-01T09:00:00.000Z',
      attempt: 3,
    });
  });
});
