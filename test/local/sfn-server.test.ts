/**
 * The local Step Functions endpoint's execution lifecycle through the real
 * `@aws-sdk/client-sfn`: success, stop, timeout, the context object, and the
 * refusal to serve a Task state without a handler.
 */
import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { startStepFunctionsServer } from '#local/sfn-server.ts';
import {
  cleanUp,
  fixtureDefinition,
  gate,
  gates,
  historyOf,
  lambdaResult,
  MACHINE,
  NamedError,
  neverCalled,
  start,
  typesOf,
  waitForStatus,
} from './sfn-harness.ts';

afterEach(cleanUp);

describe('local Step Functions endpoint: executions', () => {
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
});
