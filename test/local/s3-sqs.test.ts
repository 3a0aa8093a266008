/**
 * fauxqs as S3 + SQS against the real SDK clients: bucket and queues as the
 * CDK app defines them, byte-exact streamed objects, conditional GET, the
 * object-created signal (with a listener's bucket and prefix filter), an SQS
 * message sent through fauxqs's own route, and the on-disk S3 snapshot.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { physicalName } from '#contracts/resources.ts';
import {
  ensureResources,
  localClientConfig,
  localS3ClientConfig,
  type ObjectCreatedEvent,
  type S3Sqs,
  startS3Sqs,
} from '#local/s3-sqs.ts';

const uniqueStage = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('fauxqs S3 + SQS', () => {
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

  it('builds client settings with a fixed region, dummy credentials and path-style S3', () => {
    expect(localClientConfig('http://127.0.0.1:1')).toEqual({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(localS3ClientConfig('http://127.0.0.1:1').forcePathStyle).toBe(true);
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('creates the documents bucket and the queues with their settings and redrive policy', async () => {
    // Prepare
    const stage = uniqueStage('q');

    // Act
    const resources = await ensureResources({ s3, sqs }, stage);
    const again = await ensureResources({ s3, sqs }, stage);
    const ingestUrl = resources.queueUrls.IngestQueue;
    const ingest = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: ingestUrl, AttributeNames: ['All'] }),
    );
    const bucket = await s3.send(new HeadBucketCommand({ Bucket: resources.bucket }));

    // Assess
    expect(resources.bucket).toBe(physicalName(stage, 'documents'));
    expect(bucket.$metadata.httpStatusCode).toBe(200);
    expect(Object.keys(resources.queueUrls).sort()).toEqual([
      'ExtractionDeadLetterQueue',
      'IngestDeadLetterQueue',
      'IngestQueue',
    ]);
    expect(again.queueUrls).toEqual(resources.queueUrls);
    expect(resources.queueArns.IngestQueue).toBe(
      `arn:aws:sqs:us-east-1:000000000000:${physicalName(stage, 'ingest')}`,
    );
    expect(ingest.Attributes?.VisibilityTimeout).toBe('180');
    expect(ingest.Attributes?.MessageRetentionPeriod).toBe(String(4 * 86_400));
    expect(JSON.parse(ingest.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: resources.queueArns.IngestDeadLetterQueue,
      maxReceiveCount: 5,
    });
  });

  it('serves queues through the client endpoint although the queue URL host does not resolve', async () => {
    // Prepare
    const { queueUrls } = await ensureResources({ s3, sqs }, uniqueStage('u'));
    const url = queueUrls.ExtractionDeadLetterQueue ?? '';

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ping' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
    );

    // Assess
    expect(new URL(url).hostname).toBe('sqs.us-east-1.localhost');
    expect(received.Messages?.map((m) => m.Body)).toEqual(['ping']);
  });

  it('round-trips a 1 MB stream body byte for byte with default checksum settings', async () => {
    // Prepare
    const bucket = uniqueStage('stream');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const bytes = randomBytes(1024 * 1024);
    const chunks = Array.from({ length: 16 }, (_, i) =>
      bytes.subarray(i * 65_536, (i + 1) * 65_536),
    );

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'big.bin',
        Body: Readable.from(chunks),
        ContentLength: bytes.length,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    const back = await got.Body?.transformToByteArray();

    // Assess
    expect(back?.length).toBe(bytes.length);
    expect(sha256(back ?? new Uint8Array())).toBe(sha256(bytes));
  });

  it('honours IfMatch on GetObject (412 on a stale ETag)', async () => {
    // Prepare
    const bucket = uniqueStage('cond');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v1' }));

    // Act
    const matching = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: put.ETag }),
    );
    const stale = await s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: '"0000"' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    // Assess
    expect(await matching.Body?.transformToString()).toBe('v1');
    expect(stale).toBeInstanceOf(S3ServiceException);
    expect(stale instanceof S3ServiceException ? stale.$metadata.httpStatusCode : 0).toBe(412);
  });

  it('signals PutObject, CopyObject and CompleteMultipartUpload with size and ETag', async () => {
    // Prepare
    const bucket = uniqueStage('evt');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const events: ObjectCreatedEvent[] = [];
    const unsubscribe = server.onObjectCreated((event) => {
      if (event.bucket === bucket) events.push(event);
    });

    // Act
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'dir/a b.pdf', Body: 'hello' }),
    );
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'dir/copy.pdf',
        CopySource: `${bucket}/${encodeURIComponent('dir/a b.pdf')}`,
      }),
    );
    const upload = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp.pdf' }),
    );
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'mp.pdf',
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: 'multipart-body',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp.pdf',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'mp.pdf' }));
    await server.settled();
    unsubscribe();

    // Assess
    expect(events.map((e) => [e.kind, e.key, e.size])).toEqual([
      ['Put', 'dir/a b.pdf', 5],
      ['Copy', 'dir/copy.pdf', 5],
      ['CompleteMultipartUpload', 'mp.pdf', 14],
    ]);
    expect(events[0]?.eTag).toBe(put.ETag?.replaceAll('"', ''));
    expect(events[0]?.sourceIp).toBe('127.0.0.1');
    expect(events[0]?.requestId).toMatch(/^[0-9A-F]{16}$/);
  });

  describe('in process', () => {
    it('signals only the objects a listener filters for', async () => {
      // Prepare
      const bucket = uniqueStage('flt');
      const other = uniqueStage('oth');
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
      const created = await sqs.send(new CreateQueueCommand({ QueueName: uniqueStage('q') }));
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
        server.sendMessageInProcess(`${server.endpoint}/000000000000/${uniqueStage('none')}`, 'x'),
      ).rejects.toThrow(/SQS_SEND_FAILED/);
    });
  });
});

describe('fauxqs S3 snapshot', () => {
  it('restores buckets, objects, content type and metadata from dataDir after a restart', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'medextract-s3-'));
    const body = randomBytes(4096);
    const first = await startS3Sqs({ dataDir });
    const firstS3 = new S3Client(localS3ClientConfig(first.endpoint));
    await firstS3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await firstS3.send(
      new PutObjectCommand({
        Bucket: 'kept',
        Key: 'results/ü x.json',
        Body: body,
        ContentType: 'application/json',
        Metadata: { documentid: 'doc-1' },
      }),
    );
    firstS3.destroy();
    await first.stop();

    // Act
    const second = await startS3Sqs({ dataDir });
    const secondS3 = new S3Client(localS3ClientConfig(second.endpoint));
    const got = await secondS3.send(
      new GetObjectCommand({ Bucket: 'kept', Key: 'results/ü x.json' }),
    );
    const bytes = await got.Body?.transformToByteArray();
    secondS3.destroy();
    await second.stop();
    rmSync(dataDir, { recursive: true, force: true });

    // Assess
    expect(second.restoredObjects).toBe(1);
    expect(sha256(bytes ?? new Uint8Array())).toBe(sha256(body));
    expect(got.ContentType).toBe('application/json');
    expect(got.Metadata).toEqual({ documentid: 'doc-1' });
  });
});
