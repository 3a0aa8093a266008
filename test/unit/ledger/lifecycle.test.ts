/**
 * The ledger's status machine: allowed transitions, duplicates and stale
 * events as no-ops, terminal outcomes that stay, redrives, sequencer order.
 */
import { describe, expect, it } from 'vitest';
import {
  applyLedgerEvent,
  canTransition,
  compareSequencers,
  InvalidLedgerEventError,
  LEDGER_STATUSES,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerStatus,
  TERMINAL_STATUSES,
} from '#core/ledger/lifecycle.ts';

const DOC = 'a'.repeat(64);
const ARN = 'arn:aws:states:us-east-1:000000000000:execution:medextract-local-extract:x';
const at = (second: number) => `2026-12-01T09:00:${String(second).padStart(2, '0')}.000Z`;

const received = (second = 0): LedgerEvent => ({
  kind: 'received',
  at: at(second),
  documentId: DOC,
  object: {
    bucket: 'docs',
    key: 'incoming/a.pdf',
    versionId: 'v1',
    etag: 'e1',
    size: 10,
    sequencer: '0A',
  },
});
const processing = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'processing',
  at: at(second),
  executionArn: ARN,
  attempt,
});
const succeeded = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'succeeded',
  at: at(second),
  attempt,
  promptVersion: '2.0.0',
});
const failed = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'failed',
  at: at(second),
  attempt,
  reason: 'MODEL_THROTTLED',
  promptVersion: null,
});

/** Applies events in order, expecting each to be written, and returns the last entry. */
const run = (...events: LedgerEvent[]): LedgerEntry => {
  let entry: LedgerEntry | undefined;
  for (const event of events) {
    const decision = applyLedgerEvent(entry, event);
    if (decision.kind !== 'write') throw new Error(`expected a write, got ${decision.kind}`);
    entry = decision.entry;
  }
  if (entry === undefined) throw new Error('no events');
  return entry;
};

describe('applyLedgerEvent', () => {
  it('creates a RECEIVED entry at revision 1 with the object and no outcome', () => {
    // Act
    const entry = run(received());

    // Assess
    expect(entry).toMatchObject({
      documentId: DOC,
      status: 'RECEIVED',
      key: 'incoming/a.pdf',
      reason: null,
      receivedAt: at(0),
      statusAt: at(0),
      attempt: 0,
      revision: 1,
    });
  });

  it('walks RECEIVED -> PROCESSING -> SUCCEEDED and keeps the times of each step', () => {
    // Act
    const entry = run(received(0), processing(1), succeeded(5));

    // Assess
    expect(entry).toMatchObject({
      status: 'SUCCEEDED',
      processingAt: at(1),
      completedAt: at(5),
      executionArn: ARN,
      promptVersion: '2.0.0',
      revision: 3,
    });
  });

  it('accepts an outcome straight after RECEIVED (the execution beat the PROCESSING write)', () => {
    expect(run(received(0), succeeded(3)).status).toBe('SUCCEEDED');
  });

  it('treats a repeated received event and a repeated outcome as duplicates', () => {
    // Prepare
    const entry = run(received(0), processing(1), failed(2));

    // Act
    const again = applyLedgerEvent(entry, failed(9));
    const receivedAgain = applyLedgerEvent(entry, received(9));

    // Assess
    expect(again).toEqual({ kind: 'duplicate', entry });
    expect(receivedAgain).toEqual({ kind: 'duplicate', entry });
  });

  it('never lets an older event overwrite a terminal outcome', () => {
    // Prepare
    const entry = run(received(0), succeeded(5));

    // Act
    const lateProcessing = applyLedgerEvent(entry, processing(2));
    const lateFailure = applyLedgerEvent(entry, failed(4));

    // Assess
    expect(lateProcessing.kind).toBe('stale');
    expect(lateFailure.kind).toBe('stale');
    expect(lateProcessing.entry).toBe(entry);
  });

  it('refuses a newer event that would replace an outcome within the same attempt', () => {
    // Prepare
    const entry = run(received(0), processing(1), succeeded(2));

    // Act
    const decision = applyLedgerEvent(entry, failed(3));

    // Assess
    expect(decision).toMatchObject({ kind: 'refused', why: 'SUCCEEDED cannot become FAILED' });
  });

  it('reopens a FAILED entry only for a later attempt (a redrive), not a SUCCEEDED one', () => {
    // Prepare
    const failedEntry = run(received(0), processing(1), failed(2));
    const succeededEntry = run(received(0), processing(1), succeeded(2));

    // Act
    const redriven = run(received(0), processing(1), failed(2), processing(3, 1), succeeded(4, 1));
    const onSuccess = applyLedgerEvent(succeededEntry, processing(3, 1));
    const sameAttempt = applyLedgerEvent(failedEntry, processing(3, 0));
    const olderAttempt = applyLedgerEvent(redriven, failed(9, 0));

    // Assess
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', attempt: 1, revision: 5 });
    expect(onSuccess.kind).toBe('refused');
    expect(sameAttempt.kind).toBe('refused');
    expect(olderAttempt.kind).toBe('stale');
  });

  it('records IGNORED and SUPERSEDED only before anything ran', () => {
    // Prepare
    const waiting = run(received(0));
    const running = run(received(0), processing(1));

    // Act
    const ignored = applyLedgerEvent(waiting, { kind: 'ignored', at: at(1), reason: 'UNSAFE_KEY' });
    const superseded = applyLedgerEvent(waiting, {
      kind: 'superseded',
      at: at(1),
      supersededBy: 'b'.repeat(64),
    });
    const supersededWhileRunning = applyLedgerEvent(running, {
      kind: 'superseded',
      at: at(2),
      supersededBy: 'b'.repeat(64),
    });

    // Assess
    expect(ignored).toMatchObject({
      kind: 'write',
      entry: { status: 'IGNORED', reason: 'UNSAFE_KEY' },
    });
    expect(superseded).toMatchObject({
      kind: 'write',
      entry: { status: 'SUPERSEDED', supersededBy: 'b'.repeat(64), reason: null },
    });
    expect(supersededWhileRunning.kind).toBe('refused');
  });

  it('refuses any event but received for a document with no entry', () => {
    expect(applyLedgerEvent(undefined, succeeded(1))).toEqual({
      kind: 'refused',
      entry: undefined,
      why: 'no ledger entry for this document',
    });
  });

  it('normalises event times to one ISO format so they sort as strings', () => {
    // Prepare
    const event = { ...received(), at: '2026-12-01T10:00:00+01:00' };

    // Act
    const entry = run(event);

    // Assess
    expect(entry.receivedAt).toBe('2026-12-01T09:00:00.000Z');
  });

  it('rejects an event with an unreadable time or a negative attempt', () => {
    // Prepare
    const entry = run(received());

    // Act / Assess
    expect(() => applyLedgerEvent(entry, { ...succeeded(1), at: 'yesterday' })).toThrow(
      InvalidLedgerEventError,
    );
    expect(() => applyLedgerEvent(entry, processing(1, -1))).toThrow(InvalidLedgerEventError);
  });
});

describe('transition table', () => {
  it('lets nothing leave a terminal status within an attempt', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of LEDGER_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('matches the documented graph for the two open statuses', () => {
    const targets = (from: LedgerStatus) => LEDGER_STATUSES.filter((to) => canTransition(from, to));
    expect(targets('RECEIVED')).toEqual([
      'PROCESSING',
      'SUCCEEDED',
      'FAILED',
      'IGNORED',
      'SUPERSEDED',
      'NEEDS_REVIEW',
    ]);
    expect(targets('PROCESSING')).toEqual(['SUCCEEDED', 'FAILED', 'NEEDS_REVIEW']);
  });
});

describe('compareSequencers', () => {
  it('orders hex sequencers numerically, whatever their length or case', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
    expect(compareSequencers('FF', '0100')).toBeLessThan(0);
    expect(compareSequencers('0a', '0A')).toBe(0);
    expect(compareSequencers('10', '0F')).toBeGreaterThan(0);
  });
});

describe('interrupted executions', () => {
  it('lets a later attempt take over an entry left PROCESSING, and ignores the older attempt after', () => {
    // Prepare: attempt 0 was interrupted while PROCESSING; the reconciler started attempt 1.
    const interrupted = run(received(0), processing(1));

    // Act
    const retaken = run(received(0), processing(1), processing(5, 1), succeeded(6, 1));
    const lateOld = applyLedgerEvent(retaken, failed(7, 0));

    // Assess
    expect(interrupted.status).toBe('PROCESSING');
    expect(retaken).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    expect(lateOld.kind).toBe('stale');
  });
});
