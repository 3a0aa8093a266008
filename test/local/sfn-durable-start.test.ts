/**
 * The local Step Functions endpoint runs no task of an execution before the
 * execution's record is on disk, so a crash can never leave task side
 * effects (results, ledger entries) of an execution the next start does
 * not know about.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, dirs, lambdaResult, neverCalled, start, waitForStatus } from './sfn-harness.ts';

afterEach(cleanUp);

/** The record file the runtime keeps for an execution (persistence.ts names it so). */
const recordPath = (dataDir: string, executionArn: string): string =>
  join(
    dataDir,
    `${createHash('sha256').update(executionArn).digest('hex').slice(0, 40)}.record.json`,
  );

describe('local Step Functions endpoint: durable start', () => {
  it('writes the RUNNING record before the first task runs, for every one of many concurrent starts', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-durable-'));
    dirs.push(dataDir);
    const seenAtFirstTask: string[] = [];
    const handlers = {
      InvokeModel: async (input: unknown) => {
        // The fixture's Task passes the state as the Lambda payload.
        const executionArn = String((input as { Payload: { arn: string } }).Payload.arn);
        const path = recordPath(dataDir, executionArn);
        seenAtFirstTask.push(
          existsSync(path)
            ? String((JSON.parse(readFileSync(path, 'utf8')) as { status: string }).status)
            : 'no record on disk',
        );
        return lambdaResult({ tokens: 1 });
      },
      SendToDlq: neverCalled,
    };
    const { server, sfn, arn } = await start(handlers, { dataDir });
    const names = Array.from({ length: 40 }, (_, i) => `durable-${i}`);
    const arnOf = (name: string) => `${arn.replace(':stateMachine:', ':execution:')}:${name}`;

    // Act
    await Promise.all(
      names.map((name) =>
        sfn.send(
          new StartExecutionCommand({
            stateMachineArn: arn,
            name,
            input: JSON.stringify({ arn: arnOf(name) }),
          }),
        ),
      ),
    );
    await server.waitForIdle();
    const statuses = await Promise.all(names.map((name) => waitForStatus(sfn, arnOf(name))));

    // Assess
    expect(seenAtFirstTask).toHaveLength(names.length);
    expect(seenAtFirstTask.filter((status) => status !== 'RUNNING')).toEqual([]);
    expect(statuses.every((status) => status === 'SUCCEEDED')).toBe(true);
  });
});
