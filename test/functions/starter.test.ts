/** Starter: S3 notifications in SQS -> StartExecution named by document id, partial batch failures. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { loadEvent, loadSqsEvent } from '#events/index.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';

let handler: typeof import('#functions/starter/handler.ts')['handler'];
const sfn = mockClient(SFNClient);

beforeAll(async () => {
  setHandlerEnv();
  ({ handler } = await import('#functions/starter/handler.ts'));
});
afterEach(() => sfn.reset());

const record = (body: string, messageId: string): SQSRecord => {
  const base = loadSqsEvent('sqs/s3-object-created').Records[0];
  if (!base) throw new Error('fixture has no record');
  return { ...base, body, messageId };
};

const notificationFor = (key: string, versionId = 'v1'): string => {
  const event = loadEvent('s3/object-created') as {
    Records: { s3: { object: { key: string; versionId?: string } } }[];
  };
  const first = event.Records[0];
  if (!first) throw new Error('fixture has no record');
  first.s3.object.key = key;
  first.s3.object.versionId = versionId;
  return JSON.stringify(event);
};

describe('starter handler', () => {
  it('starts one execution named by the document id, with the decoded key', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    // Act
    const response = await handler(loadSqsEvent('sqs/s3-object-created'), testContext('starter'));
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const expectedId = documentIdFor({
      bucket: 'medextract-local-documents',
      key: 'incoming/aps 0001+final.pdf',
      versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    });
    const sent = calls[0]?.args[0].input;
    expect(sent?.name).toBe(expectedId);
    expect(sent?.stateMachineArn).toBe(process.env.STATE_MACHINE_ARN);
    expect(JSON.parse(sent?.input ?? '{}')).toEqual({
      documentId: expectedId,
      bucket: 'medextract-local-documents',
      key: 'incoming/aps 0001+final.pdf',
      versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
      etag: '9b2cf535f27731c974343645a3985328',
      size: 48213,
      receivedAt: '2026-11-27T10:15:30.000Z',
    });
  });

  it('acknowledges the S3 test event without starting anything', async () => {
    const response = await handler(loadSqsEvent('sqs/s3-test-event'), testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('treats ExecutionAlreadyExists as done (duplicate notification)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const response = await handler(loadSqsEvent('sqs/s3-object-created'), testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('reports only the failing messages of a batch', async () => {
    // Prepare: a good message, a non-JSON body, and one whose start fails transiently.
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:exec', startDate: new Date() })
      .on(StartExecutionCommand, {
        name: documentIdFor({
          bucket: 'medextract-local-documents',
          key: 'incoming/b.pdf',
          versionId: 'v1',
        }),
      })
      .rejects(new Error('ServiceUnavailable'));
    const event: SQSEvent = {
      Records: [
        record(notificationFor('incoming/a.pdf'), 'good'),
        record('not json', 'poison'),
        record(notificationFor('incoming/b.pdf'), 'transient'),
      ],
    };
    // Act
    const response = await handler(event, testContext('starter'));
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'poison' },
      { itemIdentifier: 'transient' },
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });

  it('starts .pdf in any letter case and skips other keys without failing the message', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const event: SQSEvent = {
      Records: [
        record(notificationFor('work/x/text.txt'), 'm1'),
        record(notificationFor('incoming/x.txt'), 'm2'),
        record(notificationFor('incoming/x.Pdf'), 'm3'),
        record(notificationFor('incoming/SCAN.PDF'), 'm4'),
      ],
    };
    const response = await handler(event, testContext('starter'));
    expect(response.batchItemFailures).toEqual([]);
    const keys = sfn
      .commandCalls(StartExecutionCommand)
      .map((c) => JSON.parse(c.args[0].input.input ?? '{}').key);
    expect(keys).toEqual(['incoming/x.Pdf', 'incoming/SCAN.PDF']);
  });

  it('decodes keys with spaces, plus signs, percent, accents and right-to-left text', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const event: SQSEvent = {
      Records: [
        record(notificationFor('incoming/a+b%2Bc%25+d%C3%A9.pdf'), 'm1'),
        record(
          notificationFor('incoming/%D7%A9%D7%9C%D7%95%D7%9D+%D8%B3%D9%84%D8%A7%D9%85.pdf'),
          'm2',
        ),
      ],
    };
    await handler(event, testContext('starter'));
    const keys = sfn
      .commandCalls(StartExecutionCommand)
      .map((c) => JSON.parse(c.args[0].input.input ?? '{}').key);
    expect(keys).toEqual(['incoming/a b+c% dé.pdf', 'incoming/שלום سلام.pdf']);
  });
});
