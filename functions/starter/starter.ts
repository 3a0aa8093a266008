/**
 * Turns one ingest-queue message (an S3 event notification) into execution
 * inputs, and starts each execution named by its document id. A duplicate
 * notification meets `ExecutionAlreadyExists` and counts as done.
 */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionInput } from '#contracts/task-schemas.ts';

export {
  InvalidNotificationError,
  type ParsedMessage,
  parseMessage,
} from '#contracts/ingest-message.ts';

export type StartOutcome = 'started' | 'duplicate';

/** Starts one execution named by the document id; a duplicate is not an error. */
export const startExtraction = async (
  sfn: SFNClient,
  stateMachineArn: string,
  input: ExecutionInput,
): Promise<StartOutcome> => {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: input.documentId,
        input: JSON.stringify(input),
      }),
    );
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'duplicate';
    throw error;
  }
};
