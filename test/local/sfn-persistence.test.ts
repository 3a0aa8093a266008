/**
 * The local Step Functions endpoint keeps execution records across a restart
 * and marks the executions a stopped process left running ABORTED.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUp,
  dirs,
  gate,
  gates,
  historyOf,
  lambdaResult,
  neverCalled,
  start,
  typesOf,
} from './sfn-harness.ts';

afterEach(cleanUp);

describe('local Step Functions endpoint: persistence', () => {
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
});
