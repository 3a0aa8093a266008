/**
 * JSON objects in S3, read and written the one way every function and the
 * CLI do it: UTF-8, `application/json`, parsed to `unknown` for the caller
 * to validate.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '#adapters/aws-sdk/client-s3.cjs';
import { parseS3Uri, type S3Location } from '#contracts/s3-uri.ts';

/** Reads an object and parses it as JSON; the caller validates the shape. */
export const readJson = async (s3: S3Client, location: S3Location | string): Promise<unknown> => {
  const { bucket, key } = typeof location === 'string' ? parseS3Uri(location) : location;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString('utf-8')) ?? 'null');
};

/** Writes a value as indented JSON. */
export const writeJson = async (
  s3: S3Client,
  { bucket, key }: S3Location,
  value: unknown,
): Promise<void> => {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value, null, 2),
      ContentType: 'application/json',
    }),
  );
};
