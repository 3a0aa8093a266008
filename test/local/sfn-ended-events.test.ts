/**
 * The local Step Functions endpoint's in-process word that an execution
 * ended: it comes once per execution, after the final record is written (a
 * DescribeExecution in the listener sees the end), for success, failure and
 * stop alike, and not after unsubscribing; and the status it hands without
 * a request is the one DescribeExecution answers.
 */
import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUp,
  gate,
  gates,
  lambdaResult,
  NamedError,
  neverCalled,
  start,
} from './sfn-harness.ts';

/**
 * A runtime whose model task holds the document named `held` until its gate
 * opens, fails the one named `bad`, and answers every other at once.
 */
const startGated = async () => {
  const held = gate();
  gates.push(held);
  const started = await start({
    InvokeModel: async (input) => {
      const { documentId } = (input as { Payload: { documentId: string } }).Payload;
      if (documentId === 'held') await held.opened;
      if (documentId === 'bad') throw new NamedError('ModelRefused', 'no');
      return lambdaResult({ documentId });
    },
    SendToDlq: async () => ({ MessageId: 'm-1', MD5OfMessageBody: '' }),
  });
  /** Starts an execution whose document id is its name; resolves to its ARN. */
  const startRun = async (name: string) =>
    (
      await started.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: started.arn,
          name,
          input: JSON.stringify({ documentId: name }),
        }),
      )
    ).executionArn ?? '';
  return { held, startRun, ...started };
};

afterEach(cleanUp);

describe('local Step Functions endpoint: ended-execution events', () => {
  it('tells each end once, after DescribeExecution already shows it', async () => {
    // Prepare
    const { held, startRun, server, sfn } = await startGated();
    const seen: Array<{ executionArn: string; status: string | undefined }> = [];
    const described: Promise<unknown>[] = [];
    const unsubscribe = server.onExecutionEnded((executionArn) => {
      described.push(
        sfn
          .send(new DescribeExecutionCommand({ executionArn }))
          .then((d) => seen.push({ executionArn, status: d.status })),
      );
    });

    // Act
    const good = await startRun('good');
    const bad = await startRun('bad');
    const stopped = await startRun('held');
    await sfn.send(new StopExecutionCommand({ executionArn: stopped, error: 'E', cause: 'c' }));
    held.open();
    await server.waitForIdle();
    await Promise.all(described);
    unsubscribe();
    const late = await startRun('late');
    await server.waitForIdle();
    await Promise.all(described);

    // Assess
    expect(new Map(seen.map((s) => [s.executionArn, s.status]))).toEqual(
      new Map([
        [good, 'SUCCEEDED'],
        [bad, 'FAILED'],
        [stopped, 'ABORTED'],
      ]),
    );
    expect(seen).toHaveLength(3);
    expect(seen.map((s) => s.executionArn)).not.toContain(late);
  });

  it('keeps ending executions when a listener throws', async () => {
    // Prepare
    const { server, sfn, arn } = await start({
      InvokeModel: async () => lambdaResult({ ok: true }),
      SendToDlq: neverCalled,
    });
    server.onExecutionEnded(() => {
      throw new Error('listener failed');
    });

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'one', input: '{}' }),
    );
    await server.waitForIdle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described.status).toBe('SUCCEEDED');
  });

  it('hands the status, error, cause and output DescribeExecution answers, and nothing for an unknown ARN', async () => {
    // Prepare
    const { held, startRun, server, sfn } = await startGated();
    const both = async (executionArn: string) => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return {
        held: server.executionStatus(executionArn),
        described: {
          status: d.status,
          ...(d.error !== undefined ? { error: d.error } : {}),
          ...(d.cause !== undefined ? { cause: d.cause } : {}),
          ...(d.output !== undefined ? { output: d.output } : {}),
        },
      };
    };

    // Act
    const running = await startRun('held');
    const whileRunning = await both(running);
    const good = await startRun('good');
    const bad = await startRun('bad');
    held.open();
    await server.waitForIdle();
    const ended = await Promise.all([running, good, bad].map(both));
    const unknown = server.executionStatus(running.replace(/:held$/, ':never-started'));

    // Assess
    expect(whileRunning.held).toEqual({ status: 'RUNNING' });
    expect(whileRunning.held).toEqual(whileRunning.described);
    expect(ended.map((e) => e.held?.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
    for (const e of ended) expect(e.held).toEqual(e.described);
    expect(ended[2]?.held?.error).toBeDefined();
    expect(ended.map((e) => e.held?.output !== undefined)).toEqual([true, true, false]);
    expect(unknown).toBeUndefined();
  });
});
