/**
 * RecordResult / RecordFailure: the row and result JSON written, EMF emitted
 * with allow-listed dimensions only, and a failure never recorded as success.
 */

import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { classifyFailure } from '#functions/record-failure/failure-reason.ts';
import { METRIC_DIMENSIONS } from '#functions/shared/powertools.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
/** The low-level client, through which no recording task writes (ADR 63). */
const ddb = mockClient(DynamoDBClient);
const FIELDS = { patient: { name: 'Quillon Marbrey-Testcase' } };

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}
const emfLines = (lines: string[]): Emf[] =>
  lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);

/** Writes to the results table (the ledger's writes are served separately). */
const resultPuts = () =>
  doc
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.TableName === 'medextract-test-results');

let recordResult: typeof import('#functions/record-result/handler.ts')['handler'];
let recordFailure: typeof import('#functions/record-failure/handler.ts')['handler'];

beforeAll(async () => {
  setHandlerEnv();
  ({ handler: recordResult } = await import('#functions/record-result/handler.ts'));
  ({ handler: recordFailure } = await import('#functions/record-failure/handler.ts'));
});
const ledgerEntries = new Map<string, LedgerEntry>();
const DOCUMENT_ID = (loadEvent('tasks/record-result') as { state: { documentId: string } }).state
  .documentId;
/** Where the ledger says the document lives; execution state carries only its id. */
const SOURCE = {
  bucket: 'medextract-local-documents',
  key: 'incoming/aps 0001+final.pdf',
  versionId: '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
  etag: '9b2cf535f27731c974343645a3985328',
};

beforeEach(() => {
  ledgerEntries.clear();
  ledgerEntries.set(DOCUMENT_ID, receivedEntry(DOCUMENT_ID, SOURCE));
  doc.on(PutCommand).resolves({});
  serveLedgerTable(doc, 'medextract-test-ledger', ledgerEntries);
  s3.on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).resolves({
    Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(FIELDS))])),
  });
});
afterEach(() => {
  s3.reset();
  doc.reset();
  ddb.reset();
});

describe('record-result handler', () => {
  it('writes the SUCCEEDED row and the result JSON, and emits one EMF record', async () => {
    // Prepare
    const event = loadEvent('tasks/record-result') as { state: { documentId: string } };
    // Act
    const { result, lines } = await captureStdout(() =>
      recordResult(event, testContext('record-result')),
    );
    // Assess
    const id = event.state.documentId;
    expect(result).toEqual({
      resultUri: `s3://medextract-test-documents/results/${id}.json`,
      status: 'SUCCEEDED',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toBe(`results/${id}.json`);
    expect(JSON.parse(String(put?.Body))).toMatchObject({
      documentId: id,
      status: 'SUCCEEDED',
      source: SOURCE,
      fields: FIELDS,
    });
    expect(JSON.stringify(event)).not.toContain('aps 0001');
    expect(ledgerEntries.get(id)).toMatchObject({
      status: 'SUCCEEDED',
      promptVersion: '2.0.0',
      attempt: 0,
    });
    const row = resultPuts()[0];
    expect(row?.TableName).toBe('medextract-test-results');
    expect(row?.Item).toMatchObject({
      documentId: id,
      status: 'SUCCEEDED',
      reason: null,
      key: SOURCE.key,
      promptVersion: '2.0.0',
      completeness: 0.9231,
      costMicroUsd: 5500,
      inputTokens: 2450,
      outputTokens: 610,
    });
    // The row and the ledger outcome are the only table writes: no idempotency record.
    expect(doc.commandCalls(PutCommand).map((call) => call.args[0].input.TableName)).toEqual([
      'medextract-test-results',
      'medextract-test-ledger',
    ]);
    expect(ddb.calls()).toHaveLength(0);
    const [emf, ...more] = emfLines(lines);
    expect(more).toHaveLength(0);
    expect(emf?._aws.CloudWatchMetrics[0]?.Namespace).toBe('MedExtract/test');
    expect(emf).toMatchObject({
      PromptVersion: '2.0.0',
      Outcome: 'Succeeded',
      Documents: 1,
      Succeeded: 1,
      Failed: 0,
      CostUsd: 0.0055,
      Completeness: 0.9231,
      costMicroUsd: '5500',
      documentId: id,
    });
  });

  it('puts evidence, confidence and review beside the fields when Score grounded them', async () => {
    // Prepare
    const base = loadEvent('tasks/record-result') as {
      state: { documentId: string; score: Record<string, unknown> };
    };
    const id = base.state.documentId;
    const grounding = {
      evidence: {
        'patient.name': {
          page: 1,
          quote: 'Patient: Quillon Marbrey-Testcase',
          bbox: { x: 72, y: 700, width: 180, height: 10 },
          match: 'exact',
        },
      },
      confidence: { 'patient.name': 0.92 },
      review: { required: false, flags: [] },
    };
    const uri = `s3://medextract-test-documents/grounding/${id}.json`;
    const event = {
      ...base,
      state: {
        ...base.state,
        score: {
          ...base.state.score,
          grounding: { uri, groundedShare: 1, reviewRequired: false, flagCount: 0 },
        },
      },
    };
    s3.on(GetObjectCommand, { Key: `grounding/${id}.json` }).resolves({
      Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(grounding))])),
    });
    // Act
    await recordResult(event, testContext('record-result'));
    // Assess
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(JSON.parse(String(put?.Body))).toMatchObject({ fields: FIELDS, ...grounding });
  });

  it('keeps patient data out of every metric dimension and log line', async () => {
    const { lines } = await captureStdout(() =>
      recordResult(loadEvent('tasks/record-result'), testContext('record-result')),
    );
    expect(lines.join('\n')).not.toContain('Quillon');
    for (const emf of emfLines(lines)) {
      for (const dims of emf._aws.CloudWatchMetrics.flatMap((m) => m.Dimensions)) {
        for (const d of dims) expect(['service', ...METRIC_DIMENSIONS]).toContain(d);
      }
    }
  });
});

describe('record-failure handler', () => {
  it('records FAILED with the reason code, never replacing a success, and emits the failure', async () => {
    // Prepare
    const event = loadEvent('tasks/record-failure') as { state: { documentId: string } };
    // The fixture names its own document (an upload that was not a PDF).
    ledgerEntries.set(event.state.documentId, receivedEntry(event.state.documentId, SOURCE));
    // Act
    const { result, lines } = await captureStdout(() =>
      recordFailure(event, testContext('record-failure')),
    );
    // Assess
    expect(result).toEqual({ reason: 'NOT_PDF', error: 'BadDocument', cause: 'NOT_PDF' });
    const put = resultPuts()[0];
    expect(ledgerEntries.get(event.state.documentId)).toMatchObject({
      status: 'FAILED',
      reason: 'NOT_PDF',
    });
    expect(put?.Item).toMatchObject({
      documentId: event.state.documentId,
      key: SOURCE.key,
      status: 'FAILED',
      reason: 'NOT_PDF',
      promptVersion: 'none',
      completeness: null,
    });
    expect(put?.ConditionExpression).toBe(
      'attribute_not_exists(documentId) OR (#status <> :succeeded AND #status <> :review)',
    );
    expect(put?.ExpressionAttributeValues).toEqual({
      ':succeeded': 'SUCCEEDED',
      ':review': 'NEEDS_REVIEW',
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(emfLines(lines)[0]).toMatchObject({
      Outcome: 'Failed',
      Reason: 'NOT_PDF',
      Documents: 1,
      Succeeded: 0,
      Failed: 1,
    });
  });
});

describe('classifyFailure', () => {
  const lambdaCause = (type: string, message: string) =>
    JSON.stringify({ errorType: type, errorMessage: message, trace: [] });
  it.each([
    [
      { Error: 'BadDocument', Cause: lambdaCause('BadDocument', 'ENCRYPTED') },
      'ENCRYPTED',
      'ENCRYPTED',
    ],
    [
      { Error: 'BadDocument', Cause: lambdaCause('BadDocument', 'TOO_MANY_PAGES: 140 > 100') },
      'TOO_MANY_PAGES',
      'TOO_MANY_PAGES: 140 > 100',
    ],
    [
      { Error: 'ModelThrottled', Cause: lambdaCause('ModelThrottled', 'ThrottlingException') },
      'MODEL_THROTTLED',
      'ThrottlingException',
    ],
    [{ Error: 'States.Timeout', Cause: 'Task timed out' }, 'TIMEOUT', 'Task timed out'],
    [
      { Error: 'TypeError', Cause: lambdaCause('TypeError', "Cannot read 'Jane Doe'") },
      'INTERNAL_ERROR',
      'TypeError (details in the execution history)',
    ],
  ])('%j -> %s', (error, reason, cause) => {
    expect(classifyFailure(error)).toEqual({ reason, error: error.Error, cause });
  });
});
