/**
 * Lists the objects under `incoming/` of the documents bucket for the
 * reconciler: every version (ListObjectVersions) in a versioned bucket, so
 * ids match the version ids S3 notifications carry; ListObjectsV2 in an
 * unversioned one (ids then come from ETags, as in the notifications).
 * Listing is bounded by `maxObjects`; for buckets too large to list on a
 * schedule, S3 Inventory (a daily or weekly manifest) is the source to read
 * instead (see docs/architecture.md).
 */
import {
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '#adapters/aws-sdk/client-s3.cjs';
import type { ListedObject } from '#core/ledger/reconcile.ts';

export interface ListingOptions {
  readonly bucket: string;
  readonly prefix: string;
  readonly versioned: boolean;
  /** Stop after this many objects (the listing says when it stopped early). */
  readonly maxObjects: number;
}

export interface Listing {
  readonly objects: ListedObject[];
  /** True when `maxObjects` cut the listing short. */
  readonly truncated: boolean;
}

const bareEtag = (etag: string | undefined): string | null =>
  etag ? etag.replace(/^"(.*)"$/, '$1') : null;

export const listIncoming = async (s3: S3Client, options: ListingOptions): Promise<Listing> => {
  const objects: ListedObject[] = [];
  const full = () => objects.length >= options.maxObjects;
  if (options.versioned) {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: options.bucket,
          Prefix: options.prefix,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      for (const version of page.Versions ?? []) {
        if (full()) break;
        if (!version.Key) continue;
        objects.push({
          bucket: options.bucket,
          key: version.Key,
          versionId: version.VersionId && version.VersionId !== 'null' ? version.VersionId : null,
          etag: bareEtag(version.ETag),
          size: version.Size ?? 0,
          lastModified: (version.LastModified ?? new Date(0)).toISOString(),
          isLatest: version.IsLatest ?? true,
        });
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined && !full());
    return { objects, truncated: keyMarker !== undefined };
  }
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: options.bucket,
        Prefix: options.prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      if (full()) break;
      if (!object.Key) continue;
      objects.push({
        bucket: options.bucket,
        key: object.Key,
        versionId: null,
        etag: bareEtag(object.ETag),
        size: object.Size ?? 0,
        lastModified: (object.LastModified ?? new Date(0)).toISOString(),
        isLatest: true,
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined && !full());
  return { objects, truncated: token !== undefined };
};
