/**
 * The local Step Functions endpoint driven through the real `@aws-sdk/client-sfn`
 * and the AWS CLI v2: lifecycle, AWS-shaped history, idempotent start,
 * Retry/Catch on named errors, stop, timeout, paging and restart persistence.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LocalStateMachineConfig, TaskHandler } from '#local/sfn/definition.ts';
import { type StepFunctionsServer, startStepFunctionsServer } from '#local/sfn-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const AWS_CLI = '/usr/bin/aws';
const QUEUE_URL = 'http://127.0.0.1:9/000000000000/extraction-dlq';
const MACHINE = 'extract';

/** Small ASL with the shapes MedExtract uses: lambda:invoke + Retry + Catch -> sqs:sendMessage -> Fail. */
const fixtureDefinition = (): object => ({
  Comment: 'Fixture: model call with retry and catch, dead-letter message, fail',
  StartAt: 'InvokeModel',
  States: {
    InvokeModel: {
      Type: 'Task',
      Comment: 'Calls the model function',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:invoke-model',
        'Payload.$': '$',
      },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.model',
      Retry: [
        { ErrorEquals: ['ModelThrottled'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'SendToDlq' }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', Comment: 'Success', End: true },
    SendToDlq: {
      Type: 'Task',
      Comment: 'Dead-letters the failure',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: QUEUE_URL, 'MessageBody.$': '$' },
      ResultPath: null,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Comment: 'Stays FAILED', Error: 'ExtractionFailed', Cause: 'see DLQ' },
  },
});

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const lambdaResult = (payload: unknown) => ({ Payload: payload, StatusCode: 200 });

const neverCalled: TaskHandler = async () => {
  throw new Error('handler must not be called');
};

interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

const gate = (): Gate => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

const servers: StepFunctionsServer[] = [];
const gates: Gate[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const g of gates.splice(0)) g.open();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const start = async (
  taskHandlers: Record<string, TaskHandler>,
  extra: Partial<LocalStateMachineConfig> & { dataDir?: string } = {},
): Promise<{ server: StepFunctionsServer; sfn: SFNClient; arn: string }> => {
  const { dataDir, ...machine } = extra;
  const server = await startStepFunctionsServer({
    dataDir,
    stateMachines: [
      {
        name: MACHINE,
        definition: fixtureDefinition(),
        retryIntervalScale: 0.001,
        taskHandlers,
        ...machine,
      },
    ],
  });
  servers.push(server);
  const sfn = new SFNClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { server, sfn, arn: server.stateMachineArn(MACHINE) };
};

const errorName = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.name : 'non-error';
  }
  return 'resolved';
};

const historyOf = async (sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> =>
  (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];

const typesOf = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.type ?? '');

const waitForStatus = async (sfn: SFNClient, executionArn: string): Promise<string> => {
  for (let poll = 0; poll < 400; poll++) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? 'missing';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return 'RUNNING';
};

const lambdaCause = z.object({ errorType: z.string(), errorMessage: z.string() });

describe('local Step Functions endpoint', () => {
  it('runs an execution to SUCCEEDED and describes it like AWS', async () => {
    // Prepare
    const { server, sfn, arn } = await start({
      InvokeModel: async () => lambdaResult({ documentId: 'doc-1', tokens: 42 }),
      SendToDlq: neverCalled,
    });

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'doc-1-run',
        input: '{"documentId":"doc-1"}',
      }),
    );
    await server.waitForIdle();
    const described = await sfn.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );

    // Assess
    expect(started.executionArn).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:extract:doc-1-run',
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(described.name).toBe('doc-1-run');
    expect(described.stateMachineArn).toBe(arn);
    expect(described.input).toBe('{"documentId":"doc-1"}');
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      documentId: 'doc-1',
      model: { result: { documentId: 'doc-1', tokens: 42 } },
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(
      described.startDate?.getTime() ?? Infinity,
    );
    expect(described.error).toBeUndefined();
  });

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

  it('returns the running execution for a repeated start and ExecutionAlreadyExists otherwise', async () => {
    // Prepare
    const hold = gate();
    gates.push(hold);
    let calls = 0;
    const { server, sfn, arn } = await start({
      InvokeModel: async () => {
        calls += 1;
        await hold.opened;
        return lambdaResult({});
      },
      SendToDlq: neverCalled,
    });
    const request = { stateMachineArn: arn, name: 'dup', input: '{"documentId":"a"}' };

    // Act
    const first = await sfn.send(new StartExecutionCommand(request));
    const repeat = await sfn.send(new StartExecutionCommand(request));
    const otherInput = await errorName(
      sfn.send(new StartExecutionCommand({ ...request, input: '{"documentId":"b"}' })),
    );
    hold.open();
    await server.waitForIdle();
    const afterClose = await errorName(sfn.send(new StartExecutionCommand(request)));

    // Assess
    expect(repeat.executionArn).toBe(first.executionArn);
    expect(repeat.startDate?.getTime()).toBe(first.startDate?.getTime());
    expect(otherInput).toBe('ExecutionAlreadyExists');
    expect(afterClose).toBe('ExecutionAlreadyExists');
    expect(calls).toBe(1);
  });

  it('answers bad requests with the exception names the SDK maps', async () => {
    // Prepare
    const { sfn, arn } = await start({ InvokeModel: neverCalled, SendToDlq: neverCalled });
    const unknownMachine = 'arn:aws:states:us-east-1:000000000000:stateMachine:nope';
    const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:extract:nope';

    // Act
    const names = await Promise.all([
      errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'has space' }))),
      errorName(
        sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a'.repeat(81) })),
      ),
      errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a:b' }))),
      errorName(
        sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'x', input: '{' })),
      ),
      errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: unknownMachine }))),
      errorName(sfn.send(new DescribeExecutionCommand({ executionArn: unknownExecution }))),
      errorName(sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))),
      errorName(sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken: 'bogus' }))),
    ]);

    // Assess
    expect(names).toEqual([
      'InvalidName',
      'InvalidName',
      'InvalidName',
      'InvalidExecutionInput',
      'StateMachineDoesNotExist',
      'ExecutionDoesNotExist',
      'InvalidArn',
      'InvalidToken',
    ]);
  });

  it('stops a running execution as ABORTED and never runs its task again', async () => {
    // Prepare
    const hold = gate();
    gates.push(hold);
    let calls = 0;
    const { server, sfn, arn } = await start({
      InvokeModel: async () => {
        calls += 1;
        await hold.opened;
        throw new NamedError('ModelThrottled', 'MODEL_THROTTLED');
      },
      SendToDlq: neverCalled,
    });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'to-stop' }),
    );

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'manual stop' }),
    );
    hold.open();
    await server.waitForIdle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await historyOf(sfn, executionArn ?? '');

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described.status).toBe('ABORTED');
    expect(described.error).toBe('Operator');
    expect(described.cause).toBe('manual stop');
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: 'Operator',
      cause: 'manual stop',
    });
    expect(calls).toBe(1);
  });

  it.each([
    ['the executionTimeoutSeconds option', { executionTimeoutSeconds: 0.2 }],
    [
      'TimeoutSeconds in the definition',
      { definition: { ...fixtureDefinition(), TimeoutSeconds: 1 } },
    ],
  ])('times out an execution that runs past %s', async (_label, timeout) => {
    // Prepare
    const hold = gate();
    gates.push(hold);
    const { sfn, arn } = await start(
      {
        InvokeModel: async () => {
          await hold.opened;
          return lambdaResult({});
        },
        SendToDlq: neverCalled,
      },
      timeout,
    );

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'slow' }),
    );
    const status = await waitForStatus(sfn, executionArn ?? '');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await historyOf(sfn, executionArn ?? '');

    // Assess
    expect(status).toBe('TIMED_OUT');
    expect(described.error).toBe('States.Timeout');
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'ExecutionTimedOut',
    ]);
  });

  it('lists executions newest first, filtered by status and paged', async () => {
    // Prepare
    const { server, sfn, arn } = await start({
      InvokeModel: async (input) => {
        const { Payload } = z.object({ Payload: z.object({ fail: z.boolean() }) }).parse(input);
        if (Payload.fail) throw new NamedError('BadDocument', 'EMPTY');
        return lambdaResult({});
      },
      SendToDlq: async () => ({ MessageId: 'm' }),
    });
    for (const [name, fail] of [
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', true],
    ] as const) {
      await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify({ fail }) }),
      );
      await server.waitForIdle();
    }

    // Act
    const page1 = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }),
    );
    const page2 = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: arn,
        maxResults: 2,
        nextToken: page1.nextToken,
      }),
    );
    const failed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED' }),
    );
    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }),
    );

    // Assess
    expect(page1.executions?.map((e) => e.name)).toEqual(['d', 'c']);
    expect(page1.nextToken).toBeTypeOf('string');
    expect(page2.executions?.map((e) => e.name)).toEqual(['b', 'a']);
    expect(page2.nextToken).toBeUndefined();
    expect(failed.executions?.map((e) => [e.name, e.status])).toEqual([['d', 'FAILED']]);
    expect(succeeded.executions?.map((e) => e.name)).toEqual(['c', 'b', 'a']);
    expect(page1.executions?.[0]?.startDate).toBeInstanceOf(Date);
  });

  it('keeps execution records across a restart and marks the ones left running ABORTED', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-local-'));
    const crashImage = await mkdtemp(join(tmpdir(), 'sfn-local-crash-'));
    dirs.push(dataDir, crashImage);
    const hold = gate();
    gates.push(hold);
    const handlers = {
      InvokeModel: async (input: unknown) => {
        if (JSON.stringify(input).includes('"hold":true')) await hold.opened;
        return lambdaResult({ tokens: 1 });
      },
      SendToDlq: neverCalled,
    };
    const first = await start(handlers, { dataDir });
    const done = await first.sfn.send(
      new StartExecutionCommand({ stateMachineArn: first.arn, name: 'done-1', input: '{}' }),
    );
    await first.server.waitForIdle();
    const fullHistory = await historyOf(first.sfn, done.executionArn ?? '');
    const left = await first.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: first.arn,
        name: 'left-running',
        input: '{"hold":true}',
      }),
    );
    // A copy taken now is what a crash would leave behind: the record still says RUNNING.
    await cp(dataDir, crashImage, { recursive: true });
    const stopping = first.server.stop();
    hold.open();
    await stopping;

    // Act
    const afterCrash = await start(handlers, { dataDir: crashImage });
    const crashList = await afterCrash.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: afterCrash.arn }),
    );
    const crashLeft = await afterCrash.sfn.send(
      new DescribeExecutionCommand({ executionArn: left.executionArn }),
    );
    const crashLeftHistory = await historyOf(afterCrash.sfn, left.executionArn ?? '');
    const afterStop = await start(handlers, { dataDir });
    const stopLeft = await afterStop.sfn.send(
      new DescribeExecutionCommand({ executionArn: left.executionArn }),
    );
    const reloadedHistory = await historyOf(afterStop.sfn, done.executionArn ?? '');
    await afterStop.sfn.send(
      new StartExecutionCommand({ stateMachineArn: afterStop.arn, name: 'new-1' }),
    );
    await afterStop.server.waitForIdle();
    const stopList = await afterStop.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: afterStop.arn }),
    );

    // Assess
    expect(crashList.executions?.map((e) => [e.name, e.status])).toEqual([
      ['left-running', 'ABORTED'],
      ['done-1', 'SUCCEEDED'],
    ]);
    expect(crashLeft.cause).toBe('local runtime stopped');
    expect(typesOf(crashLeftHistory)).toEqual(['ExecutionStarted', 'ExecutionAborted']);
    expect(stopLeft.status).toBe('ABORTED');
    expect(stopLeft.cause).toBe('local runtime stopped');
    expect(typesOf(reloadedHistory)).toEqual(typesOf(fullHistory));
    expect(reloadedHistory.at(-1)?.executionSucceededEventDetails?.output).toBe(
      fullHistory.at(-1)?.executionSucceededEventDetails?.output,
    );
    expect(stopList.executions?.map((e) => e.name)).toEqual(['new-1', 'left-running', 'done-1']);
  });

  it('exposes the execution in the context object', async () => {
    // Prepare
    const { server, sfn, arn } = await start(
      { Record: async (input) => lambdaResult(input) },
      {
        definition: {
          StartAt: 'Record',
          States: {
            Record: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: {
                FunctionName: 'record',
                'Payload.$': '$',
                'executionId.$': '$$.Execution.Id',
                'executionName.$': '$$.Execution.Name',
              },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
      },
    );

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'ctx-1', input: '{"k":1}' }),
    );
    await server.waitForIdle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      FunctionName: 'record',
      Payload: { k: 1 },
      executionId: executionArn,
      executionName: 'ctx-1',
    });
  });

  it('serves ListStateMachines and DescribeStateMachine', async () => {
    // Prepare
    const { sfn, arn } = await start({ InvokeModel: neverCalled, SendToDlq: neverCalled });

    // Act
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));

    // Assess
    expect(listed.stateMachines?.map((m) => [m.name, m.stateMachineArn, m.type])).toEqual([
      [MACHINE, arn, 'STANDARD'],
    ]);
    expect(described.status).toBe('ACTIVE');
    expect(JSON.parse(described.definition ?? 'null')).toEqual(fixtureDefinition());
  });

  it('refuses to start when a Task state has no handler', async () => {
    // Act
    const starting = startStepFunctionsServer({
      stateMachines: [
        {
          name: MACHINE,
          definition: fixtureDefinition(),
          taskHandlers: { InvokeModel: neverCalled },
        },
      ],
    });

    // Assess
    await expect(starting).rejects.toThrow(
      'TASK_HANDLER_MISSING: extract: no handler for Task state(s) SendToDlq',
    );
  });

  const cliPresent = existsSync(AWS_CLI);
  it.skipIf(!cliPresent)(
    cliPresent
      ? 'answers the AWS CLI v2 stepfunctions list-executions'
      : 'answers the AWS CLI v2 (skipped: /usr/bin/aws not installed; apt-get install awscli)',
    async () => {
      // Prepare
      const { server, sfn, arn } = await start({
        InvokeModel: async () => lambdaResult({}),
        SendToDlq: neverCalled,
      });
      await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'from-cli' }));
      await server.waitForIdle();

      // Act
      const { stdout } = await promisify(execFile)(
        AWS_CLI,
        [
          'stepfunctions',
          'list-executions',
          '--endpoint-url',
          server.endpoint,
          '--state-machine-arn',
          arn,
          '--output',
          'json',
        ],
        {
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: tmpdir(),
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_PAGER: '',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      );

      // Assess
      const listed = z
        .object({ executions: z.array(z.object({ name: z.string(), status: z.string() })) })
        .parse(JSON.parse(stdout));
      expect(listed.executions).toEqual([
        expect.objectContaining({ name: 'from-cli', status: 'SUCCEEDED' }),
      ]);
    },
  );
});
