/**
 * The recording tasks retried (ADR 63): the ledger entry each task reads
 * decides whether its outcome is already recorded. A retry of a recorded
 * attempt sends nothing but that read, emits no metrics and answers as the
 * first call did; a retry after a crash before the ledger write records the
 * outcome once; a reviewer's approval is never overwritten by a late retry;
 * a later attempt's outcome is never overwritten by an earlier one.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLedgerEvent, type LedgerEntry } from '#core/ledger/lifecycle.ts';
import { loadEvent } from '#events/index.ts';
import { captureStdout, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { receivedEntry, serveLedgerTable } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
/** The low-level client: no task may write through it (Powertools' idempotency layer did). */
const ddb = mockClient(DynamoDBClient);

const LEDGER = 'medextract-test-ledger';
const RESULTS = 'medextract-test-results';
const SOURCE = {
  bucket: 'medextract-test-documents',
  key: 'incoming/r.pdf',
  versionId: null,
  etag: 'e',
};

interface TaskEvent {
  execution: { id: string; startTime: string };
  state: { documentId: string; attempt: number; score: Record<string, unknown> };
}
const resultEvent = loadEvent('tasks/record-result') as TaskEvent;
const failureEvent = loadEvent('tasks/record-failure') as TaskEvent;

/** The same step of attempt `attempt` (`<id>-r<n>` after the first), as the state machine sends it. */
const ofAttempt = (event: TaskEvent, attempt: number): TaskEvent => ({
  execution: {
    ...event.execution,
    id: attempt === 0 ? event.execution.id : `${event.execution.id}-r${attempt}`,
  },
  state: { ...event.state, attempt },
});
const needingReview: TaskEvent = {
  ...resultEvent,
  state: {
    ...resultEvent.state,
    score: {
      ...resultEvent.state.score,
      grounding: {
        uri: 's3://medextract-test-documents/grounding/x.json',
        groundedShare: 0.8,
        reviewRequired: true,
        flagCount: 2,
      },
    },
  },
};

const entries = new Map<string, LedgerEntry>();
let crashBeforeLedgerWrite = false;
let recordResult: typeof import('#functions/record-result/handler.ts')['handler'];
let recordFailure: typeof import('#functions/record-failure/handler.ts')['handler'];

beforeAll(async () => {
  // INFO, so the line saying a retry wrote nothing can be asserted.
  setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  ({ handler: recordResult } = await import('#functions/record-result/handler.ts'));
  ({ handler: recordFailure } = await import('#functions/record-failure/handler.ts'));
});

beforeEach(() => {
  entries.clear();
  crashBeforeLedgerWrite = false;
  for (const event of [resultEvent, failureEvent]) {
    entries.set(event.state.documentId, receivedEntry(event.state.documentId, SOURCE));
  }
  doc.on(PutCommand, { TableName: RESULTS }).resolves({});
  serveLedgerTable(doc, LEDGER, entries, {
    beforePut: () => {
      if (!crashBeforeLedgerWrite) return;
      crashBeforeLedgerWrite = false;
      throw new Error('Task timed out after 60.00 seconds');
    },
  });
  s3.on(PutObjectCommand).resolves({});
  // The extraction, and for a grounded result the grounding Score wrote (a fresh stream per read).
  s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
    const json = input.Key?.startsWith('grounding/')
      ? { evidence: {}, confidence: {}, review: { required: true, flags: [] } }
      : { patient: {} };
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(json))])) };
  });
});
afterEach(() => {
  s3.reset();
  doc.reset();
  ddb.reset();
});

/** Every command sent since the last reset of the history, as `<command> <table or key>`. */
const sent = (): string[] => [
  ...doc.calls().map((call) => {
    const command = call.args[0];
    return `${command.constructor.name} ${String((command.input as { TableName?: string }).TableName)}`;
  }),
  ...s3.calls().map((call) => {
    const command = call.args[0];
    return `${command.constructor.name} ${String((command.input as { Key?: string }).Key)}`;
  }),
  ...ddb.calls().map((call) => call.args[0].constructor.name),
];
const forgetCalls = (): void => {
  doc.resetHistory();
  s3.resetHistory();
  ddb.resetHistory();
};
/** Runs a call whose log lines the test does not look at, keeping them off the test output. */
const quietly = async <T>(run: () => Promise<T>): Promise<T> => (await captureStdout(run)).result;
const emfLines = (lines: string[]) => lines.filter((line) => line.includes('"_aws"'));
const messages = (lines: string[]) =>
  lines.flatMap((line) => {
    try {
      return [String((JSON.parse(line) as { message?: unknown }).message)];
    } catch {
      return [];
    }
  });
const ledgerWrites = () =>
  doc.commandCalls(PutCommand).filter((call) => call.args[0].input.TableName === LEDGER);

describe('RecordResult retried', () => {
  it('writes nothing when the attempt is recorded, and answers as the first call did', async () => {
    // Prepare: LoadDocument marked the entry PROCESSING by this execution.
    const id = resultEvent.state.documentId;
    const processing = applyLedgerEvent(entries.get(id), {
      kind: 'processing',
      at: '2026-11-27T10:15:32.000Z',
      executionArn: resultEvent.execution.id,
      attempt: 0,
    });
    if (processing.kind !== 'write') throw new Error('PROCESSING not applied');
    entries.set(id, processing.entry);
    const first = await quietly(() => recordResult(resultEvent, testContext('record-result')));
    const firstSent = sent();
    const recorded = entries.get(id);
    forgetCalls();

    // Act
    const { result, lines } = await captureStdout(() =>
      recordResult(resultEvent, testContext('record-result')),
    );

    // Assess
    expect(firstSent).toEqual([
      `GetCommand ${LEDGER}`,
      `PutCommand ${RESULTS}`,
      `PutCommand ${LEDGER}`,
      `GetObjectCommand work/${id}/extraction-2.0.0.json`,
      `PutObjectCommand results/${id}.json`,
    ]);
    expect(result).toEqual(first);
    expect(result).toEqual({
      resultUri: `s3://medextract-test-documents/results/${id}.json`,
      status: 'SUCCEEDED',
    });
    expect(sent()).toEqual([`GetCommand ${LEDGER}`]);
    expect(emfLines(lines)).toEqual([]);
    expect(messages(lines)).toContain('Result already recorded; nothing written');
    expect(entries.get(id)).toBe(recorded);
  });

  it('records the outcome once when the first call crashed before its ledger write', async () => {
    // Prepare
    const id = resultEvent.state.documentId;
    crashBeforeLedgerWrite = true;
    const crashed = await captureStdout(() =>
      recordResult(resultEvent, testContext('record-result')).catch((error: Error) => error),
    );

    // Act
    const retried = await captureStdout(() =>
      recordResult(resultEvent, testContext('record-result')),
    );

    // Assess
    expect(crashed.result).toBeInstanceOf(Error);
    expect(retried.result).toEqual({
      resultUri: `s3://medextract-test-documents/results/${id}.json`,
      status: 'SUCCEEDED',
    });
    // The crashed put never landed: the one ledger write is the retry's.
    expect(entries.get(id)).toMatchObject({ status: 'SUCCEEDED', attempt: 0, revision: 2 });
    expect(ledgerWrites().map((call) => call.args[0].input.Item?.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    // The row and the result JSON are keyed by document: the retry overwrote them.
    const rows = doc.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === RESULTS);
    expect(rows.map((c) => c.args[0].input.Item?.documentId)).toEqual([id, id]);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      `results/${id}.json`,
      `results/${id}.json`,
    ]);
    // Each call emitted the document's record for the same attempt; the aggregator's
    // document marker counts a second record of an attempt as a duplicate.
    const records = [...emfLines(crashed.lines), ...emfLines(retried.lines)].map(
      (line) => JSON.parse(line) as { documentId: string; attempt: unknown },
    );
    expect(records.map((r) => [r.documentId, r.attempt])).toEqual([
      [id, '0'],
      [id, '0'],
    ]);
  });

  it('leaves an approved review alone: a late retry answers NEEDS_REVIEW and writes nothing', async () => {
    // Prepare
    const id = needingReview.state.documentId;
    const first = await quietly(() => recordResult(needingReview, testContext('record-result')));
    const review = entries.get(id);
    const approval = applyLedgerEvent(review, {
      kind: 'review_approved',
      at: new Date().toISOString(),
      reviewedBy: 'reviewer-1',
    });
    if (approval.kind !== 'write') throw new Error('approval not applied');
    entries.set(id, approval.entry);
    forgetCalls();

    // Act
    const { result, lines } = await captureStdout(() =>
      recordResult(needingReview, testContext('record-result')),
    );

    // Assess
    expect(first).toMatchObject({ status: 'NEEDS_REVIEW' });
    expect(review?.status).toBe('NEEDS_REVIEW');
    expect(result).toEqual(first);
    expect(sent()).toEqual([`GetCommand ${LEDGER}`]);
    expect(emfLines(lines)).toEqual([]);
    expect(entries.get(id)).toMatchObject({ status: 'SUCCEEDED', reviewedBy: 'reviewer-1' });
  });

  it('records a redrive of a FAILED attempt, and never lets the earlier attempt overwrite it', async () => {
    // Prepare: attempt 0 failed and was recorded; the redrive runs as attempt 1.
    const id = resultEvent.state.documentId;
    const failedEvent = { ...failureEvent, state: { ...failureEvent.state, documentId: id } };
    await quietly(() => recordFailure(failedEvent, testContext('record-failure')));
    forgetCalls();

    // Act
    const redriven = await quietly(() =>
      recordResult(ofAttempt(resultEvent, 1), testContext('record-result')),
    );
    const redriveSent = sent();
    forgetCalls();
    const late = await captureStdout(() =>
      recordFailure(failedEvent, testContext('record-failure')),
    );

    // Assess
    expect(redriven).toMatchObject({ status: 'SUCCEEDED' });
    expect(redriveSent).toContain(`PutObjectCommand results/${id}.json`);
    expect(redriveSent).toContain(`PutCommand ${LEDGER}`);
    expect(entries.get(id)).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    // Attempt 0's step, run again after attempt 1 recorded: no row, no metrics, no ledger write.
    expect(late.result).toEqual({ reason: 'NOT_PDF', error: 'BadDocument', cause: 'NOT_PDF' });
    expect(sent()).toEqual([`GetCommand ${LEDGER}`]);
    expect(emfLines(late.lines)).toEqual([]);
  });
});

describe('RecordFailure retried', () => {
  it('writes nothing when the attempt is recorded FAILED, and answers with the same failure', async () => {
    // Prepare
    const id = failureEvent.state.documentId;
    const first = await quietly(() => recordFailure(failureEvent, testContext('record-failure')));
    const firstSent = sent();
    forgetCalls();

    // Act
    const { result, lines } = await captureStdout(() =>
      recordFailure(failureEvent, testContext('record-failure')),
    );

    // Assess
    expect(firstSent).toEqual([
      `GetCommand ${LEDGER}`,
      `PutCommand ${RESULTS}`,
      `PutCommand ${LEDGER}`,
    ]);
    expect(entries.get(id)).toMatchObject({ status: 'FAILED', reason: 'NOT_PDF', attempt: 0 });
    expect(result).toEqual(first);
    expect(sent()).toEqual([`GetCommand ${LEDGER}`]);
    expect(emfLines(lines)).toEqual([]);
    expect(messages(lines)).toContain('Failure already recorded; nothing written');
  });

  it('records the row again without a ledger entry, which has nothing to decide from', async () => {
    // Prepare
    entries.delete(failureEvent.state.documentId);
    await quietly(() => recordFailure(failureEvent, testContext('record-failure')));
    forgetCalls();

    // Act
    const { lines } = await captureStdout(() =>
      recordFailure(failureEvent, testContext('record-failure')),
    );

    // Assess: the same row (keyed by document) is put again; the metrics record is a duplicate.
    expect(sent()).toEqual([`GetCommand ${LEDGER}`, `PutCommand ${RESULTS}`]);
    expect(emfLines(lines)).toHaveLength(1);
  });

  it("records attempt 1's failure over attempt 0's: a retry is of its own attempt only", async () => {
    // Prepare: attempt 0 was recorded FAILED; attempt 1's LoadDocument failed before PROCESSING.
    const id = failureEvent.state.documentId;
    await quietly(() => recordFailure(failureEvent, testContext('record-failure')));
    forgetCalls();

    // Act
    await quietly(() => recordFailure(ofAttempt(failureEvent, 1), testContext('record-failure')));

    // Assess
    expect(sent()).toEqual([
      `GetCommand ${LEDGER}`,
      `PutCommand ${RESULTS}`,
      `PutCommand ${LEDGER}`,
    ]);
    expect(entries.get(id)).toMatchObject({ status: 'FAILED', attempt: 1 });
  });
});
