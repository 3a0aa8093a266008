/**
 * Idempotency for the recording tasks: a retried RecordResult/RecordFailure
 * in the same execution returns the stored reference instead of writing and
 * emitting metrics twice. Stored responses hold references only, never fields.
 */

import { DynamoDBPersistenceLayer, IdempotencyConfig } from '#functions/shared/idempotency-cjs.cjs';
import { dynamoClient } from './clients/dynamodb.ts';
import { requireEnv } from './env.ts';

export { makeIdempotent } from '#functions/shared/idempotency-cjs.cjs';

const SEVEN_DAYS = 7 * 24 * 3600;

/** `keyPrefix` keeps each function's records apart even where functions share a name (local runtime). */
export const recordingIdempotency = (keyPrefix: string) => ({
  keyPrefix,
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: requireEnv('IDEMPOTENCY_TABLE_NAME'),
    awsSdkV3Client: dynamoClient(),
  }),
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'execution.id',
    expiresAfterSeconds: SEVEN_DAYS,
    throwOnNoIdempotencyKey: true,
  }),
});
