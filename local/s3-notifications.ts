/**
 * S3 event notifications for the local S3: every object created in the
 * documents bucket under `incoming/` (no suffix filter, as on AWS) becomes
 * the exact message S3 sends to an SQS destination, delivered to the ingest
 * queue.
 */
import { randomBytes } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { encodeS3Key } from '#core/extraction/s3-key.ts';
import type { ObjectCreatedEvent, S3Sqs } from './s3-sqs.ts';

const REGION = 'us-east-1';
const PRINCIPAL = 'local';

/** One record of an S3 `ObjectCreated` notification, field for field as S3 writes it. */
export interface S3NotificationRecord {
  readonly eventVersion: '2.1';
  readonly eventSource: 'aws:s3';
  readonly awsRegion: string;
  readonly eventTime: string;
  readonly eventName: `ObjectCreated:${ObjectCreatedEvent['kind']}`;
  readonly userIdentity: { readonly principalId: string };
  readonly requestParameters: { readonly sourceIPAddress: string };
  readonly responseElements: { readonly 'x-amz-request-id': string; readonly 'x-amz-id-2': string };
  readonly s3: {
    readonly s3SchemaVersion: '1.0';
    readonly configurationId: string;
    readonly bucket: {
      readonly name: string;
      readonly ownerIdentity: { readonly principalId: string };
      readonly arn: string;
    };
    readonly object: {
      readonly key: string;
      readonly size: number;
      readonly eTag: string;
      readonly versionId?: string;
      readonly sequencer: string;
    };
  };
}

/** The message S3 sends once when a notification configuration is saved. */
export interface S3TestEvent {
  readonly Service: 'Amazon S3';
  readonly Event: 's3:TestEvent';
  readonly Time: string;
  readonly Bucket: string;
  readonly RequestId: string;
  readonly HostId: string;
}

/**
 * Returns a generator of S3-style sequencers: upper-case hex of equal length,
 * strictly increasing, so ordering events by sequencer string orders them in
 * time even across restarts (millisecond clock in the high bits).
 */
export const createSequencer = (): (() => string) => {
  let last = 0n;
  return () => {
    const fromClock = BigInt(Date.now()) << 20n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
};

/** Builds the record S3 would send for `event` (keys URL-encoded as S3 encodes them). */
export const buildS3NotificationRecord = (
  event: ObjectCreatedEvent,
  sequencer: string,
  configurationId: string,
): S3NotificationRecord => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: REGION,
  eventTime: event.time.toISOString(),
  eventName: `ObjectCreated:${event.kind}`,
  userIdentity: { principalId: PRINCIPAL },
  requestParameters: { sourceIPAddress: event.sourceIp },
  responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.hostId },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId,
    bucket: {
      name: event.bucket,
      ownerIdentity: { principalId: PRINCIPAL },
      arn: `arn:aws:s3:::${event.bucket}`,
    },
    // fauxqs 1.9.2 has no versioning; S3 also omits versionId for unversioned buckets.
    object: { key: encodeS3Key(event.key), size: event.size, eTag: event.eTag, sequencer },
  },
});

const hexId = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

/** Builds the `s3:TestEvent` message for `bucket`. */
export const buildS3TestEvent = (bucket: string, time: Date = new Date()): S3TestEvent => ({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: time.toISOString(),
  Bucket: bucket,
  RequestId: hexId(8),
  HostId: randomBytes(48).toString('base64'),
});

export interface S3NotificationsOptions {
  /**
   * The local S3 whose object creation is observed. When it is the local
   * S3 + SQS itself (`sendMessageInProcess`),
   * messages go through its route in process, as S3 delivers inside AWS
   * with no client of ours signing a request; else through `sqs`.
   */
  readonly source: Pick<S3Sqs, 'onObjectCreated' | 'settled'> &
    Partial<Pick<S3Sqs, 'sendMessageInProcess'>>;
  /** Client for the destination queue (pointed at the local endpoint). */
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly queueUrl: string;
  /** Key prefix filter, case-sensitive; default `incoming/`. */
  readonly prefix?: string;
  /** Key suffix filters (one rule each), case-sensitive; default none, like the AWS intake. */
  readonly suffixes?: readonly string[];
  /** Default `incoming-objects`. */
  readonly configurationId?: string;
  /** Called when a notification cannot be sent (it is then lost, as it would be on AWS). */
  readonly onError?: (error: unknown) => void;
}

export interface S3Notifications {
  /** Notifications sent so far (the test event not counted). */
  readonly sent: () => number;
  /** Resolves when every object created so far has been matched and its notification sent. */
  drain(): Promise<void>;
  /** Stops observing and waits for notifications in flight. */
  stop(): Promise<void>;
}

const defaultOnError = (error: unknown) => {
  process.stderr.write(
    `s3-notifications: send failed: ${error instanceof Error ? error.name : 'Error'}\n`,
  );
};

/**
 * Configures the notification, like `PutBucketNotificationConfiguration`:
 * sends the `s3:TestEvent` to the queue, then one message per matching created
 * object (PutObject, CopyObject, CompleteMultipartUpload).
 */
export const configureS3Notifications = async (
  options: S3NotificationsOptions,
): Promise<S3Notifications> => {
  const prefix = options.prefix ?? BUCKET_PREFIXES.incoming;
  const suffixes = options.suffixes ?? [];
  const configurationId = options.configurationId ?? 'incoming-objects';
  const onError = options.onError ?? defaultOnError;
  const nextSequencer = createSequencer();
  const pending = new Set<Promise<void>>();
  let sent = 0;

  const inProcess = options.source.sendMessageInProcess;
  const send = (body: unknown): Promise<unknown> =>
    inProcess
      ? inProcess(options.queueUrl, JSON.stringify(body))
      : options.sqs.send(
          new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(body) }),
        );

  await send(buildS3TestEvent(options.bucket));

  const unsubscribe = options.source.onObjectCreated(
    (event) => {
      if (event.bucket !== options.bucket) return;
      if (!event.key.startsWith(prefix)) return;
      if (suffixes.length > 0 && !suffixes.some((suffix) => event.key.endsWith(suffix))) return;
      const record = buildS3NotificationRecord(event, nextSequencer(), configurationId);
      const work = send({ Records: [record] }).then(
        () => {
          sent += 1;
        },
        (error: unknown) => onError(error),
      );
      pending.add(work);
      void work.finally(() => pending.delete(work));
      return work;
    },
    { bucket: options.bucket, prefix },
  );

  const drain = async () => {
    await options.source.settled();
    while (pending.size > 0) await Promise.all([...pending]);
  };

  return {
    sent: () => sent,
    drain,
    stop: async () => {
      unsubscribe();
      await drain();
    },
  };
};
