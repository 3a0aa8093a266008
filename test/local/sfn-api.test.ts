/**
 * The local Step Functions endpoint's API surface through the SDK and the AWS
 * CLI v2: idempotent start, exception names for bad requests, paged listings
 * and the state machine operations.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  AWS_CLI,
  cleanUp,
  errorName,
  fixtureDefinition,
  gate,
  gates,
  lambdaResult,
  MACHINE,
  NamedError,
  neverCalled,
  start,
} from './sfn-harness.ts';

afterEach(cleanUp);

describe('local Step Functions endpoint: API', () => {
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
