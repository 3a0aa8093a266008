/**
 * The local S3's on-disk snapshot: written on a clean stop (objects no
 * request wrote since the last snapshot keep their files) and restored at
 * start straight into fauxqs's store, or through its routes in process.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { buildApp } from 'fauxqs';
import * as z from 'zod';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import type { RestorableS3Store } from './fauxqs-stores.ts';
import { REPLAY_HEADER } from './s3-journal.ts';

type FauxqsApp = ReturnType<typeof buildApp>;

const snapshotSchema = z.object({
  version: z.literal(1),
  buckets: z.array(z.string()),
  objects: z.array(
    z.object({
      bucket: z.string(),
      key: z.string(),
      file: z.string(),
      contentType: z.string().optional(),
      metadata: z.record(z.string(), z.string()),
    }),
  ),
});
type Snapshot = z.infer<typeof snapshotSchema>;

/** Path of a stored object in fauxqs's path-style routes, each key segment encoded. */
export const objectPath = (bucket: string, key: string): string =>
  `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

const snapshotFile = (bucket: string, key: string): string =>
  createHash('sha256').update(bucket).update('\0').update(key).digest('hex');

const readSnapshot = (folder: string): Snapshot | undefined => {
  const manifest = join(folder, 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  return snapshotSchema.parse(JSON.parse(readFileSync(manifest, 'utf8')));
};

/** Client for snapshot work; its requests carry the replay header, so restoring is not journaled again. */
const snapshotClient = (endpoint: string) => {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...REUSED_MIDDLEWARE,
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const { request } = args;
      if (typeof request === 'object' && request !== null && 'headers' in request) {
        const { headers } = request;
        if (typeof headers === 'object' && headers !== null)
          Reflect.set(headers, REPLAY_HEADER, '1');
      }
      return next(args);
    },
    { step: 'build', name: 'markSnapshotRequests' },
  );
  return client;
};

/**
 * Restores the snapshot in process: straight into fauxqs's S3 store when it
 * is at hand, else through fauxqs's own routes (no socket, no request
 * signing), so a start on a folder with a long history stays short.
 */
export const restoreSnapshot = async (
  app: FauxqsApp,
  store: RestorableS3Store | undefined,
  folder: string,
): Promise<number> => {
  const snapshot = readSnapshot(folder);
  if (!snapshot) return 0;
  const body = (file: string) => readFileSync(join(folder, 'objects', file));
  if (store) {
    for (const bucket of snapshot.buckets) if (!store.hasBucket(bucket)) store.createBucket(bucket);
    for (const object of snapshot.objects) {
      store.putObject(
        object.bucket,
        object.key,
        body(object.file),
        object.contentType ?? 'application/octet-stream',
        object.metadata,
      );
    }
    return snapshot.objects.length;
  }
  const put = async (url: string, headers: Record<string, string>, payload?: Buffer) => {
    const response = await app.inject({
      method: 'PUT',
      url,
      headers: { ...headers, [REPLAY_HEADER]: '1' },
      ...(payload ? { payload } : {}),
    });
    if (response.statusCode >= 300) {
      throw new Error(`S3_SNAPSHOT_RESTORE_FAILED: status ${response.statusCode}`);
    }
  };
  for (const bucket of snapshot.buckets) await put(`/${encodeURIComponent(bucket)}`, {});
  for (const object of snapshot.objects) {
    const metadata = Object.fromEntries(
      Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    await put(
      objectPath(object.bucket, object.key),
      { 'content-type': object.contentType ?? 'application/octet-stream', ...metadata },
      body(object.file),
    );
  }
  return snapshot.objects.length;
};

/** `bucket\0key` of an object, as the snapshot's unchanged-object check keys them. */
export const objectId = (bucket: string, key: string): string => `${bucket}\0${key}`;

/**
 * Writes every bucket and object to `<folder>.tmp`, then swaps it in. An
 * object the previous snapshot holds and that no request wrote since
 * (`written`) keeps its file (linked, not read through S3 again).
 */
export const writeSnapshot = async (
  endpoint: string,
  folder: string,
  written: ReadonlySet<string>,
): Promise<void> => {
  const staging = `${folder}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'objects'), { recursive: true });
  const previous = new Map(
    (readSnapshot(folder)?.objects ?? []).map((o) => [objectId(o.bucket, o.key), o]),
  );
  const s3 = snapshotClient(endpoint);
  const snapshot: Snapshot = { version: 1, buckets: [], objects: [] };
  try {
    const buckets = await s3.send(new ListBucketsCommand({}));
    for (const { Name: bucket } of buckets.Buckets ?? []) {
      if (!bucket) continue;
      snapshot.buckets.push(bucket);
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
        );
        for (const { Key: key } of page.Contents ?? []) {
          if (key === undefined) continue;
          const file = snapshotFile(bucket, key);
          const kept = previous.get(objectId(bucket, key));
          if (kept && !written.has(objectId(bucket, key))) {
            linkSync(join(folder, 'objects', kept.file), join(staging, 'objects', file));
            snapshot.objects.push(kept);
            continue;
          }
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          writeFileSync(
            join(staging, 'objects', file),
            (await object.Body?.transformToByteArray()) ?? new Uint8Array(),
          );
          snapshot.objects.push({
            bucket,
            key,
            file,
            contentType: object.ContentType,
            metadata: object.Metadata ?? {},
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  } finally {
    s3.destroy();
  }
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify(snapshot));
  rmSync(folder, { recursive: true, force: true });
  renameSync(staging, folder);
};
