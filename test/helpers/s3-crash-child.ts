/**
 * Child process for the S3 durability test: starts the local S3 on a data
 * folder, uploads, copies and deletes objects, prints ACKED once every
 * request has been acknowledged, then waits to be killed.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { localS3ClientConfig, startS3Sqs } from '#local/s3-sqs.ts';

const [dataDir, count] = process.argv.slice(2);
const server = await startS3Sqs({ dataDir: dataDir ?? '' });
const s3 = new S3Client(localS3ClientConfig(server.endpoint));
await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
for (let i = 0; i < Number(count); i += 1) {
  await s3.send(
    new PutObjectCommand({
      Bucket: 'durable',
      Key: `incoming/Doe, Jane ${i}.pdf`,
      Body: Buffer.from(`%PDF-1.7 document ${i}`),
    }),
  );
}
await s3.send(
  new CopyObjectCommand({
    Bucket: 'durable',
    Key: 'incoming/copy.pdf',
    CopySource: `durable/${encodeURIComponent('incoming/Doe, Jane 0.pdf')}`,
  }),
);
await s3.send(new DeleteObjectCommand({ Bucket: 'durable', Key: 'incoming/Doe, Jane 1.pdf' }));
process.stdout.write('ACKED\n');
setInterval(() => undefined, 1_000);
