/** `s3://bucket/key` references: the only way document content moves between states. */

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export const toS3Uri = ({ bucket, key }: S3Location): string => `s3://${bucket}/${key}`;

export const parseS3Uri = (uri: string): S3Location => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error('Not an s3:// URI');
  return { bucket: match[1], key: match[2] };
};
