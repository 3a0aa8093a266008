/**
 * fauxqs's in-memory stores, built here and handed to `buildApp`, so the
 * local S3 can restore a snapshot straight into its store instead of one
 * in-process request per object. fauxqs does not export the store classes:
 * they are loaded from its pinned build next to the package entry, and
 * anything unexpected yields `undefined` (the caller then restores through
 * requests, as before).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { buildApp } from 'fauxqs';

type Stores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

/** The part of fauxqs's S3 store a snapshot restore uses. */
export interface RestorableS3Store {
  createBucket(name: string): void;
  hasBucket(name: string): boolean;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    metadata?: Record<string, string>,
  ): unknown;
}

export interface FauxqsStores {
  /** For `buildApp({ stores })`. */
  readonly stores: Stores;
  readonly s3: RestorableS3Store;
}

const isConstructor = (value: unknown): value is new () => object => typeof value === 'function';

const loadClass = async (entry: string, path: string, name: string) => {
  const module: Record<string, unknown> = await import(new URL(path, entry).href);
  const value = module[name];
  return isConstructor(value) ? value : undefined;
};

/**
 * The URL of fauxqs's entry (`dist/app.js`), found from this module's own
 * URL: fauxqs exports only an ES entry, which `require.resolve` refuses.
 */
const fauxqsEntry = (): string | undefined => {
  const folders = createRequire(import.meta.url).resolve.paths('fauxqs') ?? [];
  const entry = folders.map((folder) => join(folder, 'fauxqs', 'dist', 'app.js')).find(existsSync);
  return entry === undefined ? undefined : pathToFileURL(entry).href;
};

/** New, empty fauxqs stores, or `undefined` when this fauxqs build does not have them. */
export const fauxqsStores = async (): Promise<FauxqsStores | undefined> => {
  try {
    const entry = fauxqsEntry();
    if (entry === undefined) return undefined;
    const [S3Store, SqsStore, SnsStore] = await Promise.all([
      loadClass(entry, './s3/s3Store.js', 'S3Store'),
      loadClass(entry, './sqs/sqsStore.js', 'SqsStore'),
      loadClass(entry, './sns/snsStore.js', 'SnsStore'),
    ]);
    if (!S3Store || !SqsStore || !SnsStore) return undefined;
    const s3: unknown = new S3Store();
    const methods = ['createBucket', 'hasBucket', 'putObject'] as const;
    const usable = (store: unknown): store is RestorableS3Store =>
      typeof store === 'object' &&
      store !== null &&
      methods.every((m) => typeof Reflect.get(store, m) === 'function');
    if (!usable(s3)) return undefined;
    // The classes are fauxqs's own, so the app accepts them as its stores.
    const stores = { s3Store: s3, sqsStore: new SqsStore(), snsStore: new SnsStore() } as Stores;
    return { stores, s3 };
  } catch {
    return undefined;
  }
};
