/**
 * S3 and SQS stand-in: fauxqs 1.9.2 served on 127.0.0.1, an "object created"
 * signal taken from its HTTP layer, optional on-disk S3 (a snapshot written on
 * a clean stop plus a write-ahead journal, so an acknowledged upload survives
 * a kill), and creation of the documents bucket and the queues the CDK app
 * defines.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import * as z from 'zod';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { physicalName, QUEUES, type QueueDefinition } from '#contracts/resources.ts';
import { fauxqsStores } from './fauxqs-stores.ts';
import { serveInProcess } from './in-process-http.ts';
import { allowConsoleCors } from './s3-cors.ts';
import { journalWrites, openS3Journal, replayJournal } from './s3-journal.ts';
import { objectId, objectPath, restoreSnapshot, writeSnapshot } from './s3-snapshot.ts';

/** Account id fauxqs uses in every ARN and queue URL. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/**
 * SDK client settings for a local endpoint: fixed region, dummy credentials.
 * S3 clients also take {@link localS3ClientConfig}.
 */
export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * S3 client settings for a local endpoint: path-style addressing, because
 * `<bucket>.127.0.0.1` is not a host name.
 */
export const localS3ClientConfig = (endpoint: string) => ({
  ...localClientConfig(endpoint),
  ...REUSED_MIDDLEWARE,
  forcePathStyle: true,
});

/** How an object came to exist; names match the S3 `ObjectCreated:*` event names. */
export type ObjectCreatedKind = 'Put' | 'Copy' | 'CompleteMultipartUpload';

/** One object written to the local S3, as S3 describes it in an event notification. */
export interface ObjectCreatedEvent {
  readonly kind: ObjectCreatedKind;
  readonly bucket: string;
  /** The key as stored (decoded), not URL-encoded. */
  readonly key: string;
  readonly size: number;
  /** Hex ETag without the surrounding quotes, as in S3 event notifications. */
  readonly eTag: string;
  readonly time: Date;
  readonly requestId: string;
  readonly hostId: string;
  readonly sourceIp: string;
}

/** Receives object-created events; a returned promise is awaited by `stop()`. */
export type ObjectCreatedListener = (event: ObjectCreatedEvent) => void | Promise<void>;

/** Which objects a listener wants; an object no listener wants is not looked up at all. */
export interface ObjectCreatedFilter {
  readonly bucket?: string;
  readonly prefix?: string;
}

export interface S3SqsOptions {
  /** Fixed port; default: a free port chosen by the OS. */
  readonly port?: number;
  /**
   * Folder for on-disk S3: at start the snapshot (`s3/`, written on `stop()`)
   * is restored and the journal (`s3-journal/`, every object write and
   * delete, fsynced before it is handled) replayed on top, so uploads
   * acknowledged before a crash are kept. Queues and messages are not kept
   * (fauxqs 1.9.2 keeps them in memory only).
   */
  readonly dataDir?: string;
}

export interface S3Sqs {
  /** `http://127.0.0.1:<port>`, for S3 and SQS clients alike. */
  readonly endpoint: string;
  readonly port: number;
  /** Objects restored from the snapshot at start. */
  readonly restoredObjects: number;
  /** Journaled writes replayed at start (those acknowledged after the last snapshot). */
  readonly replayedWrites: number;
  /** Subscribes to object creation (PutObject, CopyObject, CompleteMultipartUpload). */
  onObjectCreated(listener: ObjectCreatedListener, filter?: ObjectCreatedFilter): () => void;
  /**
   * Sends one SQS message through fauxqs's own route in process (no socket,
   * no signing): how AWS services deliver to SQS inside AWS, where no client
   * of ours signs a request. Resolves with the message id.
   */
  sendMessageInProcess(queueUrl: string, body: string): Promise<string>;
  /** Resolves when every object-created observation and listener call so far has finished. */
  settled(): Promise<void>;
  /** Waits for listener work, writes the snapshot (with `dataDir`), closes the server. */
  stop(): Promise<void>;
}

const s3ParamsSchema = z.object({ bucket: z.string(), '*': z.string().optional() });
const queryWithUploadId = z.object({ uploadId: z.string().min(1) }).loose();
const sentMessageSchema = z.object({ MessageId: z.string().min(1) }).loose();
const queryWithPart = z.object({ partNumber: z.string().min(1) }).loose();

/** The parts of a Fastify request that identify an S3 action. */
interface RequestView {
  readonly method: string;
  readonly routeOptions: { readonly url?: string | undefined };
  readonly query: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Which `ObjectCreated` action a finished request performed, if any. */
const createdKind = (request: RequestView, statusCode: number): ObjectCreatedKind | undefined => {
  if (statusCode !== 200 || request.routeOptions.url !== '/:bucket/*') return undefined;
  const hasUploadId = queryWithUploadId.safeParse(request.query).success;
  if (request.method === 'PUT') {
    if (hasUploadId && queryWithPart.safeParse(request.query).success) return undefined;
    return request.headers['x-amz-copy-source'] ? 'Copy' : 'Put';
  }
  if (request.method === 'POST' && hasUploadId) return 'CompleteMultipartUpload';
  return undefined;
};

const headerText = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Starts fauxqs (S3 + SQS on one endpoint) on 127.0.0.1. fauxqs's own
 * `startFauxqs` binds 0.0.0.0, so the app is built and bound here.
 *
 * Object creation is observed with a Fastify `onResponse` hook: after a
 * successful PutObject, CopyObject or CompleteMultipartUpload, an in-process
 * HEAD (`app.inject`, no socket) reads the stored size and ETag.
 */
export const startS3Sqs = async (options: S3SqsOptions = {}): Promise<S3Sqs> => {
  const fauxqs = await fauxqsStores();
  const app = buildApp({ logger: false, ...(fauxqs ? { stores: fauxqs.stores } : {}) });
  allowConsoleCors(app);
  const listeners = new Map<ObjectCreatedListener, ObjectCreatedFilter>();
  const wanted = (bucket: string, key: string) =>
    [...listeners].filter(
      ([, filter]) =>
        (filter.bucket === undefined || filter.bucket === bucket) &&
        (filter.prefix === undefined || key.startsWith(filter.prefix)),
    );
  const pending = new Set<Promise<void>>();

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const observe = async (
    request: RequestView & { readonly params: unknown; readonly ip: string },
    reply: { readonly statusCode: number; getHeader(name: string): unknown },
  ) => {
    const kind = createdKind(request, reply.statusCode);
    if (!kind || listeners.size === 0) return;
    const params = s3ParamsSchema.parse(request.params);
    const key = params['*'];
    if (!key) return;
    const receivers = wanted(params.bucket, key);
    if (receivers.length === 0) return;
    const head = await app.inject({ method: 'HEAD', url: objectPath(params.bucket, key) });
    if (head.statusCode !== 200) return;
    const event: ObjectCreatedEvent = {
      kind,
      bucket: params.bucket,
      key,
      size: Number(head.headers['content-length'] ?? 0),
      eTag: headerText(head.headers.etag).replaceAll('"', ''),
      time: new Date(),
      requestId:
        headerText(reply.getHeader('x-amz-request-id')) ||
        randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
      hostId: headerText(reply.getHeader('x-amz-id-2')) || 'local',
      sourceIp: request.ip,
    };
    for (const [listener] of receivers) {
      // Listener work (an SQS send) runs after the response, as S3 delivers
      // notifications asynchronously; stop() waits for it.
      track(
        Promise.resolve()
          .then(() => listener(event))
          .catch((error: unknown) => {
            process.stderr.write(
              `s3-sqs: object-created listener failed: ${error instanceof Error ? error.name : 'Error'}\n`,
            );
          }),
      );
    }
  };

  // onResponse, not onSend: fauxqs's async handlers call reply.send() and
  // resolve undefined, so an onSend hook that awaits makes Fastify send twice.
  /** Objects written (put, copied, assembled, replayed) since the snapshot was restored. */
  const written = new Set<string>();
  app.addHook('onResponse', (request, reply, done) => {
    const params = s3ParamsSchema.safeParse(request.params);
    const key = params.success ? params.data['*'] : undefined;
    if (params.success && key && request.method !== 'GET' && request.method !== 'HEAD') {
      written.add(objectId(params.data.bucket, key));
    }
    track(
      observe(request, reply).catch((error: unknown) => {
        process.stderr.write(
          `s3-sqs: object-created observation failed: ${error instanceof Error ? error.name : 'Error'}\n`,
        );
      }),
    );
    done();
  });

  const journal = options.dataDir
    ? openS3Journal(join(resolve(options.dataDir), 's3-journal'))
    : undefined;
  if (journal) journalWrites(app, journal);

  const endpoint = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const port = Number(new URL(endpoint).port);
  // This process's SDK clients reach fauxqs through its own routes without a
  // socket (the same hooks run: journal, notifications); other processes over TCP.
  const unserve = serveInProcess(endpoint, (request, signal) =>
    app.inject({
      signal,
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      ...(request.payload ? { payload: request.payload } : {}),
      remoteAddress: '127.0.0.1',
      validate: false,
    }),
  );
  const snapshotFolder = options.dataDir ? join(resolve(options.dataDir), 's3') : undefined;
  let restoredObjects = 0;
  let replayedWrites = 0;
  try {
    if (snapshotFolder) restoredObjects = await restoreSnapshot(app, fauxqs?.s3, snapshotFolder);
    // What the snapshot holds is unchanged; the journal's writes are not.
    written.clear();
    if (journal) replayedWrites = await replayJournal(app, journal);
  } catch (error) {
    unserve();
    await app.close();
    throw error;
  }

  const settled = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    restoredObjects,
    replayedWrites,
    onObjectCreated: (listener, filter = {}) => {
      listeners.set(listener, filter);
      return () => listeners.delete(listener);
    },
    sendMessageInProcess: async (queueUrl, body) => {
      const response = await app.inject({
        method: 'POST',
        url: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.SendMessage',
        },
        payload: JSON.stringify({ QueueUrl: queueUrl, MessageBody: body }),
      });
      const sent = sentMessageSchema.safeParse(response.json());
      if (response.statusCode !== 200 || !sent.success) {
        throw new Error(`SQS_SEND_FAILED: status ${response.statusCode}`);
      }
      return sent.data.MessageId;
    },
    settled,
    stop: () => {
      stopping ??= (async () => {
        await settled();
        listeners.clear();
        try {
          if (snapshotFolder) {
            await writeSnapshot(endpoint, snapshotFolder, written);
            // The snapshot now holds everything the journal did.
            await journal?.clear();
          }
        } finally {
          unserve();
          await app.close();
        }
      })();
      return stopping;
    },
  };
};

/** Queue attributes for one definition (the redrive policy needs the DLQ's ARN). */
const queueAttributes = (
  definition: QueueDefinition,
  deadLetterArn: string | undefined,
): Partial<Record<QueueAttributeName, string>> => ({
  VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
  MessageRetentionPeriod: String(definition.retentionSeconds),
  ...(definition.deadLetter && deadLetterArn
    ? {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterArn,
          maxReceiveCount: definition.deadLetter.maxReceiveCount,
        }),
      }
    : {}),
});

export interface LocalResources {
  /** Physical name of the documents bucket. */
  readonly bucket: string;
  /**
   * Queue URLs keyed by logical id. fauxqs URLs use the host
   * `sqs.us-east-1.localhost`, which need not resolve: SDK clients must be
   * given the endpoint, and nothing may send HTTP requests to the URL itself.
   */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Queue ARNs keyed by logical id. */
  readonly queueArns: Readonly<Record<string, string>>;
}

/**
 * Creates the documents bucket and every queue in `QUEUES` for `stage`
 * (dead-letter queues first, so redrive policies can name their ARN).
 * Safe to repeat: CreateBucket and CreateQueue with unchanged attributes are
 * no-ops.
 */
export const ensureResources = async (
  clients: { readonly s3: S3Client; readonly sqs: SQSClient },
  stage: string,
): Promise<LocalResources> => {
  const bucket = physicalName(stage, 'documents');
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const queueUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  const ordered = [...QUEUES].sort(
    (a, b) => Number(Boolean(a.deadLetter)) - Number(Boolean(b.deadLetter)),
  );
  for (const definition of ordered) {
    const deadLetterArn = definition.deadLetter
      ? queueArns[definition.deadLetter.queue.logicalId]
      : undefined;
    if (definition.deadLetter && !deadLetterArn) {
      throw new Error(`QUEUE_ORDER: dead-letter queue of ${definition.logicalId} is not defined`);
    }
    const created = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: physicalName(stage, definition.suffix),
        Attributes: queueAttributes(definition, deadLetterArn),
      }),
    );
    const url = created.QueueUrl;
    if (!url) throw new Error(`QUEUE_URL_MISSING: ${definition.logicalId}`);
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = attributes.Attributes?.QueueArn;
    if (!arn) throw new Error(`QUEUE_ARN_MISSING: ${definition.logicalId}`);
    queueUrls[definition.logicalId] = url;
    queueArns[definition.logicalId] = arn;
  }
  return { bucket, queueUrls, queueArns };
};
