/**
 * The instrument() wrapper and tracing: every log line carries the Lambda
 * request id, one EMF record per document, no missing-context warnings
 * print, and the X-Ray SDK is loaded (and
 * wraps every client and runs the handler in its own subsegment) only in a
 * Lambda environment with tracing enabled.
 */
import { createRequire } from 'node:module';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { tracingWanted } from '#functions/shared/tracing.ts';
import { captureStdout, HANDLER_ENV, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

// LAMBDA_TASK_ROOT puts the X-Ray SDK in Lambda mode when it loads (the facade segment from the trace header).
const LAMBDA_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  LAMBDA_TASK_ROOT: '/var/task',
  _X_AMZN_TRACE_ID: 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
};
const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
  vi.resetModules();
});

interface LogLine {
  level?: string;
  function_request_id?: string;
  documentId?: string;
  _aws?: unknown;
  [key: string]: unknown;
}
const jsonLines = (lines: string[]): LogLine[] =>
  lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

describe('instrumented handler', () => {
  const doc = mockClient(DynamoDBDocumentClient);
  const ledgerEntries = new Map<string, LedgerEntry>();
  beforeEach(() => {
    doc.reset();
    doc.on(PutCommand).resolves({});
    serveLedgerTable(doc, 'medextract-test-ledger', ledgerEntries);
  });

  it("puts each invocation's request id on every log line and writes one EMF record", async () => {
    // Prepare
    setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const { handler } = await import('#functions/record-failure/handler.ts');
    const event = loadEvent('tasks/record-failure') as {
      state: { documentId: string; attempt: number };
      execution: { id: string };
    };
    // A redrive of the document: a later attempt, recorded again.
    const second = {
      execution: { ...event.execution, id: `${event.execution.id}-r1` },
      state: { ...event.state, attempt: 1 },
    };
    // The starter recorded the upload before the execution started.
    ledgerEntries.set(
      event.state.documentId,
      receivedEntry(event.state.documentId, {
        bucket: 'medextract-test-documents',
        key: 'incoming/observability.pdf',
        versionId: null,
        etag: null,
      }),
    );

    // Act
    const first = await captureStdout(() =>
      handler(event, testContext('record-failure', { awsRequestId: 'request-one' })),
    );
    const next = await captureStdout(() =>
      handler(second, testContext('record-failure', { awsRequestId: 'request-two' })),
    );

    // Assess
    for (const [run, requestId] of [
      [first, 'request-one'],
      [next, 'request-two'],
    ] as const) {
      const logs = jsonLines(run.lines).filter((line) => line.level !== undefined);
      expect(logs.length).toBeGreaterThan(0);
      for (const line of logs) expect(line.function_request_id).toBe(requestId);
      expect(logs.find((line) => line.message === 'Failure recorded')?.documentId).toBe(
        event.state.documentId,
      );
      expect(jsonLines(run.lines).filter((line) => line._aws !== undefined)).toHaveLength(1);
      expect(run.lines.join('\n')).not.toMatch(/registerLambdaContext|No application metrics/);
    }
  });
});

describe('tracing', () => {
  it('is wanted only in a Lambda environment with tracing not switched off', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted(LAMBDA_ENV)).toBe(true);
    expect(tracingWanted({ ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(tracingWanted({ ...LAMBDA_ENV, AWS_SAM_LOCAL: 'true' })).toBe(false);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' })).toBe(false);
  });

  it('leaves the SDK clients unwrapped where it is off (tests, local runtime)', async () => {
    // Prepare
    setHandlerEnv();
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();

    // Act
    const clients = {
      ...(await import('#functions/shared/clients/s3.ts')),
      ...(await import('#functions/shared/clients/sfn.ts')),
      ...(await import('#functions/shared/clients/dynamodb.ts')),
      ...(await import('#functions/shared/clients/bedrock.ts')),
    };
    const { tracingActive } = await import('#functions/shared/tracing.ts');

    // Assess
    expect(tracingActive()).toBe(false);
    expect(clients.s3Client().middlewareStack.identify().join()).not.toContain('XRaySDK');
  });

  it('wraps every SDK client for X-Ray in a Lambda environment', async () => {
    // Prepare
    Object.assign(process.env, HANDLER_ENV, LAMBDA_ENV);

    // Act
    const clients = {
      ...(await import('#functions/shared/clients/s3.ts')),
      ...(await import('#functions/shared/clients/sfn.ts')),
      ...(await import('#functions/shared/clients/dynamodb.ts')),
      ...(await import('#functions/shared/clients/bedrock.ts')),
    };
    const { tracingActive } = await import('#functions/shared/tracing.ts');

    // Assess
    expect(tracingActive()).toBe(true);
    for (const client of [
      clients.s3Client(),
      clients.sfnClient(),
      clients.dynamoClient(),
      clients.dynamoDocumentClient(),
      clients.bedrockClient(),
    ]) {
      expect(client.middlewareStack.identify().join()).toContain('XRaySDKInstrumentation');
    }
  });

  it('runs the handler in its own subsegment and gives the invocation segment back', async () => {
    // Prepare
    Object.assign(process.env, HANDLER_ENV, LAMBDA_ENV, { _HANDLER: 'index.handler' });
    const { traceHandler } = await import('#functions/shared/tracing.ts');
    // The same CommonJS X-Ray SDK instance tracer-cjs.cjs loads.
    const xray = createRequire(import.meta.url)('aws-xray-sdk-core') as {
      getSegment: () => { name: string; annotations?: Record<string, unknown> } | undefined;
    };
    const seen: Array<{ name: string | undefined; coldStart: unknown }> = [];
    const look = () => {
      const segment = xray.getSegment();
      seen.push({ name: segment?.name, coldStart: segment?.annotations?.ColdStart });
    };

    // Act
    const answered = await traceHandler(async () => {
      look();
      return 'done';
    })({}, testContext('record-failure'));
    const failed = await traceHandler(async () => {
      look();
      throw new Error('task failed');
    })({}, testContext('record-failure')).catch((error: unknown) => error);
    const after = xray.getSegment()?.name;

    // Assess
    expect(answered).toBe('done');
    expect(failed).toBeInstanceOf(Error);
    expect(seen.map((entry) => entry.name)).toEqual(['## index.handler', '## index.handler']);
    expect(typeof seen[0]?.coldStart).toBe('boolean');
    expect(after).not.toBe('## index.handler');
  });
});
