/**
 * AWS SDK clients, created once per container and shared by the handlers.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same clients at its emulators.
 * SDK-level retries are minimal: the state machine owns retrying. Each base
 * client is wrapped for X-Ray once, so every SDK call is a trace subsegment
 * (a no-op where tracing is off).
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { traceClient } from './tracing.ts';

const once = <T>(create: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
};

/** Path-style addressing is needed by local S3 endpoints; AWS accepts either. */
const usePathStyle = (): boolean => Boolean(process.env.AWS_ENDPOINT_URL_S3);

export const s3Client = once(() => traceClient(new S3Client({ forcePathStyle: usePathStyle() })));

export const sfnClient = once(() => traceClient(new SFNClient({ maxAttempts: 3 })));

export const dynamoClient = once(() => traceClient(new DynamoDBClient({ maxAttempts: 3 })));

/** Shares the traced base client's middleware stack, so its calls are traced too. */
export const dynamoDocumentClient = once(() =>
  DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

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
