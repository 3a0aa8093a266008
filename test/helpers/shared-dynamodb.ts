/**
 * Vitest global setup of the `shared-dynamodb` and `isolated` projects: one
 * in-memory DynamoDB Local for the whole run, whose endpoint the files read
 * with `inject('sharedDynamoDbEndpoint')`. Files stay apart by stage: each
 * creates its tables (or starts its stack, `sharedDynamoDb()` in
 * test/helpers/run-dynamodb.ts) under a stage name of its own. Both
 * projects' setups run in vitest's main process, so the second reuses the
 * first's JVM and the last teardown stops it (docs/adr/0048).
 */
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's shared DynamoDB Local. */
    sharedDynamoDbEndpoint: string;
  }
}

interface Shared {
  started: Promise<DynamoDbLocal>;
  users: number;
}

// On globalThis: vitest may load this module once per project.
const KEY = Symbol.for('medextract.test.sharedDynamoDb');
const slot = globalThis as { [KEY]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = slot[KEY] ?? { started: startDynamoDbLocal(), users: 0 };
  slot[KEY] = shared;
  shared.users += 1;
  const ddb = await shared.started;
  project.provide('sharedDynamoDbEndpoint', ddb.endpoint);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete slot[KEY];
    await ddb.stop();
  };
}
