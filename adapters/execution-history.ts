/**
 * Reads a Step Functions execution's whole history, page by page, without
 * execution data (no state inputs or outputs), as the events the state-path
 * folding in `core/workflow/state-path.ts` reads.
 */
import { GetExecutionHistoryCommand, type SFNClient } from '#adapters/aws-sdk/client-sfn.cjs';
import type { ExecutionHistoryEvent } from '#core/workflow/state-path.ts';

/** Pages read at most (1,000 events each): an extract execution has well under a hundred. */
const MAX_PAGES = 25;

/** Every event of the execution, oldest first; undefined when the execution is unknown. */
export const readExecutionHistory = async (
  sfn: SFNClient,
  executionArn: string,
): Promise<ExecutionHistoryEvent[] | undefined> => {
  const events: ExecutionHistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const command = new GetExecutionHistoryCommand({
      executionArn,
      includeExecutionData: false,
      maxResults: 1_000,
      ...(nextToken ? { nextToken } : {}),
    });
    const answer = await sfn.send(command).catch((error: unknown) => {
      if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    });
    if (answer === undefined) return undefined;
    events.push(...(answer.events ?? []));
    nextToken = answer.nextToken;
    if (!nextToken) break;
  }
  return events;
};
