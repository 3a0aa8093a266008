/**
 * Short-lived presigned S3 links: a GET of one object version and a PUT of
 * one key, signed with the caller's credentials (on AWS the API function's
 * role), so a client moves the bytes straight to or from S3.
 */

import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '#adapters/aws-sdk/client-s3.cjs';

export interface SignedLink {
  readonly url: string;
  readonly method: 'GET' | 'PUT';
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
}

const expiryOf = (seconds: number) => ({
  expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
  expiresInSeconds: seconds,
});

export const presignGet = async (
  s3: S3Client,
  object: { bucket: string; key: string; versionId: string | null },
  expiresInSeconds: number,
): Promise<SignedLink> => {
  const expiry = expiryOf(expiresInSeconds);
  const command = new GetObjectCommand({
    Bucket: object.bucket,
    Key: object.key,
    ...(object.versionId !== null ? { VersionId: object.versionId } : {}),
  });
  const url = await getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
  return { url, method: 'GET', ...expiry };
};

export const presignPut = async (
  s3: S3Client,
  object: { bucket: string; key: string },
  expiresInSeconds: number,
): Promise<SignedLink> => {
  const expiry = expiryOf(expiresInSeconds);
  const command = new PutObjectCommand({ Bucket: object.bucket, Key: object.key });
  const url = await getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
  return { url, method: 'PUT', ...expiry };
};
