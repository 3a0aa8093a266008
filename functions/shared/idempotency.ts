/**
 * Idempotency for the recording tasks: a retried RecordResult/RecordFailure
 * in the same execution returns the stored reference instead of writing and
 * emitting metrics twice. Stored responses hold references only, never fields.
 */
import type { Context } from 'aws-lambda';
import {
  DynamoDBPersistenceLayer,
  IdempotencyConfig,
  makeIdempotent,
} from '#functions/shared/idempotency-cjs.cjs';
import { dynamoClient } from './clients/dynamodb.ts';
import { requireEnv } from './env.ts';
import { once } from './once.ts';

const SEVEN_DAYS = 7 * 24 * 3600;

/** `keyPrefix` keeps each function's records apart even where functions share a name (local runtime). */
export const recordingIdempotency = (
  keyPrefix: string,
  tableName: string = requireEnv('IDEMPOTENCY_TABLE_NAME'),
) => ({
  keyPrefix,
  persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoClient() }),
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'execution.id',
    expiresAfterSeconds: SEVEN_DAYS,
    throwOnNoIdempotencyKey: true,
  }),
});

/**
 * `handler` made idempotent with `recordingIdempotency(keyPrefix)`, built on
 * its first invocation and kept for the container's lifetime (ADR 59): the
 * persistence layer, the DynamoDB client under it and the JMESPath functions
 * are created when the first record is made, as every other client of the
 * functions is (clients/*.ts), instead of at init. The table's variable is
 * read at init, so a function without one still fails its cold start.
 */
export const idempotentRecording = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  keyPrefix: string,
): ((event: TEvent, context: Context) => Promise<TResult>) => {
  const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
  const idempotent = once(() =>
    makeIdempotent(handler, recordingIdempotency(keyPrefix, tableName)),
  );
  return (event, context) => idempotent()(event, context);
};
