/**
 * The local S3 + SQS's in-process paths: object-created listeners with a
 * bucket and prefix filter (an object nobody wants is not looked up), and an
 * SQS message sent through fauxqs's own route that SDK clients then receive.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localClientConfig,
  localS3ClientConfig,
  type ObjectCreatedEvent,
  type S3Sqs,
  startS3Sqs,
} from '#local/s3-sqs.ts';

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

describe('fauxqs in process', () => {
  let server: S3Sqs;
  let s3: S3Client;
  let sqs: SQSClient;

  beforeAll(async () => {
    server = await startS3Sqs();
    s3 = new S3Client(localS3ClientConfig(server.endpoint));
    sqs = new SQSClient(localClientConfig(server.endpoint));
  });

  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    await server?.stop();
  });

  it('signals only the objects a listener filters for', async () => {
    // Prepare
    const bucket = unique('flt');
    const other = unique('oth');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    const filtered: ObjectCreatedEvent[] = [];
    const all: ObjectCreatedEvent[] = [];
    const offFiltered = server.onObjectCreated((event) => void filtered.push(event), {
      bucket,
      prefix: 'incoming/',
    });
    const offAll = server.onObjectCreated((event) => void all.push(event));

    // Act
    for (const [b, key] of [
      [bucket, 'incoming/a.pdf'],
      [bucket, 'work/a.json'],
      [other, 'incoming/b.pdf'],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: 'x' }));
    }
    await server.settled();
    offFiltered();
    offAll();

    // Assess
    expect(filtered.map((e) => [e.bucket, e.key])).toEqual([[bucket, 'incoming/a.pdf']]);
    expect(all.map((e) => e.key)).toEqual(['incoming/a.pdf', 'work/a.json', 'incoming/b.pdf']);
  });

  it('sends a message in process that an SDK client receives unchanged', async () => {
    // Prepare
    const created = await sqs.send(new CreateQueueCommand({ QueueName: unique('q') }));
    const queueUrl = created.QueueUrl ?? '';
    const body = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put' }] });

    // Act
    const messageId = await server.sendMessageInProcess(queueUrl, body);
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );

    // Assess
    expect(received.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[messageId, body]]);
  });

  it('rejects a send to a queue that does not exist', async () => {
    // Act / Assess
    await expect(
      server.sendMessageInProcess(`${server.endpoint}/000000000000/${unique('none')}`, 'x'),
    ).rejects.toThrow(/SQS_SEND_FAILED/);
  });
});
