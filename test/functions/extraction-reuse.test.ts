/**
 * Reuse of an identical document's extraction (ADR 40): SelectVariant finds
 * an earlier SUCCEEDED extraction of the same bytes under the chosen prompt
 * version (and nothing else), RecordResult remembers only extractions the
 * ledger holds SUCCEEDED and records a reuse as a cache hit with no model cost.
 */
import { Readable } from 'node:stream';
import {
  ConditionalCheckFailedException,
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
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordResultInput } from '#contracts/task-schemas.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { type ReuseEntry, reuseEntryFor } from '#core/reuse/identical-documents.ts';
import { loadEvent } from '#events/index.ts';
import { rememberIfReusable } from '#functions/record-result/remember-extraction.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

const REUSE_TABLE = 'medextract-test-extraction-reuse';
const HASH = 'a'.repeat(64);
const EARLIER = 'b'.repeat(64);
const LATER = 'c'.repeat(64);
const NOW = new Date();

const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
const ddb = mockClient(DynamoDBClient);

/** An entry RecordResult would have written for EARLIER's SUCCEEDED extraction. */
const remembered = (overrides: Partial<ReuseEntry> = {}): ReuseEntry => ({
  ...reuseEntryFor({
    contentSha256: HASH,
    promptVersion: '2.0.0',
    documentId: EARLIER,
    outputUri: `s3://medextract-test-documents/work/${EARLIER}/extraction-2.0.0.json`,
    modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    servedBy: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    usageEstimated: false,
    recordedAt: NOW,
    workExpirationDays: 7,
  }),
  ...overrides,
});

const aliasTo = (version: string) =>
  doc.on(BatchGetCommand).resolves({
    Responses: {
      'medextract-test-experiments': [
        { pk: 'ALIAS#medical-record#production', sk: 'CURRENT', version, updatedAt: 'x' },
      ],
    },
  });

/** Serves the reuse table with `items`, keyed as the table is. */
const serveReuseTable = (items: readonly ReuseEntry[]) =>
  doc
    .on(GetCommand, { TableName: REUSE_TABLE })
    .callsFake((input: { Key: { reuseKey: string } }) => ({
      Item: items.find((item) => item.reuseKey === input.Key.reuseKey),
    }));

const reuseGets = () =>
  doc
    .commandCalls(GetCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.TableName === REUSE_TABLE);
const reusePuts = () =>
  doc
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.TableName === REUSE_TABLE);

let selectVariant: typeof import('#functions/select-variant/handler.ts')['handler'];
let recordResult: typeof import('#functions/record-result/handler.ts')['handler'];

beforeAll(async () => {
  setHandlerEnv({ PROMPT_CACHE_TTL_SECONDS: '0' });
  ({ handler: selectVariant } = await import('#functions/select-variant/handler.ts'));
  ({ handler: recordResult } = await import('#functions/record-result/handler.ts'));
});
afterEach(() => {
  s3.reset();
  doc.reset();
  ddb.reset();
});

describe('SelectVariant looks the content hash up under the chosen version', () => {
  it('hit: returns the earlier SUCCEEDED extraction after one consistent GetItem', async () => {
    // Prepare
    aliasTo('2.0.0');
    serveReuseTable([remembered()]);

    // Act
    const output = await selectVariant(
      { documentId: LATER, contentSha256: HASH },
      testContext('select-variant'),
    );

    // Assess
    expect(reuseGets()).toEqual([
      { TableName: REUSE_TABLE, Key: { reuseKey: `${HASH}#2.0.0` }, ConsistentRead: true },
    ]);
    expect(output).toMatchObject({ promptVersion: '2.0.0', resolvedBy: 'alias' });
    expect(output.reuse).toEqual({
      reusedFrom: EARLIER,
      outputUri: `s3://medextract-test-documents/work/${EARLIER}/extraction-2.0.0.json`,
      modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      servedBy: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      usageEstimated: false,
    });
  });

  it('miss: nothing remembered for these bytes means the model is called', async () => {
    aliasTo('2.0.0');
    serveReuseTable([]);
    const output = await selectVariant(
      { documentId: LATER, contentSha256: HASH },
      testContext('select-variant'),
    );
    expect(reuseGets()).toHaveLength(1);
    expect(output.reuse).toBeNull();
  });

  it('version differs: an extraction under 2.0.0 is not reused when 1.1.0 is chosen', async () => {
    aliasTo('1.1.0');
    serveReuseTable([remembered()]);
    const output = await selectVariant(
      { documentId: LATER, contentSha256: HASH },
      testContext('select-variant'),
    );
    expect(reuseGets()[0]?.Key).toEqual({ reuseKey: `${HASH}#1.1.0` });
    expect(output.promptVersion).toBe('1.1.0');
    expect(output.reuse).toBeNull();
  });

  it('never reuses an entry that is not SUCCEEDED, has expired, or is the document itself', async () => {
    aliasTo('2.0.0');
    for (const entry of [
      remembered({ status: 'NEEDS_REVIEW' }),
      remembered({ expiresAt: Math.floor(NOW.getTime() / 1000) - 1 }),
      remembered({ documentId: LATER }),
      remembered({ contentSha256: 'd'.repeat(64) }),
    ]) {
      doc.reset();
      aliasTo('2.0.0');
      serveReuseTable([entry]);
      const output = await selectVariant(
        { documentId: LATER, contentSha256: HASH },
        testContext('select-variant'),
      );
      expect(reuseGets(), entry.status).toHaveLength(1);
      expect(output.reuse, JSON.stringify(entry)).toBeNull();
    }
  });

  it('a document without a content hash (loaded before hashing) is not looked up', async () => {
    aliasTo('2.0.0');
    serveReuseTable([remembered()]);
    const output = await selectVariant({ documentId: LATER }, testContext('select-variant'));
    expect(reuseGets()).toHaveLength(0);
    expect(output.reuse).toBeNull();
  });
});

/** RecordResult's state for LATER, which reused EARLIER's extraction. */
const reusedState = (): RecordResultInput => {
  const event = loadEvent('tasks/record-result') as RecordResultInput;
  return {
    ...event,
    state: {
      ...event.state,
      documentId: LATER,
      document: { ...event.state.document, contentSha256: HASH },
      variant: {
        ...event.state.variant,
        reuse: {
          reusedFrom: EARLIER,
          outputUri: remembered().outputUri,
          modelId: remembered().modelId,
          servedBy: remembered().servedBy,
          usageEstimated: false,
        },
      },
      model: {
        ...event.state.model,
        outputUri: remembered().outputUri,
        inputTokens: 0,
        outputTokens: 0,
        modelLatencyMs: 0,
      },
      score: { ...event.state.score, costMicroUsd: 0 },
    },
  };
};

describe('RecordResult', () => {
  const ledgerEntries = new Map<string, LedgerEntry>();
  const SOURCE = {
    bucket: 'medextract-test-documents',
    key: 'incoming/copy.pdf',
    versionId: null,
    etag: 'e1',
  };

  beforeEach(() => {
    ledgerEntries.clear();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(GetItemCommand).resolves({});
    doc.on(PutCommand).resolves({});
    serveLedgerTable(doc, 'medextract-test-ledger', ledgerEntries);
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).resolves({
      Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify({ patient: {} }))])),
    });
  });

  it('remembers a SUCCEEDED extraction under its hash and version, first writer only', async () => {
    // Prepare
    const event = loadEvent('tasks/record-result') as RecordResultInput;
    const id = event.state.documentId;
    ledgerEntries.set(id, receivedEntry(id, SOURCE));
    const withHash = {
      ...event,
      state: { ...event.state, document: { ...event.state.document, contentSha256: HASH } },
    };

    // Act
    await captureStdout(() => recordResult(withHash, testContext('record-result')));

    // Assess
    const put = reusePuts()[0];
    expect(reusePuts()).toHaveLength(1);
    expect(put?.ConditionExpression).toBe('attribute_not_exists(reuseKey) OR expiresAt <= :now');
    expect(put?.Item).toMatchObject({
      reuseKey: `${HASH}#2.0.0`,
      documentId: id,
      outputUri: event.state.model.outputUri,
      status: 'SUCCEEDED',
    });
  });

  it('records a reuse as a cache hit: reusedFrom on ledger, row and result, ExtractionCacheHit 1, no cost', async () => {
    // Prepare
    ledgerEntries.set(LATER, receivedEntry(LATER, SOURCE));

    // Act
    const { lines } = await captureStdout(() =>
      recordResult(reusedState(), testContext('record-result')),
    );

    // Assess
    expect(ledgerEntries.get(LATER)).toMatchObject({ status: 'SUCCEEDED', reusedFrom: EARLIER });
    const row = doc
      .commandCalls(PutCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.TableName === 'medextract-test-results');
    expect(row?.Item).toMatchObject({ reusedFrom: EARLIER, inputTokens: 0, costMicroUsd: 0 });
    const result = s3
      .commandCalls(PutObjectCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.Key === `results/${LATER}.json`);
    expect(JSON.parse(String(result?.Body))).toMatchObject({ reusedFrom: EARLIER });
    const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ ExtractionCacheHit: 1, CostUsd: 0, InputTokens: 0 });
    const dimensions = emf[0]._aws.CloudWatchMetrics[0].Dimensions.flat();
    expect(dimensions).not.toContain('ReusedFrom');
    expect(JSON.stringify(emf[0]._aws)).not.toContain(EARLIER);
    // A reuse is not remembered again: its source already is.
    expect(reusePuts()).toHaveLength(0);
  });

  it('an ordinary success says ExtractionCacheHit 0', async () => {
    const event = loadEvent('tasks/record-result') as RecordResultInput;
    ledgerEntries.set(event.state.documentId, receivedEntry(event.state.documentId, SOURCE));
    const { lines } = await captureStdout(() => recordResult(event, testContext('record-result')));
    const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
    expect(emf[0]).toMatchObject({ ExtractionCacheHit: 0 });
  });
});

describe('rememberIfReusable', () => {
  const settings = { enabled: true, table: REUSE_TABLE, workExpirationDays: 7 } as const;
  const state = () => {
    const event = loadEvent('tasks/record-result') as RecordResultInput;
    return { ...event.state, document: { ...event.state.document, contentSha256: HASH } };
  };
  const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

  it('does not remember NEEDS_REVIEW, an outcome the ledger refused, or a reuse', async () => {
    doc.on(PutCommand).resolves({});
    const cases = [
      { state: state(), status: 'NEEDS_REVIEW', ledgerStatus: 'NEEDS_REVIEW' },
      // The reconciler recorded FAILED first; the ledger kept it.
      { state: state(), status: 'SUCCEEDED', ledgerStatus: 'FAILED' },
      { state: reusedState().state, status: 'SUCCEEDED', ledgerStatus: 'SUCCEEDED' },
    ] as const;
    for (const finished of cases) {
      expect(await rememberIfReusable(client(), settings, { ...finished, at: NOW })).toBe(
        'not-remembered',
      );
    }
    expect(reusePuts()).toHaveLength(0);
  });

  it('keeps the earlier entry when an identical upload remembered first (the race)', async () => {
    doc
      .on(PutCommand, { TableName: REUSE_TABLE })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const outcome = await rememberIfReusable(client(), settings, {
      state: state(),
      status: 'SUCCEEDED',
      ledgerStatus: 'SUCCEEDED',
      at: NOW,
    });
    expect(outcome).toBe('kept-earlier');
    expect(reusePuts()).toHaveLength(1);
  });

  it('writes nothing when the stage opted out', async () => {
    const outcome = await rememberIfReusable(
      client(),
      { enabled: false },
      { state: state(), status: 'SUCCEEDED', ledgerStatus: 'SUCCEEDED', at: NOW },
    );
    expect(outcome).toBe('off');
    expect(doc.commandCalls(PutCommand)).toHaveLength(0);
  });
});
