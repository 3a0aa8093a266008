/**
 * Powertools Idempotency from its ES build, for the function bundles: there
 * the AWS SDK is bundled and tree-shaken (ADR 45), and the ES build shares the
 * bundle's ES copy of `@aws-sdk/client-dynamodb` instead of pulling in the
 * whole client a second time through the CommonJS build's `require`. The
 * package.json `imports` entry of `#functions/shared/idempotency-cjs.cjs`
 * selects this file under the bundles' `lambda-bundle` condition.
 */
export { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
export { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
