/**
 * Test harness for the local Step Functions endpoint: a fixture ASL with the
 * shapes MedExtract uses, a server-and-SDK-client starter, gates that hold a
 * Task open, and small readers of executions and their history.
 */
import { rm } from 'node:fs/promises';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import type { LocalStateMachineConfig, TaskHandler } from '#local/sfn/definition.ts';
import { type StepFunctionsServer, startStepFunctionsServer } from '#local/sfn-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const AWS_CLI = '/usr/bin/aws';
export const QUEUE_URL = 'http://127.0.0.1:9/000000000000/extraction-dlq';
export const MACHINE = 'extract';

/** Small ASL with the shapes MedExtract uses: lambda:invoke + Retry + Catch -> sqs:sendMessage -> Fail. */
export const fixtureDefinition = (): object => ({
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

export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export const lambdaResult = (payload: unknown) => ({ Payload: payload, StatusCode: 200 });

export const neverCalled: TaskHandler = async () => {
  throw new Error('handler must not be called');
};

export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export const gate = (): Gate => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

export const servers: StepFunctionsServer[] = [];
export const gates: Gate[] = [];
export const dirs: string[] = [];

/** Opens every gate, stops every server and removes every data folder a test made. */
export const cleanUp = async (): Promise<void> => {
  for (const g of gates.splice(0)) g.open();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
};

export const start = async (
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

export const errorName = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.name : 'non-error';
  }
  return 'resolved';
};

export const historyOf = async (sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> =>
  (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];

export const typesOf = (events: readonly HistoryEvent[]): string[] =>
  events.map((e) => e.type ?? '');

export const waitForStatus = async (sfn: SFNClient, executionArn: string): Promise<string> => {
  for (let poll = 0; poll < 400; poll++) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? 'missing';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return 'RUNNING';
};

export const lambdaCause = z.object({ errorType: z.string(), errorMessage: z.string() });
