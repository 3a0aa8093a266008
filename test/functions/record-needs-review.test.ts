/**
 * RecordResult with a grounding summary that asks for review: the ledger
 * outcome, the result JSON and the results row say NEEDS_REVIEW, the EMF
 * record says NeedsReview, and the aggregator counts it as its own outcome
 * (neither succeeded nor failed). Without grounding nothing changes.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleAdds } from '#contracts/metrics-items.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { decodeSubscription, parseLogEvents } from '#functions/aggregator/emf.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { subscriptionEvent } from '#test/helpers/logs-subscription.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
const SOURCE = {
  bucket: 'medextract-local-documents',
  key: 'incoming/r.pdf',
  versionId: null,
  etag: 'e',
};

interface Event {
  execution: { id: string; startTime: string };
  state: { documentId: string; score: Record<string, unknown> };
}

/** The fixture, as an execution of its own, with this grounding summary. */
const eventWith = (grounding: unknown, run: string): Event => {
  const base = loadEvent('tasks/record-result') as Event;
  return {
    execution: { ...base.execution, id: `${base.execution.id}-${run}` },
    state: { ...base.state, score: { ...base.state.score, grounding } },
  };
};
const GROUNDING = (reviewRequired: boolean, flagCount: number) => ({
  uri: 's3://medextract-test-documents/work/x/grounding.json',
  groundedShare: 0.8,
  reviewRequired,
  flagCount,
});

let recordResult: typeof import('#functions/record-result/handler.ts')['handler'];
beforeAll(async () => {
  setHandlerEnv();
  ({ handler: recordResult } = await import('#functions/record-result/handler.ts'));
});
const ledgerEntries = new Map<string, LedgerEntry>();
const documentId = (loadEvent('tasks/record-result') as Event).state.documentId;

beforeEach(() => {
  ledgerEntries.clear();
  ledgerEntries.set(documentId, receivedEntry(documentId, SOURCE));
  doc.on(PutCommand).resolves({});
  serveLedgerTable(doc, 'medextract-test-ledger', ledgerEntries);
  s3.on(PutObjectCommand).resolves({});
  // The extraction at outputUri, and the grounding Score wrote at grounding.uri (a fresh stream per read).
  s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
    const json = input.Key?.endsWith('grounding.json')
      ? { evidence: {}, confidence: {}, review: { required: false, flags: [] } }
      : { patient: {} };
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(json))])) };
  });
});
afterEach(() => {
  s3.reset();
  doc.reset();
});

const resultRow = () =>
  doc
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input)
    .find((input) => input.TableName === 'medextract-test-results')?.Item;

describe('record-result with review required', () => {
  it('ends NEEDS_REVIEW in ledger, result JSON, row and metrics', async () => {
    const { result, lines } = await captureStdout(() =>
      recordResult(eventWith(GROUNDING(true, 3), 'review'), testContext('record-result')),
    );

    expect(result).toMatchObject({ status: 'NEEDS_REVIEW' });
    expect(ledgerEntries.get(documentId)).toMatchObject({
      status: 'NEEDS_REVIEW',
      reviewFlags: 3,
      promptVersion: '2.0.0',
    });
    const body = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body));
    expect(body).toMatchObject({ status: 'NEEDS_REVIEW', fields: { patient: {} } });
    expect(resultRow()).toMatchObject({
      status: 'NEEDS_REVIEW',
      reviewFlags: 3,
      resultUri: `s3://medextract-test-documents/results/${documentId}.json`,
      completeness: 0.9231,
    });

    const emfLines = lines.filter((line) => line.includes('"_aws"'));
    expect(emfLines).toHaveLength(1);
    expect(JSON.parse(emfLines[0] ?? '{}')).toMatchObject({
      Outcome: 'NeedsReview',
      NeedsReview: 1,
      Succeeded: 0,
      Failed: 0,
    });
    // The aggregator reads the record back as its own outcome.
    const batch = parseLogEvents(
      decodeSubscription(
        subscriptionEvent([{ id: '1', timestamp: Date.now(), message: emfLines[0] ?? '' }]),
      ),
    );
    expect(batch.malformed).toBe(0);
    const sample = batch.records[0]?.sample;
    expect(sample).toMatchObject({ succeeded: false, needsReview: true, reason: null });
    if (sample === undefined) throw new Error('no record');
    expect(sampleAdds(sample)).toMatchObject({
      documents: 1,
      succeeded: 0,
      failed: 0,
      needsReview: 1,
    });
  });

  it('stays SUCCEEDED when grounding found nothing to review', async () => {
    const { result, lines } = await captureStdout(() =>
      recordResult(eventWith(GROUNDING(false, 0), 'clean'), testContext('record-result')),
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(ledgerEntries.get(documentId)?.status).toBe('SUCCEEDED');
    expect(resultRow()?.status).toBe('SUCCEEDED');
    expect(resultRow()).not.toHaveProperty('reviewFlags');
    const emf = JSON.parse(lines.find((line) => line.includes('"_aws"')) ?? '{}');
    expect(emf).toMatchObject({ Outcome: 'Succeeded', NeedsReview: 0, Succeeded: 1 });
  });
});
