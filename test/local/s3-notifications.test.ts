/**
 * S3 event notifications from the local S3 to the ingest queue: the test
 * event, the exact record shape, S3's key encoding, and the prefix
 * filter.
 */
import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decodeS3Key } from '#core/extraction/s3-key.ts';
import {
  configureS3Notifications,
  createSequencer,
  type S3Notifications,
} from '#local/s3-notifications.ts';
import {
  ensureResources,
  type LocalResources,
  localClientConfig,
  localS3ClientConfig,
  type S3Sqs,
  startS3Sqs,
} from '#local/s3-sqs.ts';

const recordSchema = z.object({
  eventVersion: z.literal('2.1'),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.literal('us-east-1'),
  eventTime: z.iso.datetime(),
  eventName: z.string(),
  userIdentity: z.object({ principalId: z.string() }),
  requestParameters: z.object({ sourceIPAddress: z.string() }),
  responseElements: z.object({ 'x-amz-request-id': z.string(), 'x-amz-id-2': z.string() }),
  s3: z.object({
    s3SchemaVersion: z.literal('1.0'),
    configurationId: z.string(),
    bucket: z.object({
      name: z.string(),
      ownerIdentity: z.object({ principalId: z.string() }),
      arn: z.string(),
    }),
    object: z.object({
      key: z.string(),
      size: z.number(),
      eTag: z.string(),
      sequencer: z.string(),
    }),
  }),
});
const notificationSchema = z.object({ Records: z.array(recordSchema).length(1) });

describe('S3 event notifications', () => {
  let server: S3Sqs;
  let s3: S3Client;
  let sqs: SQSClient;
  let resources: LocalResources;
  let notifications: S3Notifications;
  let queueUrl: string;

  /** Every message currently on the ingest queue (deleting nothing: tests use fresh keys). */
  const receiveAll = async (): Promise<Message[]> => {
    const out: Message[] = [];
    for (;;) {
      const batch = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
        }),
      );
      if (!batch.Messages?.length) return out;
      out.push(...batch.Messages);
    }
  };

  beforeAll(async () => {
    server = await startS3Sqs();
    s3 = new S3Client(localS3ClientConfig(server.endpoint));
    sqs = new SQSClient(localClientConfig(server.endpoint));
    resources = await ensureResources({ s3, sqs }, `n${randomBytes(4).toString('hex')}`);
    queueUrl = resources.queueUrls.IngestQueue ?? '';
    notifications = await configureS3Notifications({
      source: server,
      sqs,
      bucket: resources.bucket,
      queueUrl,
    });
  });

  afterAll(async () => {
    await notifications?.stop();
    s3?.destroy();
    sqs?.destroy();
    await server?.stop();
  });

  it('sends the s3:TestEvent once when configured', async () => {
    // Act
    const messages = await receiveAll();

    // Assess
    expect(messages).toHaveLength(1);
    const body: unknown = JSON.parse(messages[0]?.Body ?? '{}');
    expect(body).toMatchObject({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Bucket: resources.bucket,
    });
    expect(
      z
        .object({ Time: z.iso.datetime(), RequestId: z.string().min(1), HostId: z.string().min(1) })
        .safeParse(body).success,
    ).toBe(true);
  });

  it('sends exactly one S3-shaped message for an incoming/ object, with the key encoded as S3 does', async () => {
    // Prepare
    const key = 'incoming/a b+c%é.pdf';
    const ignored = ['work/x.pdf', 'other/incoming/y.pdf', 'Incoming/z.pdf'];

    // Act
    const put = await s3.send(
      new PutObjectCommand({ Bucket: resources.bucket, Key: key, Body: '%PDF-1.7 test' }),
    );
    for (const other of ignored) {
      await s3.send(new PutObjectCommand({ Bucket: resources.bucket, Key: other, Body: 'x' }));
    }
    await notifications.drain();
    const messages = await receiveAll();

    // Assess
    expect(messages).toHaveLength(1);
    const [record] = notificationSchema.parse(JSON.parse(messages[0]?.Body ?? '{}')).Records;
    expect(record?.eventName).toBe('ObjectCreated:Put');
    expect(record?.s3.object.key).toBe('incoming/a+b%2Bc%25%C3%A9.pdf');
    expect(decodeS3Key(record?.s3.object.key ?? '')).toBe(key);
    expect(record?.s3.object.size).toBe(13);
    expect(record?.s3.object.eTag).toBe(put.ETag?.replaceAll('"', ''));
    expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    expect(record?.s3.bucket).toEqual({
      name: resources.bucket,
      ownerIdentity: { principalId: 'local' },
      arn: `arn:aws:s3:::${resources.bucket}`,
    });
    expect(record?.s3.configurationId).toBe('incoming-objects');
    expect(record?.userIdentity).toEqual({ principalId: 'local' });
    expect(record?.requestParameters).toEqual({ sourceIPAddress: '127.0.0.1' });
    expect(record?.responseElements['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(record?.s3).not.toHaveProperty('object.versionId');
  });

  it('notifies every object under incoming/ whatever its suffix: odd keys are classified later, not dropped', async () => {
    // Prepare
    const keys = [
      'incoming/Report.Pdf',
      'incoming/notes.docx',
      'incoming/folder/',
      'incoming/no-extension',
    ];

    // Act
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: resources.bucket, Key: key, Body: 'x' }));
    }
    await notifications.drain();
    const messages = await receiveAll();

    // Assess
    const notified = messages.map((m) =>
      decodeS3Key(
        notificationSchema.parse(JSON.parse(m.Body ?? '{}')).Records[0]?.s3.object.key ?? '',
      ),
    );
    expect(notified.sort()).toEqual([...keys].sort());
  });

  it('notifies CopyObject and CompleteMultipartUpload with their event names and rising sequencers', async () => {
    // Prepare
    const source = `work/${randomBytes(3).toString('hex')}.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: resources.bucket, Key: source, Body: 'copied' }));

    // Act
    await s3.send(
      new CopyObjectCommand({
        Bucket: resources.bucket,
        Key: 'incoming/copied.pdf',
        CopySource: `${resources.bucket}/${source}`,
      }),
    );
    const upload = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: resources.bucket, Key: 'incoming/parts.pdf' }),
    );
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: resources.bucket,
        Key: 'incoming/parts.pdf',
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: 'one part',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: resources.bucket,
        Key: 'incoming/parts.pdf',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    await notifications.drain();
    const records = (await receiveAll())
      .map((m) => notificationSchema.parse(JSON.parse(m.Body ?? '{}')).Records[0])
      .sort((a, b) => String(a?.s3.object.sequencer).localeCompare(String(b?.s3.object.sequencer)));

    // Assess
    expect(records.map((r) => [r?.eventName, r?.s3.object.key, r?.s3.object.size])).toEqual([
      ['ObjectCreated:Copy', 'incoming/copied.pdf', 6],
      ['ObjectCreated:CompleteMultipartUpload', 'incoming/parts.pdf', 8],
    ]);
    expect(records[1]?.s3.object.eTag).toMatch(/^[0-9a-f]{32}-1$/);
  });
});

describe('sequencer', () => {
  it('yields strictly increasing equal-length upper-case hex strings', () => {
    // Prepare
    const next = createSequencer();

    // Act
    const values = Array.from({ length: 1000 }, () => next());

    // Assess
    expect(new Set(values.map((v) => v.length))).toEqual(new Set([18]));
    expect(values.every((v) => /^[0-9A-F]+$/.test(v))).toBe(true);
    expect(values.every((v, i) => i === 0 || v > (values[i - 1] ?? ''))).toBe(true);
  });
});
