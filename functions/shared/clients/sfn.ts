/**
 * The Step Functions client, created once per container; few SDK retries
 * because the starter's queue owns retrying.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same client at its emulator. Wrapped for
 * X-Ray once, so every call is a trace subsegment (a no-op where tracing is
 * off). One module per service, so a function loads only the SDK it uses.
 */
import { SFNClient } from '#adapters/aws-sdk/client-sfn.cjs';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { once } from '../once.ts';
import { traceClient } from '../tracing.ts';

export const sfnClient = once(() =>
  traceClient(new SFNClient({ maxAttempts: 3, ...REUSED_MIDDLEWARE })),
);
