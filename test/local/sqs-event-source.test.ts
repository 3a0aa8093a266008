/**
 * The SQS -> Lambda event source against fauxqs: event shape, deletion of
 * successes, partial batch failures reaching the DLQ after maxReceiveCount,
 * whole-batch failures, and Lambda's rules for batch responses.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, type S3Sqs, startS3Sqs } from '#local/s3-sqs.ts';
import { interpretBatchResponse, startSqsEventSource } from '#local/sqs-event-source.ts';

interface TestQueue {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
}

describe('SQS event source', () => {
  let server: S3Sqs;
  let sqs: SQSClient;

  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn ?? '';

  /** A queue with a 1 s visibility timeout and a DLQ after 2 receives. */
  const createQueue = async (): Promise<TestQueue> => {
    const name = `es-${randomBytes(4).toString('hex')}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqUrl = dlq.QueueUrl ?? '';
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: await arnOf(dlqUrl),
            maxReceiveCount: 2,
          }),
        },
      }),
    );
    const url = queue.QueueUrl ?? '';
    return { url, arn: await arnOf(url), dlqUrl };
  };

  const depth = async (url: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? -1) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? -1)
    );
  };

  const send = (url: string, body: string) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      }),
    );

  beforeAll(async () => {
    server = await startS3Sqs();
    sqs = new SQSClient(localClientConfig(server.endpoint));
  });

  afterAll(async () => {
    sqs?.destroy();
    await server?.stop();
  });

  it('delivers Lambda-shaped records and deletes the messages of a successful batch', async () => {
    // Prepare
    const queue = await createQueue();
    const sent = await send(queue.url, 'hello');
    const events: SQSEvent[] = [];
    const functionNames: string[] = [];
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionName: 'starter',
      handler: async (event, context) => {
        events.push(event);
        functionNames.push(context.functionName);
      },
    });

    // Act
    await source.idle();
    await source.stop();

    // Assess
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body: 'hello',
      md5OfBody: createHash('md5').update('hello').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      messageAttributes: {
        kind: {
          stringValue: 'test',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
      },
    });
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.attributes.SenderId).toMatch(/.+/);
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    expect(record?.receiptHandle).toMatch(/.+/);
    expect(functionNames).toEqual(['starter']);
    expect(await depth(queue.url)).toBe(0);
  });

  it('handles up to maximumConcurrency batches at once and is idle only when all are done', async () => {
    // Prepare: each batch holds its handler until three batches run side by side.
    const queue = await createQueue();
    for (let i = 0; i < 3; i += 1) await send(queue.url, `m${i}`);
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const handled: string[] = [];
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 1,
      maximumConcurrency: 3,
      handler: async (event) => {
        running += 1;
        peak = Math.max(peak, running);
        if (running === 3) for (const go of release.splice(0)) go();
        else await new Promise<void>((resolve) => release.push(resolve));
        handled.push(...event.Records.map((r) => r.body));
        running -= 1;
      },
    });

    // Act
    await source.idle();
    const handledAtIdle = handled.length;
    await source.stop();

    // Assess
    expect(peak).toBe(3);
    expect(handledAtIdle).toBe(3);
    expect(await depth(queue.url)).toBe(0);
    expect(() =>
      startSqsEventSource({
        sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        maximumConcurrency: 0,
        handler: async () => undefined,
      }),
    ).toThrow(RangeError);
  });

  it('keeps only the failed item, which reaches the DLQ after maxReceiveCount', async () => {
    // Prepare
    const queue = await createQueue();
    await send(queue.url, 'ok-1');
    await send(queue.url, 'fail');
    await send(queue.url, 'ok-2');
    const seen: string[] = [];
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      maximumBatchingWindowMs: 200,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });

    // Act
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 10 }),
    );
    await source.stop();

    // Assess
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['fail']);
    expect(seen.sort()).toEqual(['fail#1', 'fail#2', 'ok-1#1', 'ok-2#1']);
    expect(await depth(queue.url)).toBe(0);
  });

  it('fails the whole batch when the handler throws, then deletes on a later success', async () => {
    // Prepare
    const queue = await createQueue();
    await send(queue.url, 'retry-me');
    const counts: string[] = [];
    const errors: unknown[] = [];
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      onError: (error) => errors.push(error),
      handler: async (event) => {
        const count = event.Records[0]?.attributes.ApproximateReceiveCount ?? '';
        counts.push(count);
        if (count === '1') throw new Error('transient');
      },
    });

    // Act
    while (counts.length < 2) await source.idle();
    await source.idle();
    await source.stop();

    // Assess
    expect(counts).toEqual(['1', '2']);
    expect(errors.map((e) => (e instanceof Error ? e.message : ''))).toEqual(['transient']);
    expect(await depth(queue.url)).toBe(0);
    expect(await depth(queue.dlqUrl)).toBe(0);
  });

  it('fails the whole batch on an empty itemIdentifier', async () => {
    // Prepare
    const queue = await createQueue();
    await send(queue.url, 'a');
    await send(queue.url, 'b');
    const seen: string[] = [];
    let calls = 0;
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      maximumBatchingWindowMs: 200,
      onError: () => undefined,
      handler: async (event) => {
        calls += 1;
        seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        return calls === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : undefined;
      },
    });

    // Act
    while (seen.length < 4) await source.idle();
    await source.stop();

    // Assess
    expect(seen.sort()).toEqual(['a#1', 'a#2', 'b#1', 'b#2']);
    expect(await depth(queue.url)).toBe(0);
  });

  it('stops promptly while a long poll is waiting', async () => {
    // Prepare
    const queue = await createQueue();
    let calls = 0;
    const source = startSqsEventSource({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      waitTimeSeconds: 20,
      handler: async () => {
        calls += 1;
      },
    });

    // Act
    await source.stop();
    await send(queue.url, 'after-stop');

    // Assess
    expect(calls).toBe(0);
    expect(await depth(queue.url)).toBe(1);
  });
});

describe('batch response rules', () => {
  const ids = ['m1', 'm2'];

  it('treats no response, null and an empty list as full success', () => {
    expect(interpretBatchResponse(undefined, ids, true)).toEqual({
      kind: 'success',
      failedIds: [],
    });
    expect(interpretBatchResponse(null, ids, true)).toEqual({ kind: 'success', failedIds: [] });
    expect(interpretBatchResponse({ batchItemFailures: [] }, ids, true)).toEqual({
      kind: 'success',
      failedIds: [],
    });
  });

  it('lists the failed ids once each', () => {
    const response = { batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm2' }] };
    expect(interpretBatchResponse(response, ids, true)).toEqual({
      kind: 'success',
      failedIds: ['m2'],
    });
  });

  it('fails the batch for an empty, null or unknown itemIdentifier or a malformed response', () => {
    const failure = { kind: 'failure', reason: 'INVALID_RESPONSE' };
    expect(
      interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: '' }] }, ids, true),
    ).toEqual(failure);
    expect(
      interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: null }] }, ids, true),
    ).toEqual(failure);
    expect(
      interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm9' }] }, ids, true),
    ).toEqual(failure);
    expect(interpretBatchResponse({ batchItemFailures: [{ id: 'm1' }] }, ids, true)).toEqual(
      failure,
    );
    expect(interpretBatchResponse('oops', ids, true)).toEqual(failure);
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    expect(
      interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm1' }] }, ids, false),
    ).toEqual({
      kind: 'success',
      failedIds: [],
    });
  });
});
