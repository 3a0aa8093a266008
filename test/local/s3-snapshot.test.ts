/**
 * The local S3's snapshot across restarts: objects no request wrote since the
 * last snapshot keep their files, rewritten and new objects are read again,
 * deleted ones are gone, and content type and metadata survive each round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { fauxqsStores } from '#local/fauxqs-stores.ts';
import { localS3ClientConfig, type S3Sqs, startS3Sqs } from '#local/s3-sqs.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'medextract-s3-snapshot-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const withServer = async <T>(run: (s3: S3Client, server: S3Sqs) => Promise<T>): Promise<T> => {
  const server = await startS3Sqs({ dataDir });
  const s3 = new S3Client(localS3ClientConfig(server.endpoint));
  try {
    return await run(s3, server);
  } finally {
    s3.destroy();
    await server.stop();
  }
};

const put = (s3: S3Client, key: string, body: string) =>
  s3.send(
    new PutObjectCommand({
      Bucket: 'snap',
      Key: key,
      Body: body,
      ContentType: 'text/plain',
      Metadata: { round: body },
    }),
  );

describe('local S3 snapshot', () => {
  it('keeps unchanged objects, takes rewritten and new ones, drops deleted ones', async () => {
    // Prepare: round one writes three objects.
    await withServer(async (s3) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'snap' }));
      await put(s3, 'work/kept.json', 'one');
      await put(s3, 'work/rewritten.json', 'one');
      await put(s3, 'work/deleted.json', 'one');
    });

    // Act: round two rewrites one, deletes one, adds one; round three reads all.
    const second = await withServer(async (s3, server) => {
      await put(s3, 'work/rewritten.json', 'two');
      await s3.send(new DeleteObjectCommand({ Bucket: 'snap', Key: 'work/deleted.json' }));
      await put(s3, 'work/new ü.json', 'two');
      return server.restoredObjects;
    });
    const third = await withServer(async (s3, server) => {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'snap' }));
      const read = async (key: string) => {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'snap', Key: key }));
        return {
          text: await got.Body?.transformToString(),
          type: got.ContentType,
          metadata: got.Metadata,
        };
      };
      return {
        restored: server.restoredObjects,
        replayed: server.replayedWrites,
        keys: (listing.Contents ?? []).map((o) => o.Key).sort(),
        kept: await read('work/kept.json'),
        rewritten: await read('work/rewritten.json'),
        added: await read('work/new ü.json'),
      };
    });

    // Assess
    expect(second).toBe(3);
    expect(third.restored).toBe(3);
    expect(third.replayed).toBe(0);
    expect(third.keys).toEqual(['work/kept.json', 'work/new ü.json', 'work/rewritten.json']);
    expect(third.kept).toEqual({ text: 'one', type: 'text/plain', metadata: { round: 'one' } });
    expect(third.rewritten).toEqual({
      text: 'two',
      type: 'text/plain',
      metadata: { round: 'two' },
    });
    expect(third.added.text).toBe('two');
  }, 60_000);

  it("restores straight into fauxqs's store with this fauxqs build", async () => {
    // Act
    const stores = await fauxqsStores();

    // Assess: without them a start falls back to one in-process request per object.
    expect(stores).toBeDefined();
    expect(typeof stores?.s3.putObject).toBe('function');
  });
});
