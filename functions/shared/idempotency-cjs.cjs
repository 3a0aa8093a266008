/**
 * Powertools Idempotency from its CommonJS build. Its ES build imports
 * `@aws-sdk/client-dynamodb` with an ES `import`, which makes Node scan the
 * SDK package's entry file for its export names before running it (about
 * as much CPU again as loading it on Node 20). The CommonJS build requires
 * the SDK instead, as the functions' own code does (adapters/aws-sdk, ADR 42).
 */
'use strict';

const { IdempotencyConfig, makeIdempotent } = require('@aws-lambda-powertools/idempotency');
const { DynamoDBPersistenceLayer } = require('@aws-lambda-powertools/idempotency/dynamodb');

module.exports = { IdempotencyConfig, makeIdempotent, DynamoDBPersistenceLayer };
