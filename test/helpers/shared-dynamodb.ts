/**
 * Vitest global setup of the `shared-dynamodb` project: one in-memory
 * DynamoDB Local for every file of the project, whose endpoint the files
 * read with `inject('sharedDynamoDbEndpoint')`. Files stay apart by stage:
 * each creates its tables under a stage name of its own.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's shared DynamoDB Local. */
    sharedDynamoDbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ddb = await startDynamoDbLocal();
  project.provide('sharedDynamoDbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
