/**
 * The S3 client, created once per container and shared by the handlers.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same client at its emulator. Wrapped for
 * X-Ray once, so every call is a trace subsegment (a no-op where tracing is
 * off). One module per service, so a function loads only the SDK it uses.
 */
import { S3Client } from '#adapters/aws-sdk/client-s3.cjs';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { once } from '../once.ts';
import { traceClient } from '../tracing.ts';

/** Path-style addressing is needed by local S3 endpoints; AWS accepts either. */
const usePathStyle = (): boolean => Boolean(process.env.AWS_ENDPOINT_URL_S3);

export const s3Client = once(() =>
  traceClient(new S3Client({ forcePathStyle: usePathStyle(), ...REUSED_MIDDLEWARE })),
);
