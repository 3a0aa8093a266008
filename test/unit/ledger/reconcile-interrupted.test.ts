/**
 * `repairFor` on interrupted attempts: an execution that ended without its
 * outcome reaching the ledger (ABORTED, FAILED without a recorded failure, or
 * gone after a task of it ran) runs again as the next attempt under a new
 * name, bounded; an entry its record step finished is never touched; a
 * timeout stays a timeout.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { type ExecutionView, MAX_INTERRUPTED_ATTEMPTS, repairFor } from '#core/ledger/reconcile.ts';
import { receivedEntry } from '#test/helpers/memory-ledger.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const EARLIER = '2026-12-01T09:00:00.000Z';
const settings = { graceSeconds: 60, executionTimeoutSeconds: 900 };
const ID = 'b'.repeat(64);
const ARN = `arn:aws:states:us-east-1:000000000000:execution:medextract-test-extract:${ID}`;

const received: LedgerEntry = receivedEntry(
  ID,
  { bucket: 'b', key: 'incoming/x.pdf', versionId: null, etag: 'e' },
  EARLIER,
);
const processing = (attempt: number): LedgerEntry => ({
  ...received,
  status: 'PROCESSING',
  statusAt: EARLIER,
  processingAt: EARLIER,
  attempt,
  executionArn: attempt === 0 ? ARN : `${ARN}-r${attempt}`,
  revision: 2,
});
const view = (
  status: ExecutionView['status'],
  interruptedAttempts = 0,
  promptVersion: string | null = null,
): ExecutionView => ({
  status,
  startedAt: status === 'MISSING' ? null : EARLIER,
  promptVersion,
  interruptedAttempts,
});

describe('repairFor: interrupted attempts', () => {
  it('runs an ABORTED attempt again as the next one, whether RECEIVED or PROCESSING', () => {
    expect(repairFor(received, view('ABORTED'), NOW, settings)).toEqual({
      kind: 'start',
      attempt: 1,
      why: 'INTERRUPTED',
      interruptedAttempts: 1,
    });
    expect(repairFor(processing(2), view('ABORTED'), NOW, settings)).toEqual({
      kind: 'start',
      attempt: 3,
      why: 'INTERRUPTED',
      interruptedAttempts: 1,
    });
  });

  it('runs a FAILED execution whose failure never reached the ledger again instead of recording INTERNAL_ERROR', () => {
    // The entry still waits, so RecordFailure did not record: the run was cut short.
    expect(repairFor(processing(0), view('FAILED'), NOW, settings)).toEqual({
      kind: 'start',
      attempt: 1,
      why: 'INTERRUPTED',
      interruptedAttempts: 1,
    });
  });

  it('runs a PROCESSING entry whose execution is gone as the next attempt, not under the same name', () => {
    // A task of attempt 0 marked it PROCESSING, so that run wrote things: as
    // attempt 1, anything it still writes is of an older attempt, which the
    // ledger and the recording steps take for stale.
    expect(repairFor(processing(0), view('MISSING'), NOW, settings)).toEqual({
      kind: 'start',
      attempt: 1,
      why: 'INTERRUPTED',
      interruptedAttempts: 1,
    });
    // RECEIVED with no execution: nothing ran, start the same attempt.
    expect(repairFor(received, view('MISSING'), NOW, settings)).toEqual({
      kind: 'start',
      attempt: 0,
      why: 'NOT_STARTED',
      interruptedAttempts: 0,
    });
  });

  it('counts interruptions in a row from the execution and gives up after the bound with INTERRUPTED_REPEATEDLY', () => {
    expect(
      repairFor(processing(2), view('ABORTED', MAX_INTERRUPTED_ATTEMPTS - 1), NOW, settings),
    ).toEqual({
      kind: 'start',
      attempt: 3,
      why: 'INTERRUPTED',
      interruptedAttempts: MAX_INTERRUPTED_ATTEMPTS,
    });
    expect(
      repairFor(processing(3), view('FAILED', MAX_INTERRUPTED_ATTEMPTS), NOW, settings),
    ).toEqual({ kind: 'record-failed', attempt: 3, reason: 'INTERRUPTED_REPEATEDLY' });
    expect(
      repairFor(processing(1), view('ABORTED', 1), NOW, { ...settings, maxInterruptedAttempts: 1 }),
    ).toEqual({ kind: 'record-failed', attempt: 1, reason: 'INTERRUPTED_REPEATEDLY' });
  });

  it('leaves an outcome its own record step wrote as recorded, whatever the execution says', () => {
    const failed: LedgerEntry = {
      ...processing(0),
      status: 'FAILED',
      reason: 'NOT_PDF',
      completedAt: EARLIER,
      revision: 3,
    };
    const succeeded: LedgerEntry = { ...processing(0), status: 'SUCCEEDED', revision: 3 };
    for (const status of ['FAILED', 'ABORTED', 'MISSING'] as const) {
      expect(repairFor(failed, view(status), NOW, settings)).toEqual({ kind: 'wait' });
      expect(repairFor(succeeded, view(status), NOW, settings)).toEqual({ kind: 'wait' });
    }
  });

  it('records a timed-out execution TIMEOUT, not as an interruption', () => {
    expect(repairFor(processing(0), view('TIMED_OUT', 2), NOW, settings)).toEqual({
      kind: 'record-failed',
      attempt: 0,
      reason: 'TIMEOUT',
    });
  });

  it('decides nothing within the grace period', () => {
    const fresh = { ...processing(0), statusAt: '2026-12-01T09:59:30.000Z' };
    for (const status of ['FAILED', 'ABORTED', 'MISSING'] as const) {
      expect(repairFor(fresh, view(status), NOW, settings)).toEqual({ kind: 'wait' });
    }
  });
});
