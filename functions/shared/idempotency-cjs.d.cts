/** The types of idempotency-cjs.cjs: those of Powertools Idempotency's CommonJS build. */
export { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
export { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
