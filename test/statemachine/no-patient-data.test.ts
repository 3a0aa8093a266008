/**
 * The real handlers run through the ASL (SDK clients mocked, S3 kept in
 * memory): patient data reaches S3 results, but no state input or output,
 * and no DLQ message, ever contains the document's text or the patient name.
 */

import { Readable } from 'node:stream';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentIdFor } from '#core/extraction/document-id.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { asLambdaInvokeTask, type LambdaHandler } from '#local/lambda-invoke.ts';
import { runExtract, type TaskOverride } from '#test/helpers/extract-machine.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';
import { encryptedPdf, recordPdf, SYNTHETIC_PATIENT } from '#test/helpers/pdf-fixtures.ts';
import { SAMPLE_V2 } from '#test/helpers/sample-extraction.ts';

const BUCKET = 'medextract-test-documents';
const store = new Map<string, Buffer>();
const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
const ddb = mockClient(DynamoDBClient);
const bedrock = mockClient(BedrockRuntimeClient);
const SENSITIVE = [
  SYNTHETIC_PATIENT,
  'Marbrey',
  'TST-448812',
  '1971-03-14',
  '03/14/1971',
  'Essential hypertension',
  'Lisinopril',
];

let tasks: Record<string, TaskOverride>;
const dlq: unknown[] = [];

beforeAll(async () => {
  setHandlerEnv({ DOCUMENTS_BUCKET: BUCKET, PROMPT_CACHE_TTL_SECONDS: '0' });
  const handler = async (path: string): Promise<LambdaHandler> => {
    const module: { handler: LambdaHandler } = await import(/* @vite-ignore */ path);
    return module.handler;
  };
  const lambda = async (state: string, path: string) =>
    asLambdaInvokeTask(state, await handler(path));
  tasks = {
    LoadDocument: await lambda('LoadDocument', '#functions/load-document/handler.ts'),
    SelectVariant: await lambda('SelectVariant', '#functions/select-variant/handler.ts'),
    // Admission runs in the invoke-model function; without settings it admits at once.
    AdmitModelCall: await lambda('AdmitModelCall', '#functions/admit-model-call/handler.ts'),
    InvokeModel: await lambda('InvokeModel', '#functions/invoke-model/handler.ts'),
    ReportModelPressure: await lambda(
      'ReportModelPressure',
      '#functions/admit-model-call/handler.ts',
    ),
    Score: await lambda('Score', '#functions/score/handler.ts'),
    RecordResult: await lambda('RecordResult', '#functions/record-result/handler.ts'),
    RecordFailure: await lambda('RecordFailure', '#functions/record-failure/handler.ts'),
    SendToDLQ: async (parameters) => {
      dlq.push(parameters);
      return { MessageId: 'm1' };
    },
  };
});

beforeEach(() => {
  store.clear();
  dlq.length = 0;
  for (const mock of [s3, doc, ddb, bedrock]) mock.reset();
  s3.on(PutObjectCommand).callsFake(({ Bucket, Key, Body }) => {
    store.set(`${Bucket}/${Key}`, Buffer.from(Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake(({ Bucket, Key }) => {
    const body = store.get(`${Bucket}/${Key}`);
    if (!body) throw new Error('NoSuchKey');
    return { Body: sdkStreamMixin(Readable.from([body])), ContentLength: body.length };
  });
  doc.on(BatchGetCommand).resolves({ Responses: {} });
  doc.on(PutCommand).resolves({});
  ledger.clear();
  serveLedgerTable(doc, 'medextract-test-ledger', ledger);
  // Nothing remembered yet: the model is called (ADR 40).
  doc.on(GetCommand, { TableName: 'medextract-test-extraction-reuse' }).resolves({});
  ddb.on(PutItemCommand).resolves({});
  ddb.on(UpdateItemCommand).resolves({});
  ddb.on(GetItemCommand).resolves({});
  bedrock.on(ConverseCommand).resolves({
    $metadata: {},
    output: {
      message: {
        role: 'assistant',
        content: [
          {
            toolUse: {
              toolUseId: 't',
              name: 'record_medical_record',
              input: JSON.parse(JSON.stringify(SAMPLE_V2)),
            },
          },
        ],
      },
    },
    stopReason: 'tool_use',
    usage: { inputTokens: 900, outputTokens: 300, totalTokens: 1200 },
  });
});

const ledger = new Map<string, LedgerEntry>();

/** Stores the object and its ledger entry as the starter would; returns the execution input. */
const upload = async (key: string, bytes: Buffer) => {
  store.set(`${BUCKET}/${key}`, bytes);
  const documentId = documentIdFor({ bucket: BUCKET, key, etag: 'etag-1' });
  const receivedAt = new Date().toISOString();
  ledger.set(
    documentId,
    receivedEntry(documentId, { bucket: BUCKET, key, versionId: null, etag: 'etag-1' }, receivedAt),
  );
  return { documentId, receivedAt, attempt: 0 };
};

/** Intake file names carry patient names; this one must never leave the ledger. */
const PATIENT_FILE_NAME = 'Marbrey-Testcase, Quillon - APS';

const assertNoPatientData = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const secret of SENSITIVE) expect(text, `found "${secret}"`).not.toContain(secret);
};

describe('execution history', () => {
  it('carries only ids, URIs, numbers and versions on the success path', async () => {
    // Prepare
    const input = await upload(`incoming/${PATIENT_FILE_NAME}.pdf`, await recordPdf());
    // Act
    const { result: run, lines } = await captureStdout(() =>
      runExtract(input, tasks, input.documentId),
    );
    // Assess: the data went through S3, not through state.
    expect(run.status).toBe('SUCCEEDED');
    const result = store.get(`${BUCKET}/results/${input.documentId}.json`)?.toString() ?? '';
    expect(result).toContain(SYNTHETIC_PATIENT);
    expect(store.get(`${BUCKET}/work/${input.documentId}/text.txt`)?.toString()).toContain(
      SYNTHETIC_PATIENT,
    );
    expect(run.events.length).toBeGreaterThan(10);
    assertNoPatientData(run.events);
    assertNoPatientData(run.output);
    assertNoPatientData(lines);
    expect(ledger.get(input.documentId)?.status).toBe('SUCCEEDED');
    // The key is in the result JSON (it is the document's source), nowhere in state.
    expect(result).toContain(PATIENT_FILE_NAME);
    expect(JSON.stringify(run.events)).not.toContain('APS');
  });

  it('keeps patient data out of the failure path and the DLQ message', async () => {
    const input = await upload(`incoming/${PATIENT_FILE_NAME} (2).pdf`, await encryptedPdf());
    const run = await runExtract(input, tasks, input.documentId);
    expect(run.status).toBe('FAILED');
    expect(run.error?.cause).toBe('ENCRYPTED');
    expect(dlq).toHaveLength(1);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
    assertNoPatientData(run.events);
    assertNoPatientData(dlq);
    expect(JSON.stringify([run.events, dlq])).not.toContain('APS');
    expect(ledger.get(input.documentId)).toMatchObject({ status: 'FAILED', reason: 'ENCRYPTED' });
  });
});
