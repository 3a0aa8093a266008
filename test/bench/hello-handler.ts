/**
 * The cold-init baseline: a hello-world handler with one AWS SDK client created
 * at module scope, bundled like the functions and timed next to them.
 */
import { S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export const handler = async (): Promise<{ readonly hello: string; readonly region: string }> => ({
  hello: 'world',
  region: String(await s3.config.region()),
});
