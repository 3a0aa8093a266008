/**
 * The Bedrock Runtime client, created once per container.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same client at its emulator. Wrapped for
 * X-Ray once, so every call is a trace subsegment (a no-op where tracing is
 * off). One module per service, so a function loads only the SDK it uses.
 */
import { BedrockRuntimeClient } from '#adapters/aws-sdk/client-bedrock-runtime.cjs';
// Smithy's HTTP/1.1 handler: the function bundle carries the same ES build the
// client's own default handler comes from (ADR 45), so there is one copy.
import { NodeHttpHandler } from '#adapters/aws-sdk/node-http-handler.cjs';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { once } from '../once.ts';
import { traceClient } from '../tracing.ts';

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
      ...REUSED_MIDDLEWARE,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 200_000 }),
    }),
  ),
);
