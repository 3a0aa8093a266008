/**
 * The DLQ use cases over the local SQS emulator: a listing names documents by
 * id and reason code only and leaves every message in the queue; an ingest
 * redrive moves each notification back to the ingest queue and empties the
 * DLQ, or only the selected messages at the given rate; an unreadable extraction message is skipped and kept.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableNamesFor } from '#contracts/resources.ts';
import {
  ensureResources,
  localClientConfig,
  localS3ClientConfig,
  type S3Sqs,
  startS3Sqs,
} from '#local/s3-sqs.ts';
import type { ServiceContext } from '#services/context.ts';
import { listDlq } from '#services/dlq.ts';
import { redriveExtraction, redriveIngest } from '#services/dlq-redrive.ts';

let server: S3Sqs;
let ctx: ServiceContext;
const documentId = 'a'.repeat(64);

const notification = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-03-01T10:00:00.000Z',
        s3: { bucket: { name: 'documents' }, object: { key, size: 10, eTag: 'abc' } },
      },
    ],
  });

const depth = async (url: string): Promise<number> => {
  const attributes = await ctx.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
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
  const s3 = new S3Client(localS3ClientConfig(server.endpoint));
  const stage = `svcdlq${Date.now().toString(36)}`;
  const { queueUrls, bucket } = await ensureResources({ s3, sqs }, stage);
  ctx = {
    stage,
    bucket,
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:extract',
    tables: tableNamesFor(stage),
    queues: {
      ingest: queueUrls.IngestQueue ?? '',
      ingestDlq: queueUrls.IngestDeadLetterQueue ?? '',
      extractionDlq: queueUrls.ExtractionDeadLetterQueue ?? '',
    },
    clients: {
      s3,
      sqs,
      // Never reached: the only extraction message here is unreadable.
      sfn: new SFNClient(localClientConfig('http://127.0.0.1:9')),
      dynamodb: DynamoDBDocumentClient.from(
        new DynamoDBClient(localClientConfig('http://127.0.0.1:9')),
      ),
    },
  };
});

afterAll(async () => {
  await server?.stop();
});

describe('ingest DLQ', () => {
  it('lists by document id without keys, then redrives everything to the ingest queue', async () => {
    // Prepare
    const key = 'incoming/jane-doe-record.pdf';
    await ctx.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: ctx.queues.ingestDlq, MessageBody: notification(key) }),
    );
    await ctx.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: ctx.queues.ingestDlq,
        MessageBody: JSON.stringify({ Event: 's3:TestEvent' }),
      }),
    );
    // Redrive takes only messages sent before it began.
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const listed = await listDlq(ctx, 'ingest', 10);
    const stillThere = await depth(ctx.queues.ingestDlq);
    const redriven = await redriveIngest(ctx, { max: 10, rate: 100 });

    // Assess
    expect(listed.map((e) => e.reason).sort()).toEqual(['S3_TEST_EVENT', 'STARTER_FAILED']);
    const document = listed.find((e) => e.reason === 'STARTER_FAILED');
    expect(document?.documentId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(listed)).not.toContain('jane-doe');
    expect(stillThere).toBe(2);
    expect(redriven.map((r) => r.outcome)).toEqual(['redriven', 'redriven']);
    expect(await depth(ctx.queues.ingestDlq)).toBe(0);
    expect(await depth(ctx.queues.ingest)).toBe(2);
  });

  it('redrives only the selected messages, beyond the first receive batch, and keeps the rest', async () => {
    // Prepare: 12 messages, more than one receive (10) returns.
    const before = await depth(ctx.queues.ingest);
    const ids: string[] = [];
    for (let n = 0; n < 12; n += 1) {
      const sent = await ctx.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: ctx.queues.ingestDlq,
          MessageBody: notification(`incoming/selected-${n}.pdf`),
        }),
      );
      ids.push(sent.MessageId ?? '');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const wanted = [ids[11] ?? '', ids[3] ?? ''];

    // Act
    const began = Date.now();
    const results = await redriveIngest(ctx, {
      max: 100,
      rate: 10,
      messageIds: [...wanted, 'gone-already'],
    });
    const elapsedMs = Date.now() - began;

    // Assess
    expect(results.map((r) => [r.messageId, r.outcome]).sort()).toEqual(
      [
        [wanted[0], 'redriven'],
        [wanted[1], 'redriven'],
        ['gone-already', 'skipped'],
      ].sort(),
    );
    expect(results.find((r) => r.outcome === 'skipped')?.detail).toBe('not in the queue');
    // Two handled at 10 per second: at least 200 ms.
    expect(elapsedMs).toBeGreaterThanOrEqual(200);
    expect(await depth(ctx.queues.ingest)).toBe(before + 2);
    const left = await listDlq(ctx, 'ingest', 20);
    expect(left).toHaveLength(10);
    expect(left.map((m) => m.messageId)).not.toContain(wanted[0]);
    expect(left.map((m) => m.messageId)).toContain(ids[0]);
  });
});

describe('extraction DLQ', () => {
  it('skips an unreadable message and keeps it in the queue', async () => {
    // Prepare
    await ctx.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: ctx.queues.extractionDlq,
        MessageBody: JSON.stringify({ documentId, note: 'not a DLQ message' }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const listed = await listDlq(ctx, 'extraction', 10);
    const results = await redriveExtraction(ctx, { max: 10, rate: 100 });

    // Assess
    expect(listed).toEqual([
      expect.objectContaining({ documentId: null, error: 'UNREADABLE_MESSAGE' }),
    ]);
    expect(results).toEqual([
      expect.objectContaining({ outcome: 'skipped', detail: 'unreadable message' }),
    ]);
    expect(await depth(ctx.queues.extractionDlq)).toBe(1);
  });
});
