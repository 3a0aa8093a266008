/**
 * What a test file passes to `startLocalStack` (or uses for its own tables)
 * to work on the run's shared DynamoDB Local (test/helpers/shared-dynamodb.ts)
 * instead of starting a JVM of its own: the endpoint and a stage no other
 * file uses, so no file sees another's items.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { SharedDynamoDb } from '#local/stack-stage.ts';

/** A fresh stage on the run's DynamoDB Local: `prefix` and 8 random hex digits. */
export const sharedDynamoDb = (prefix: string): SharedDynamoDb => ({
  endpoint: inject('sharedDynamoDbEndpoint'),
  stage: `${prefix}-${randomBytes(4).toString('hex')}`,
});
