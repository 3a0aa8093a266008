/**
 * NEEDS_REVIEW in the ledger: the attempt's terminal outcome with its flag
 * count, left only by a reviewer's approval (to SUCCEEDED, with who and
 * when), never reopened by a redrive; and the reconciler recording it for an
 * execution whose outcome never reached the ledger.
 */
import { describe, expect, it } from 'vitest';
import { LedgerItemSchema } from '#contracts/ledger-items.ts';
import {
  applyLedgerEvent,
  type LedgerEntry,
  type LedgerEvent,
  TERMINAL_STATUSES,
} from '#core/ledger/lifecycle.ts';
import { repairFor } from '#core/ledger/reconcile.ts';
import { ledgerTime, processingEvent, receivedEvent } from '#test/helpers/ledger-events.ts';

const DOC = 'b'.repeat(64);
const ARN = 'arn:aws:states:us-east-1:000000000000:execution:medextract-local-extract:x';
const at = ledgerTime;

const received = receivedEvent(DOC, 'incoming/b.pdf');
const processing = (second: number, attempt = 0): LedgerEvent =>
  processingEvent(second, ARN, attempt);
const needsReview = (second: number, attempt = 0, flagCount = 2): LedgerEvent => ({
  kind: 'needs_review',
  at: at(second),
  attempt,
  promptVersion: '2.1.0',
  flagCount,
});
const approved = (second: number, reviewedBy = 'underwriter-7'): LedgerEvent => ({
  kind: 'review_approved',
  at: at(second),
  reviewedBy,
});

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

describe('needs_review', () => {
  it('ends the attempt NEEDS_REVIEW with its flag count, prompt version and completion time', () => {
    const entry = run(received, processing(1), needsReview(4, 0, 3));
    expect(entry).toMatchObject({
      status: 'NEEDS_REVIEW',
      reason: null,
      completedAt: at(4),
      promptVersion: '2.1.0',
      reviewFlags: 3,
      reviewedBy: null,
      reviewedAt: null,
    });
    expect(TERMINAL_STATUSES.has(entry.status)).toBe(true);
  });

  it('is a duplicate when repeated and refuses SUCCEEDED or FAILED of the same attempt after it', () => {
    const entry = run(received, processing(1), needsReview(4));
    expect(applyLedgerEvent(entry, needsReview(6)).kind).toBe('duplicate');
    expect(
      applyLedgerEvent(entry, { kind: 'succeeded', at: at(7), attempt: 0, promptVersion: '2.1.0' })
        .kind,
    ).toBe('refused');
    expect(
      applyLedgerEvent(entry, {
        kind: 'failed',
        at: at(7),
        attempt: 0,
        reason: 'INTERNAL_ERROR',
        promptVersion: null,
      }).kind,
    ).toBe('refused');
  });

  it('is not reopened by a later attempt (a redrive), unlike FAILED', () => {
    const entry = run(received, processing(1), needsReview(4));
    const redrive = applyLedgerEvent(entry, processing(10, 1));
    expect(redrive).toMatchObject({ kind: 'refused' });
    expect(applyLedgerEvent(entry, needsReview(12, 1)).kind).toBe('refused');
  });
});

describe('review_approved', () => {
  it('moves NEEDS_REVIEW to SUCCEEDED with reviewer and time, keeping the extraction time', () => {
    const entry = run(received, processing(1), needsReview(4), approved(30));
    expect(entry).toMatchObject({
      status: 'SUCCEEDED',
      statusAt: at(30),
      completedAt: at(4),
      reviewedBy: 'underwriter-7',
      reviewedAt: at(30),
      reviewFlags: 2,
      attempt: 0,
      revision: 4,
    });
  });

  it('is a duplicate once approved, and refused for any status but NEEDS_REVIEW', () => {
    const done = run(received, processing(1), needsReview(4), approved(30));
    expect(applyLedgerEvent(done, approved(40, 'someone-else'))).toEqual({
      kind: 'duplicate',
      entry: done,
    });
    const succeeded = run(received, {
      kind: 'succeeded',
      at: at(2),
      attempt: 0,
      promptVersion: '2.0.0',
    });
    expect(applyLedgerEvent(succeeded, approved(5))).toMatchObject({
      kind: 'refused',
      why: 'SUCCEEDED cannot be approved',
    });
    expect(applyLedgerEvent(run(received, processing(1)), approved(5)).kind).toBe('refused');
    expect(applyLedgerEvent(undefined, approved(5)).kind).toBe('refused');
  });
});

describe('ledger item', () => {
  it('reads items written before review existed, with the review fields null', () => {
    const { reviewFlags: _f, reviewedBy: _b, reviewedAt: _a, ...old } = run(received);
    expect(LedgerItemSchema.parse(old)).toMatchObject({
      reviewFlags: null,
      reviewedBy: null,
      reviewedAt: null,
    });
  });
});

describe('reconciler repair', () => {
  const settings = { graceSeconds: 60, executionTimeoutSeconds: 900 };
  const now = new Date('2026-12-01T10:00:00.000Z');
  const entry = run(received, processing(1));
  const view = (reviewFlags: number | null | undefined) => ({
    status: 'SUCCEEDED' as const,
    startedAt: at(1),
    promptVersion: '2.1.0',
    interruptedAttempts: 0,
    ...(reviewFlags === undefined ? {} : { reviewFlags }),
  });

  it('records NEEDS_REVIEW for a finished execution whose result needed review', () => {
    expect(repairFor(entry, view(4), now, settings)).toEqual({
      kind: 'record-needs-review',
      attempt: 0,
      promptVersion: '2.1.0',
      flagCount: 4,
    });
  });

  it('records SUCCEEDED when the execution says nothing about review', () => {
    expect(repairFor(entry, view(null), now, settings).kind).toBe('record-succeeded');
    expect(repairFor(entry, view(undefined), now, settings).kind).toBe('record-succeeded');
  });

  it('leaves a NEEDS_REVIEW entry alone: it is an outcome', () => {
    const done = run(received, processing(1), needsReview(4));
    expect(repairFor(done, view(4), now, settings)).toEqual({ kind: 'wait' });
  });
});
