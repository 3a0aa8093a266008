/**
 * The Bedrock Runtime client, created once per container.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same client at its emulator. Wrapped for
 * X-Ray once, so every call is a trace subsegment (a no-op where tracing is
 * off). One module per service, so a function loads only the SDK it uses.
 */
import { createRequire } from 'node:module';
import { BedrockRuntimeClient } from '#adapters/aws-sdk/client-bedrock-runtime.cjs';
import { once } from '../once.ts';
import { traceClient } from '../tracing.ts';

/**
 * Smithy's HTTP/1.1 handler, resolved beside the Bedrock client the runtime
 * provides: the module that client has already loaded, not a second copy in
 * the bundle (whose ES build would import node:https at init, which costs
 * more than the rest of the handler's start).
 */
const besideSdk = createRequire(
  createRequire(import.meta.url).resolve('@aws-sdk/client-bedrock-runtime'),
);
const { NodeHttpHandler } = besideSdk(
  '@smithy/node-http-handler',
) as typeof import('@smithy/node-http-handler');

/**
 * Converse over HTTP/1.1 with one attempt: throttling and 5xx are retried by
 * the state machine with backoff and jitter, not hidden inside the SDK. The
 * request timeout stays below the function's 240 s timeout, so a hung call
 * ends as a named ModelTimeout instead of a Lambda timeout.
 */
export const bedrockClient = once(() =>
  traceClient(
    new BedrockRuntimeClient({
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 200_000 }),
    }),
  ),
);
