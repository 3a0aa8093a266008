/**
 * A stage that opted out of reusing identical documents (ADR 40,
 * `reuseIdenticalDocuments: false`): SelectVariant never looks the content
 * hash up and RecordResult never remembers an extraction, even with the
 * table's name set.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordResultInput } from '#contracts/task-schemas.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

const REUSE_TABLE = 'medextract-test-extraction-reuse';
const HASH = 'a'.repeat(64);
const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
mockClient(DynamoDBClient);

let selectVariant: typeof import('#functions/select-variant/handler.ts')['handler'];
let recordResult: typeof import('#functions/record-result/handler.ts')['handler'];

beforeAll(async () => {
  setHandlerEnv({ PROMPT_CACHE_TTL_SECONDS: '0', REUSE_IDENTICAL_DOCUMENTS: 'false' });
  ({ handler: selectVariant } = await import('#functions/select-variant/handler.ts'));
  ({ handler: recordResult } = await import('#functions/record-result/handler.ts'));
});

describe('reuse switched off for the stage', () => {
  it('SelectVariant returns no reuse without reading the reuse table', async () => {
    // Prepare
    doc.on(BatchGetCommand).resolves({ Responses: { 'medextract-test-experiments': [] } });
    doc.on(GetCommand, { TableName: REUSE_TABLE }).resolves({ Item: { any: 'thing' } });

    // Act
    const output = await selectVariant(
      { documentId: 'c'.repeat(64), contentSha256: HASH },
      testContext('select-variant'),
    );

    // Assess
    expect(output.reuse).toBeNull();
    expect(output.promptVersion).toBe('2.0.0');
    expect(doc.commandCalls(GetCommand, { TableName: REUSE_TABLE })).toHaveLength(0);
  });

  it('RecordResult records SUCCEEDED and remembers nothing', async () => {
    // Prepare
    const event = loadEvent('tasks/record-result') as RecordResultInput;
    const id = event.state.documentId;
    const entries = new Map<string, LedgerEntry>([
      [
        id,
        receivedEntry(id, {
          bucket: 'medextract-test-documents',
          key: 'incoming/a.pdf',
          versionId: null,
          etag: 'e1',
        }),
      ],
    ]);
    doc.on(PutCommand).resolves({});
    serveLedgerTable(doc, 'medextract-test-ledger', entries);
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).resolves({
      Body: sdkStreamMixin(Readable.from([Buffer.from('{}')])),
    });
    const withHash = {
      ...event,
      state: { ...event.state, document: { ...event.state.document, contentSha256: HASH } },
    };

    // Act
    await captureStdout(() => recordResult(withHash, testContext('record-result')));

    // Assess
    expect(entries.get(id)?.status).toBe('SUCCEEDED');
    expect(doc.commandCalls(PutCommand, { TableName: REUSE_TABLE })).toHaveLength(0);
  });
});
