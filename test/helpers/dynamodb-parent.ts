/**
 * Child process for the DynamoDB Local lifetime test: starts DynamoDB Local,
 * prints the JVM's pid, then waits to be killed.
 */
import { startDynamoDbLocal } from '#local/dynamodb.ts';

const ddb = await startDynamoDbLocal();
process.stdout.write(`JVM ${ddb.pid}\n`);
setInterval(() => undefined, 1_000);
