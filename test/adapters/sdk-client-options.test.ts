/**
 * The SDK clients' reused middleware stacks (ADR 72): what the option does
 * to a client's requests, and which of MedExtract's clients take it.
 */
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { localS3ClientConfig } from '#local/s3-sqs.ts';

/** A request handler that answers every request with an empty JSON list, with no network. */
const answering = (body: string) => ({
  handle: async () => ({
    response: {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: new TextEncoder().encode(body),
    },
  }),
});

const clientWith = (options: { cacheMiddleware?: boolean }) =>
  new SFNClient({
    ...options,
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: answering('{"stateMachines":[],"executions":[]}'),
  });

describe('REUSED_MIDDLEWARE', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('resolves a command class middleware stack once per client, not once per request', async () => {
    // Prepare
    const listMachines = vi.spyOn(ListStateMachinesCommand.prototype, 'resolveMiddleware');
    const listExecutions = vi.spyOn(ListExecutionsCommand.prototype, 'resolveMiddleware');
    const client = clientWith(REUSED_MIDDLEWARE);

    // Act
    const first = await client.send(new ListStateMachinesCommand({}));
    const second = await client.send(new ListStateMachinesCommand({ maxResults: 5 }));
    await client.send(
      new ListExecutionsCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
      }),
    );

    // Assess
    expect(first.stateMachines).toEqual([]);
    expect(second.stateMachines).toEqual([]);
    expect(listMachines).toHaveBeenCalledTimes(1);
    expect(listExecutions).toHaveBeenCalledTimes(1);
  });

  it('is what makes the difference: without it every request resolves the stack again', async () => {
    // Prepare
    const listMachines = vi.spyOn(ListStateMachinesCommand.prototype, 'resolveMiddleware');
    const client = clientWith({});

    // Act
    await client.send(new ListStateMachinesCommand({}));
    await client.send(new ListStateMachinesCommand({}));

    // Assess
    expect(listMachines).toHaveBeenCalledTimes(2);
  });

  it('still sends each request its own input', async () => {
    // Prepare
    const seen: string[] = [];
    const client = new SFNClient({
      ...REUSED_MIDDLEWARE,
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (request: { body?: Uint8Array }) => {
          seen.push(new TextDecoder().decode(request.body));
          return answering('{"executions":[]}').handle();
        },
      },
    });

    // Act
    for (const arn of [
      'arn:aws:states:us-east-1:000000000000:stateMachine:a',
      'arn:aws:states:us-east-1:000000000000:stateMachine:b',
    ]) {
      await client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    }

    // Assess
    expect(seen.map((body) => JSON.parse(body).stateMachineArn)).toEqual([
      'arn:aws:states:us-east-1:000000000000:stateMachine:a',
      'arn:aws:states:us-east-1:000000000000:stateMachine:b',
    ]);
  });

  it('is set on the clients the handlers and the local runtime send documents through', async () => {
    // Prepare
    const { s3Client } = await import('#functions/shared/clients/s3.ts');
    const { sfnClient } = await import('#functions/shared/clients/sfn.ts');
    const { bedrockClient } = await import('#functions/shared/clients/bedrock.ts');

    // Act
    const settings = [s3Client(), sfnClient(), bedrockClient()].map(
      (client) => client.config.cacheMiddleware,
    );

    // Assess
    expect(settings).toEqual([true, true, true]);
    expect(localS3ClientConfig('http://127.0.0.1:1').cacheMiddleware).toBe(true);
  });
});
