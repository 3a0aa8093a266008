/**
 * The execution-history reader: follows nextToken across pages, never asks
 * for execution data (state inputs and outputs), and answers undefined for an
 * execution Step Functions does not know; other errors escape.
 */
import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readExecutionHistory } from '#adapters/execution-history.ts';

const sfn = mockClient(SFNClient);
const client = new SFNClient({ region: 'us-east-1' });
const arn = 'arn:aws:states:us-east-1:000000000000:execution:medextract-local-extract:abc';

beforeEach(() => sfn.reset());

describe('readExecutionHistory', () => {
  it('reads every page in order without execution data', async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand, { nextToken: undefined })
      .resolves({
        events: [{ id: 1, type: 'ExecutionStarted', timestamp: new Date(0) }],
        nextToken: 't2',
      })
      .on(GetExecutionHistoryCommand, { nextToken: 't2' })
      .resolves({ events: [{ id: 2, type: 'ExecutionSucceeded', timestamp: new Date(1) }] });

    // Act
    const events = await readExecutionHistory(client, arn);

    // Assess
    expect(events?.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    const calls = sfn.commandCalls(GetExecutionHistoryCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { executionArn: arn, includeExecutionData: false, maxResults: 1000 },
      { executionArn: arn, includeExecutionData: false, maxResults: 1000, nextToken: 't2' },
    ]);
  });

  it('answers undefined for an unknown execution and lets other errors escape', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    expect(await readExecutionHistory(client, arn)).toBeUndefined();
    sfn.on(GetExecutionHistoryCommand).rejects(
      new SFNServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'no',
        $metadata: {},
      }),
    );
    await expect(readExecutionHistory(client, arn)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
