/**
 * The execution history the local Step Functions endpoint rebuilds: AWS event
 * shapes, every retried attempt, and the caught failure's path to FAILED.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  cleanUp,
  historyOf,
  lambdaCause,
  lambdaResult,
  NamedError,
  neverCalled,
  QUEUE_URL,
  start,
  typesOf,
} from './sfn-harness.ts';

afterEach(cleanUp);

describe('local Step Functions endpoint: history', () => {
  it('records the history in the AWS event shape', async () => {
    // Prepare
    const { server, sfn, arn } = await start({
      InvokeModel: async () => lambdaResult({ tokens: 7 }),
      SendToDlq: neverCalled,
    });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'history',
        input: '{"documentId":"d"}',
      }),
    );
    await server.waitForIdle();

    // Act
    const events = await historyOf(sfn, executionArn ?? '');
    const firstPage = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 3 }),
    );
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }),
    );

    // Assess
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(
      events.map((_, index) => [index + 1, index]),
    );
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[0]?.executionStartedEventDetails?.input).toBe('{"documentId":"d"}');
    expect(events[1]?.stateEnteredEventDetails).toEqual({
      name: 'InvokeModel',
      input: '{"documentId":"d"}',
      inputDetails: { truncated: false },
    });
    const scheduled = events[2]?.taskScheduledEventDetails;
    expect(scheduled?.resourceType).toBe('lambda');
    expect(scheduled?.resource).toBe('invoke');
    expect(scheduled?.region).toBe('us-east-1');
    expect(JSON.parse(scheduled?.parameters ?? 'null')).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:invoke-model',
      Payload: { documentId: 'd' },
    });
    expect(JSON.parse(events[4]?.taskSucceededEventDetails?.output ?? 'null')).toEqual({
      Payload: { tokens: 7 },
      StatusCode: 200,
    });
    expect(JSON.parse(events[5]?.stateExitedEventDetails?.output ?? 'null')).toEqual({
      documentId: 'd',
      model: { result: { tokens: 7 } },
    });
    expect(firstPage.events?.length).toBe(3);
    expect(firstPage.nextToken).toBeTypeOf('string');
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
  });

  it('retries a named error and counts every attempt in the history', async () => {
    // Prepare
    let calls = 0;
    const { server, sfn, arn } = await start({
      InvokeModel: async () => {
        calls += 1;
        if (calls <= 2) throw new NamedError('ModelThrottled', 'MODEL_THROTTLED');
        return lambdaResult({ ok: true });
      },
      SendToDlq: neverCalled,
    });

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'retry', input: '{}' }),
    );
    await server.waitForIdle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await historyOf(sfn, executionArn ?? '');

    // Assess
    expect(calls).toBe(3);
    expect(described.status).toBe('SUCCEEDED');
    expect(typesOf(events).filter((t) => t === 'TaskScheduled')).toHaveLength(3);
    const failed = events.filter((e) => e.type === 'TaskFailed');
    expect(failed.map((e) => e.taskFailedEventDetails?.error)).toEqual([
      'ModelThrottled',
      'ModelThrottled',
    ]);
    expect(
      lambdaCause.parse(JSON.parse(failed[0]?.taskFailedEventDetails?.cause ?? 'null')),
    ).toEqual({
      errorType: 'ModelThrottled',
      errorMessage: 'MODEL_THROTTLED',
    });
    expect(typesOf(events).filter((t) => t === 'TaskSucceeded')).toHaveLength(1);
  });

  it('catches a failure, hands the evaluated message to the sendMessage override and ends FAILED', async () => {
    // Prepare
    const sent: unknown[] = [];
    const { server, sfn, arn } = await start({
      InvokeModel: async () => {
        throw new NamedError('BadDocument', 'NOT_PDF');
      },
      SendToDlq: async (parameters) => {
        sent.push(parameters);
        return { MessageId: 'm-1', MD5OfMessageBody: '0' };
      },
    });

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'caught',
        input: '{"documentId":"doc-9"}',
      }),
    );
    await server.waitForIdle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await historyOf(sfn, executionArn ?? '');

    // Assess
    const message = z
      .object({
        QueueUrl: z.string(),
        MessageBody: z.object({
          documentId: z.string(),
          error: z.object({ Error: z.string(), Cause: z.string() }),
        }),
      })
      .parse(sent[0]);
    expect(sent).toHaveLength(1);
    expect(message.QueueUrl).toBe(QUEUE_URL);
    expect(message.MessageBody.documentId).toBe('doc-9');
    expect(message.MessageBody.error.Error).toBe('BadDocument');
    expect(lambdaCause.parse(JSON.parse(message.MessageBody.error.Cause))).toEqual({
      errorType: 'BadDocument',
      errorMessage: 'NOT_PDF',
    });
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('ExtractionFailed');
    expect(described.cause).toBe('see DLQ');
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({
      error: 'ExtractionFailed',
      cause: 'see DLQ',
    });
    expect(events[7]?.taskScheduledEventDetails?.resourceType).toBe('sqs');
    expect(events[7]?.taskScheduledEventDetails?.resource).toBe('sendMessage');
  });
});
