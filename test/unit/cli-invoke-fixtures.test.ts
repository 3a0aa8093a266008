/**
 * `medextract invoke`'s fixtures: every fixture in `events/` has a use (its
 * function, or why it is no handler's event); on a local stack the task
 * fixtures get their document, ledger entry and earlier steps' outputs put
 * in place, idempotently; on a deployed stage nothing is written and the
 * deployed function is invoked with the event as is.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Uint8ArrayBlobAdapter } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { registerInvoke } from '#cli/commands/invoke.ts';
import { FIXTURE_USES, fixtureHelp } from '#cli/invoke-fixtures.ts';
import { invokeDeployed } from '#cli/invoke-remote.ts';
import {
  APS_DOCUMENT,
  FixtureSetupError,
  isPreparedFixture,
  NOT_PDF_DOCUMENT,
  PREPARED_FIXTURES,
  prepareFixture,
  seedDocument,
} from '#cli/invoke-setup.ts';
import { BadDocumentError } from '#contracts/errors.ts';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { EVENT_NAMES, eventPath, loadEvent } from '#events/index.ts';
import { memoryLedger, receivedEntry } from '#test/helpers/memory-ledger.ts';

describe('invoke fixtures', () => {
  it('describes exactly the fixtures in events/, each file present', () => {
    expect(Object.keys(FIXTURE_USES).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) expect(existsSync(eventPath(name))).toBe(true);
  });

  it('gives every function at least one fixture and says what the rest need', () => {
    const covered = new Set(Object.values(FIXTURE_USES).map((use) => use.fn));
    for (const fn of FUNCTION_NAMES) expect(covered.has(fn)).toBe(true);
    for (const use of Object.values(FIXTURE_USES)) {
      if (use.fn === null) expect(use.needs).toBeTruthy();
    }
  });

  it('lists each fixture with its function in the help text', () => {
    const help = fixtureHelp();
    for (const [name, use] of Object.entries(FIXTURE_USES)) {
      expect(help).toMatch(new RegExp(`${name}\\s+${use.fn ?? '\\(no function\\)'}`));
    }
  });
});

const BUCKET = 'medextract-local-documents';
const s3 = mockClient(S3Client);
const notFound = () => Object.assign(new Error('Not Found'), { name: 'NotFound' });

/** Handlers stood in for by their outputs, each call recorded in order. */
const fakeRun = (failLoad = false) => {
  const calls: Array<{ fn: FunctionName; event: unknown }> = [];
  const run = async (fn: FunctionName, event: unknown): Promise<unknown> => {
    calls.push({ fn, event });
    const { documentId } = z.object({ documentId: z.string() }).parse(event);
    if (fn === 'load-document' && failLoad) throw new BadDocumentError('NOT_PDF');
    if (fn === 'load-document') return { textUri: `s3://${BUCKET}/work/${documentId}/text.txt` };
    return { outputUri: `s3://${BUCKET}/work/${documentId}/extraction-2.0.0.json` };
  };
  return { calls, run };
};

const depsWith = (run: (fn: FunctionName, event: unknown) => Promise<unknown>) => {
  const ledger = memoryLedger();
  return {
    ledger,
    deps: {
      s3: new S3Client({}),
      ledger,
      bucket: BUCKET,
      run,
      now: () => new Date('2026-12-01T12:00:00.000Z'),
    },
  };
};

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  s3.on(HeadObjectCommand).rejects(notFound());
});

describe('seedDocument', () => {
  it('puts the document outside incoming/ and records it RECEIVED once, by its ETag', async () => {
    // Prepare
    const { ledger, deps } = depsWith(fakeRun().run);
    const bytes = APS_DOCUMENT.bytes();

    // Act
    const first = await seedDocument(APS_DOCUMENT, deps);
    const second = await seedDocument(APS_DOCUMENT, deps);

    // Assess
    expect(first).toEqual([
      'put the fixture document in the bucket',
      'recorded it RECEIVED in the ledger',
    ]);
    expect(second).toEqual(['put the fixture document in the bucket']);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toMatchObject({ Bucket: BUCKET, Key: 'fixtures/aps 0001+final.pdf' });
    expect(APS_DOCUMENT.key.startsWith('incoming/')).toBe(false);
    expect(ledger.entries.get(APS_DOCUMENT.documentId)).toMatchObject({
      status: 'RECEIVED',
      bucket: BUCKET,
      key: APS_DOCUMENT.key,
      versionId: null,
      etag: createHash('md5').update(bytes).digest('hex'),
      size: bytes.byteLength,
      receivedAt: '2026-12-01T12:00:00.000Z',
    });
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses, writing nothing, when the ledger names another object for the id', async () => {
    // Prepare
    const { ledger, deps } = depsWith(fakeRun().run);
    ledger.entries.set(
      APS_DOCUMENT.documentId,
      receivedEntry(APS_DOCUMENT.documentId, {
        bucket: BUCKET,
        key: APS_DOCUMENT.key,
        versionId: null,
        etag: 'another-etag',
      }),
    );

    // Act / Assess
    await expect(seedDocument(APS_DOCUMENT, deps)).rejects.toThrow(FixtureSetupError);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('prepareFixture', () => {
  it('names exactly the task fixtures whose note says they are put in place', () => {
    const prepared = EVENT_NAMES.filter((name) => FIXTURE_USES[name].prepared);
    expect([...PREPARED_FIXTURES].sort()).toEqual(prepared.sort());
    for (const name of EVENT_NAMES) expect(isPreparedFixture(name)).toBe(prepared.includes(name));
  });

  it.each([
    ['tasks/load-document', []],
    ['tasks/invoke-model', ['load-document']],
    ['tasks/score', ['load-document', 'invoke-model']],
    ['tasks/record-result', ['load-document', 'invoke-model']],
  ] as const)('runs the steps before %s on a fresh stack: %j', async (fixture, steps) => {
    // Prepare
    const { calls, run } = fakeRun();
    const { ledger, deps } = depsWith(run);

    // Act
    await prepareFixture(fixture, deps);

    // Assess
    expect(calls.map((call) => call.fn)).toEqual(steps);
    if (steps.length > 0) expect(calls[0]?.event).toEqual(loadEvent('tasks/load-document'));
    if (steps.length > 1) expect(calls[1]?.event).toEqual(loadEvent('tasks/invoke-model'));
    expect(ledger.entries.get(APS_DOCUMENT.documentId)?.status).toBe('RECEIVED');
  });

  it('runs nothing again when the outputs are already in the bucket', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({});
    const { calls, run } = fakeRun();
    const { deps } = depsWith(run);

    // Act
    await prepareFixture('tasks/record-result', deps);

    // Assess
    expect(calls).toEqual([]);
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: `work/${APS_DOCUMENT.documentId}/extraction-2.0.0.json`,
    });
  });

  it('refuses a stack whose bucket is not the one the fixtures name', async () => {
    const { deps } = depsWith(fakeRun().run);
    await expect(prepareFixture('tasks/score', { ...deps, bucket: 'other' })).rejects.toThrow(
      'the fixture names bucket medextract-local-documents',
    );
  });

  it('fails the not-PDF upload through load-document once, then leaves it', async () => {
    // Prepare
    const { calls, run } = fakeRun(true);
    const { ledger, deps } = depsWith(run);
    const failure = loadEvent('tasks/record-failure') as {
      execution: { id: string };
      state: { documentId: string };
    };

    // Act
    const first = await prepareFixture('tasks/record-failure', deps);
    await ledger.record(NOT_PDF_DOCUMENT.documentId, {
      kind: 'processing',
      at: '2026-12-01T12:00:01.000Z',
      executionArn: failure.execution.id,
      attempt: 0,
    });
    const second = await prepareFixture('tasks/record-failure', deps);

    // Assess
    expect(NOT_PDF_DOCUMENT.documentId).toBe(failure.state.documentId);
    expect(NOT_PDF_DOCUMENT.documentId).not.toBe(APS_DOCUMENT.documentId);
    expect(first).toContain('ran load-document, which refused it NOT_PDF');
    expect(second).not.toContain('ran load-document, which refused it NOT_PDF');
    expect(calls).toEqual([
      {
        fn: 'load-document',
        event: {
          documentId: failure.state.documentId,
          executionId: failure.execution.id,
          attempt: 0,
        },
      },
    ]);
  });

  it('says so when load-document does not refuse the not-PDF upload', async () => {
    const { deps } = depsWith(fakeRun(false).run);
    await expect(prepareFixture('tasks/record-failure', deps)).rejects.toThrow(
      'load-document did not refuse the not-PDF upload as NOT_PDF',
    );
  });
});

describe('invoke on a deployed stage', () => {
  const lambda = mockClient(LambdaClient);
  const cfn = mockClient(CloudFormationClient);
  const sqs = mockClient(SQSClient);
  const dynamo = mockClient(DynamoDBClient);
  const encode = (value: unknown) => Uint8ArrayBlobAdapter.fromString(JSON.stringify(value));
  let out: string[];
  let err: string[];

  beforeEach(() => {
    for (const client of [lambda, cfn, sqs, dynamo]) client.reset();
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'MedExtract-dev',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'DocumentsBucketName', OutputValue: 'medextract-dev-documents' },
            { OutputKey: 'StateMachineArn', OutputValue: 'arn:aws:states:::stateMachine:x' },
          ],
        },
      ],
    });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.example/queue' });
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const runCli = async (args: string[]) => {
    const program = new Command().exitOverride();
    registerInvoke(program);
    await program.parseAsync(args, { from: 'user' });
  };

  it('writes nothing for the fixture, says what it needs and invokes the deployed function', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: encode({ textUri: 's3://b/k' }) });

    // Act
    await runCli(['invoke', 'load-document', '--event', 'tasks/load-document', '--stage', 'dev']);

    // Assess
    expect(s3.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
    expect(err.join('')).toContain(
      `nothing is put in place for a fixture; tasks/load-document needs ${FIXTURE_USES['tasks/load-document'].needs}`,
    );
    const call = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(call?.FunctionName).toBe('medextract-dev-load-document');
    expect(JSON.parse(new TextDecoder().decode(call?.Payload as Uint8Array))).toEqual(
      loadEvent('tasks/load-document'),
    );
    expect(JSON.parse(out.join(''))).toEqual({
      function: 'load-document',
      stage: 'dev',
      result: { textUri: 's3://b/k' },
    });
    expect(process.exitCode).toBeUndefined();
  });

  it("reports the function's error and exits 1", async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'UnknownDocument', errorMessage: 'no ledger entry' }),
    });

    // Act
    await runCli(['invoke', 'score', '--event', 'tasks/score', '--stage', 'dev']);

    // Assess
    expect(JSON.parse(out.join(''))).toMatchObject({
      stage: 'dev',
      error: { name: 'UnknownDocument', message: 'no ledger entry' },
    });
    expect(process.exitCode).toBe(1);
  });

  it('refuses --ephemeral with a deployed stage before touching anything', async () => {
    await expect(
      runCli(['invoke', 'drift', '--event', 'drift/scheduled', '--stage', 'dev', '--ephemeral']),
    ).rejects.toThrow('--ephemeral is for the local stack, not --stage');
    expect(cfn.calls()).toHaveLength(0);
  });

  it('needs a deployed target to invoke a deployed function', async () => {
    const local = { stage: 'local', clients: {} } as unknown as Parameters<
      typeof invokeDeployed
    >[0];
    await expect(invokeDeployed(local, 'drift', {})).rejects.toThrow('needs a deployed stage');
  });
});
