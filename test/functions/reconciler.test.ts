/**
 * Reconciler: uploads with no ledger entry are admitted, entries whose
 * execution never started are started, interrupted ones run again as the
 * next attempt, and ended executions get their outcome recorded.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentOutcome } from '#adapters/result-record.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { repairFor } from '#core/ledger/reconcile.ts';
import { reconcile } from '#functions/reconciler/reconciler.ts';
import { executionTimeoutSeconds } from '#infra/model-capacity.ts';
import { memoryLedger, receivedEntry } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
afterEach(() => {
  s3.reset();
  sfn.reset();
});

const BUCKET = 'medextract-test-documents';
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:medextract-test-extract';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const EARLIER = '2026-12-01T09:00:00.000Z';
const settings = { graceSeconds: 60, executionTimeoutSeconds: 900 };
const idOf = (key: string) => documentIdFor({ bucket: BUCKET, key, etag: 'e1' });

const deps = (ledger: ReturnType<typeof memoryLedger>, emitted: DocumentOutcome[] = []) => ({
  emitRecord: (outcome: DocumentOutcome) => {
    emitted.push(outcome);
  },
  s3: new S3Client({ region: 'us-east-1' }),
  sfn: new SFNClient({ region: 'us-east-1' }),
  ledger,
  bucket: BUCKET,
  stateMachineArn: ARN,
  versioned: false,
  maxObjects: 1000,
});

describe('reconcile', () => {
  it('admits listed uploads with no entry, once past the grace period, and records odd keys IGNORED', async () => {
    // Prepare
    const ledger = memoryLedger();
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'incoming/lost.pdf', ETag: '"e1"', Size: 10, LastModified: new Date(EARLIER) },
        { Key: 'incoming/notes.txt', ETag: '"e1"', Size: 10, LastModified: new Date(EARLIER) },
        { Key: 'incoming/fresh.pdf', ETag: '"e1"', Size: 10, LastModified: NOW },
      ],
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: NOW });
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    // Act
    const summary = await reconcile(deps(ledger), settings, NOW);
    // Assess
    expect(summary.unrecorded).toBe(2);
    expect(ledger.entries.get(idOf('incoming/lost.pdf'))?.status).toBe('RECEIVED');
    expect(ledger.entries.get(idOf('incoming/notes.txt'))).toMatchObject({
      status: 'IGNORED',
      reason: 'UNSUPPORTED_EXTENSION',
    });
    expect(ledger.entries.has(idOf('incoming/fresh.pdf'))).toBe(false);
    const started = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(started.map((input) => input.name)).toEqual([idOf('incoming/lost.pdf')]);
    expect(started[0]?.input).not.toContain('lost');
  });

  it('runs an interrupted execution again as the next attempt, named -r1', async () => {
    // Prepare
    const ledger = memoryLedger();
    const id = idOf('incoming/a.pdf');
    ledger.entries.set(
      id,
      receivedEntry(
        id,
        { bucket: BUCKET, key: 'incoming/a.pdf', versionId: null, etag: 'e1' },
        EARLIER,
      ),
    );
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED', startDate: new Date(EARLIER) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: NOW });
    // Act
    const summary = await reconcile(deps(ledger), settings, NOW);
    // Assess
    expect(summary).toMatchObject({ restarted: 1, started: 0, unrecorded: 0 });
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.name).toBe(`${id}-r1`);
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      documentId: id,
      receivedAt: EARLIER,
      attempt: 1,
      interruptedAttempts: 1,
    });
  });

  it('records a timed-out execution FAILED and emits its one roll-up record; a success emits none', async () => {
    // Prepare
    const ledger = memoryLedger();
    const timedOut = idOf('incoming/slow.pdf');
    const succeeded = idOf('incoming/done.pdf');
    for (const [id, key] of [
      [timedOut, 'incoming/slow.pdf'],
      [succeeded, 'incoming/done.pdf'],
    ] as const) {
      ledger.entries.set(
        id,
        receivedEntry(id, { bucket: BUCKET, key, versionId: null, etag: 'e1' }, EARLIER),
      );
    }
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) =>
      input.executionArn.endsWith(timedOut)
        ? { status: 'TIMED_OUT', startDate: new Date(EARLIER) }
        : {
            status: 'SUCCEEDED',
            startDate: new Date(EARLIER),
            output: JSON.stringify({ variant: { promptVersion: '2.1.0' } }),
          },
    );
    const emitted: DocumentOutcome[] = [];
    // Act
    const summary = await reconcile(deps(ledger, emitted), settings, NOW);
    // Assess
    expect(summary.recorded).toBe(2);
    expect(ledger.entries.get(timedOut)).toMatchObject({ status: 'FAILED', reason: 'TIMEOUT' });
    expect(ledger.entries.get(succeeded)).toMatchObject({ status: 'SUCCEEDED' });
    expect(emitted).toEqual([
      expect.objectContaining({
        documentId: timedOut,
        attempt: 0,
        outcome: 'Failed',
        reason: 'TIMEOUT',
        latencyMs: NOW.getTime() - Date.parse(EARLIER),
      }),
    ]);
    expect(JSON.stringify(emitted)).not.toContain('slow');
  });

  it('records the outcome of an execution that ended without reaching the ledger', () => {
    const entry = {
      ...receivedEntry(
        'a'.repeat(64),
        { bucket: BUCKET, key: 'k', versionId: null, etag: 'e' },
        EARLIER,
      ),
    };
    const view = (status: 'SUCCEEDED' | 'TIMED_OUT' | 'RUNNING', startedAt = EARLIER) => ({
      status,
      startedAt,
      promptVersion: status === 'SUCCEEDED' ? '2.0.0' : null,
      interruptedAttempts: 0,
    });
    expect(repairFor(entry, view('SUCCEEDED'), NOW, settings)).toEqual({
      kind: 'record-succeeded',
      attempt: 0,
      promptVersion: '2.0.0',
    });
    expect(repairFor(entry, view('TIMED_OUT'), NOW, settings)).toMatchObject({
      kind: 'record-failed',
      reason: 'TIMEOUT',
    });
    // Running for less than the execution timeout: leave it alone.
    expect(repairFor(entry, view('RUNNING', '2026-12-01T09:55:00.000Z'), NOW, settings)).toEqual({
      kind: 'wait',
    });
    // Waiting for admission past the work time is not stuck: the deadline is
    // work time plus the stage's maximum admission wait.
    const waiting = { ...settings, executionTimeoutSeconds: executionTimeoutSeconds(240) };
    const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
    expect(repairFor(entry, view('RUNNING', hoursAgo(1)), NOW, settings)).toMatchObject({
      reason: 'TIMEOUT',
    });
    expect(repairFor(entry, view('RUNNING', hoursAgo(1)), NOW, waiting)).toEqual({ kind: 'wait' });
    expect(repairFor(entry, view('RUNNING', hoursAgo(4.2)), NOW, waiting)).toEqual({
      kind: 'wait',
    });
    expect(repairFor(entry, view('RUNNING', hoursAgo(4.3)), NOW, waiting)).toMatchObject({
      kind: 'record-failed',
      reason: 'TIMEOUT',
    });
    // Within the grace period nothing is decided at all.
    const fresh = { ...entry, statusAt: '2026-12-01T09:59:30.000Z' };
    expect(repairFor(fresh, view('TIMED_OUT'), NOW, settings)).toEqual({ kind: 'wait' });
  });
});
