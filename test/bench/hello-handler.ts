/**
 * The cold-init baseline: a hello-world handler with one AWS SDK client created
 * at module scope, bundled like the functions (test/bench/bundles.ts) and loading
 * the SDK the way they do, bundled from its ES build (ADR 45), timed next to them.
 */
import { S3Client } from '#adapters/aws-sdk/client-s3.cjs';

const s3 = new S3Client({});

export const handler = async (): Promise<{ readonly hello: string; readonly region: string }> => ({
  hello: 'world',
  region: String(await s3.config.region()),
});
