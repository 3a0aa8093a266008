/**
 * Whether a recording step still has to record, from the ledger entry alone
 * (ADR 63): recorded for this attempt of this execution (a retry), open, or
 * overtaken by a later attempt; entries built with the ledger's own rules.
 */
import { describe, expect, it } from 'vitest';
import { applyLedgerEvent, type LedgerEntry, type LedgerEvent } from '#core/ledger/lifecycle.ts';
import { failureStanding, resultStanding } from '#core/ledger/recording-standing.ts';
import { ledgerTime, processingEvent, receivedEvent } from '#test/helpers/ledger-events.ts';

const DOC = 'c'.repeat(64);
const arnOf = (attempt: number) =>
  `arn:aws:states:us-east-1:000000000000:execution:medextract-local-extract:${DOC}${attempt === 0 ? '' : `-r${attempt}`}`;
const at = ledgerTime;
const run = (attempt: number) => ({ attempt, executionArn: arnOf(attempt) });

/** The entry after `events`, each applied with the ledger's rules (every one must write). */
const entryAfter = (...events: LedgerEvent[]): LedgerEntry => {
  let entry: LedgerEntry | undefined;
  for (const event of events) {
    const decision = applyLedgerEvent(entry, event);
    if (decision.kind !== 'write') throw new Error(`${event.kind} did not write: ${decision.kind}`);
    entry = decision.entry;
  }
  if (entry === undefined) throw new Error('no events');
  return entry;
};
const received = receivedEvent(DOC, 'incoming/c.pdf');
const processing = (second: number, attempt = 0): LedgerEvent =>
  processingEvent(second, arnOf(attempt), attempt);
const succeeded = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'succeeded',
  at: at(second),
  attempt,
  promptVersion: '2.2.0',
});
const needsReview = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'needs_review',
  at: at(second),
  attempt,
  promptVersion: '2.2.0',
  flagCount: 2,
});
const failed = (second: number, attempt = 0): LedgerEvent => ({
  kind: 'failed',
  at: at(second),
  attempt,
  reason: 'MODEL_TIMEOUT',
  promptVersion: '2.2.0',
});
const approved = (second: number): LedgerEvent => ({
  kind: 'review_approved',
  at: at(second),
  reviewedBy: 'reviewer-1',
});

describe('resultStanding', () => {
  it('is open until the attempt has an outcome', () => {
    expect(resultStanding(entryAfter(received), run(0))).toEqual({ kind: 'open' });
    expect(resultStanding(entryAfter(received, processing(1)), run(0))).toEqual({ kind: 'open' });
  });

  it("is recorded, with the step's own answer, once this execution's outcome is on record", () => {
    expect(resultStanding(entryAfter(received, processing(1), succeeded(2)), run(0))).toEqual({
      kind: 'recorded',
      status: 'SUCCEEDED',
    });
    expect(resultStanding(entryAfter(received, processing(1), needsReview(2)), run(0))).toEqual({
      kind: 'recorded',
      status: 'NEEDS_REVIEW',
    });
    // Approved since: the step had answered NEEDS_REVIEW.
    const reviewed = entryAfter(received, processing(1), needsReview(2), approved(3));
    expect(reviewed.status).toBe('SUCCEEDED');
    expect(resultStanding(reviewed, run(0))).toEqual({ kind: 'recorded', status: 'NEEDS_REVIEW' });
    // An outcome written before any PROCESSING names no execution: the attempt decides.
    expect(resultStanding(entryAfter(received, succeeded(2)), run(0))).toMatchObject({
      kind: 'recorded',
    });
  });

  it('is open for a redrive of a FAILED attempt, and for another execution of the same attempt', () => {
    const failedFirst = entryAfter(received, processing(1), failed(2));
    expect(resultStanding(failedFirst, run(1))).toEqual({ kind: 'open' });
    // Attempt 0's own RecordResult after its failure was recorded: not its outcome.
    expect(resultStanding(failedFirst, run(0))).toEqual({ kind: 'open' });
    const done = entryAfter(received, processing(1), succeeded(2));
    expect(resultStanding(done, { attempt: 0, executionArn: arnOf(7) })).toEqual({ kind: 'open' });
  });

  it('is overtaken when a later attempt holds the entry, whatever its status', () => {
    const redriven = entryAfter(received, processing(1), failed(2), processing(3, 1));
    expect(resultStanding(redriven, run(0))).toEqual({ kind: 'overtaken', ledgerAttempt: 1 });
    const redone = entryAfter(
      received,
      processing(1),
      failed(2),
      processing(3, 1),
      succeeded(4, 1),
    );
    expect(resultStanding(redone, run(0))).toEqual({ kind: 'overtaken', ledgerAttempt: 1 });
  });
});

describe('failureStanding', () => {
  it('is open without an entry: the failure is recorded without a key', () => {
    expect(failureStanding(undefined, run(0))).toEqual({ kind: 'open' });
  });

  it("is recorded only for this execution's FAILED outcome", () => {
    expect(failureStanding(entryAfter(received, processing(1), failed(2)), run(0))).toEqual({
      kind: 'recorded',
      status: 'FAILED',
    });
    expect(failureStanding(entryAfter(received, processing(1)), run(0))).toEqual({ kind: 'open' });
    // A success of the same attempt is RecordResult's outcome, not a failure on record.
    expect(failureStanding(entryAfter(received, processing(1), succeeded(2)), run(0))).toEqual({
      kind: 'open',
    });
    expect(failureStanding(entryAfter(received, processing(1), failed(2)), run(1))).toEqual({
      kind: 'open',
    });
  });

  it('is overtaken when a later attempt holds the entry', () => {
    const redone = entryAfter(received, processing(1), failed(2), processing(3, 1), failed(4, 1));
    expect(failureStanding(redone, run(0))).toEqual({ kind: 'overtaken', ledgerAttempt: 1 });
    expect(failureStanding(redone, run(1))).toEqual({ kind: 'recorded', status: 'FAILED' });
  });
});
