/**
 * `idempotentRecording` (ADR 59): the recording tasks' idempotency layer is
 * built on the first invocation, but a function without its table's
 * variable still fails when its handler is made at init; and the layer,
 * once built, keeps a retried execution from running the task twice.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';

const ddb = mockClient(DynamoDBClient);
let idempotentRecording: typeof import('#functions/shared/idempotency.ts')['idempotentRecording'];

beforeAll(async () => {
  setHandlerEnv();
  ({ idempotentRecording } = await import('#functions/shared/idempotency.ts'));
});

afterEach(() => {
  ddb.reset();
  vi.unstubAllEnvs();
});

describe('idempotentRecording', () => {
  it('reads the idempotency table variable when the handler is made, not on its first call', () => {
    // Prepare
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', undefined);

    // Act
    const make = () => idempotentRecording(async () => 'recorded', 'probe');

    // Assess
    expect(make).toThrow(/IDEMPOTENCY_TABLE_NAME/);
  });

  it('runs the task once per execution id: a retry gets the stored result', async () => {
    // Prepare
    const task = vi.fn(async (event: { execution: { id: string } }) => ({
      recorded: event.execution.id,
    }));
    const handler = idempotentRecording(task, 'probe');
    const event = { execution: { id: 'arn:aws:states:us-east-1:1:execution:x:1' } };
    ddb.on(PutItemCommand).resolvesOnce({});
    ddb.on(UpdateItemCommand).resolves({});

    // Act
    const first = await handler(event, testContext('record-result'));
    const stored = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    // The retry finds the completed record that the first call stored.
    const completed = { ...stored, status: { S: 'COMPLETED' }, data: { M: marshall(first) } };
    ddb
      .on(PutItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: completed }),
      );
    ddb.on(GetItemCommand).resolves({ Item: completed });
    const second = await handler(event, testContext('record-result'));

    // Assess
    expect(first).toEqual({ recorded: event.execution.id });
    expect(second).toEqual(first);
    expect(task).toHaveBeenCalledTimes(1);
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe(
      'medextract-test-idempotency',
    );
  });
});
