/**
 * A whole local stack that the CLI finds as "the running stack": started on
 * free ports in a temporary data folder with its stack file written, as
 * `npm start` would, and removed again with its folder. Given the run's
 * shared DynamoDB Local (test/helpers/run-dynamodb.ts), its tables live
 * there under a stage of its own instead of in a JVM of its own; the stack
 * file names that stage, so the CLI uses the same tables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStackFile, writeStackFile } from '#cli/target.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import type { SharedDynamoDb } from '#local/stack-stage.ts';

export interface RunningStack {
  readonly dataDir: string;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

export const startRunningStack = async (
  prefix: string,
  sharedDynamoDb?: SharedDynamoDb,
): Promise<RunningStack> => {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const stack = await startLocalStack({
    dataDir,
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    ...(sharedDynamoDb ? { sharedDynamoDb } : {}),
  });
  writeStackFile(dataDir, stack);
  return {
    dataDir,
    stack,
    stop: async () => {
      removeStackFile(dataDir);
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
