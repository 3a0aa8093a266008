/**
 * The DynamoDB client and its document client, created once per container;
 * few SDK retries because the state machine owns retrying.
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so
 * the local runtime points the very same client at its emulator. Wrapped for
 * X-Ray once, so every call is a trace subsegment (a no-op where tracing is
 * off). One module per service, so a function loads only the SDK it uses.
 */
import { DynamoDBClient } from '#adapters/aws-sdk/client-dynamodb.cjs';
import { DynamoDBDocumentClient } from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { once } from '../once.ts';
import { traceClient } from '../tracing.ts';

export const dynamoClient = once(() => traceClient(new DynamoDBClient({ maxAttempts: 3 })));

/** Shares the traced base client's middleware stack, so its calls are traced too. */
export const dynamoDocumentClient = once(() =>
  DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
