/**
 * One reconciliation pass: admits objects under `incoming/` that have no
 * ledger entry (their notification was lost), then looks at every entry
 * waiting in RECEIVED or PROCESSING past the grace period and starts,
 * restarts or records it as its execution says. An outcome it records
 * itself is also handed to `emitRecord` (the document's roll-up record, as a
 * record step would emit it), so the roll-ups count what the ledger counts.
 * Returns counts per repair; it logs document ids only, never keys.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type SFNClient,
} from '#adapters/aws-sdk/client-sfn.cjs';
import { listIncoming } from '#adapters/incoming-listing.ts';
import type { LedgerRepository } from '#adapters/ledger.ts';
import { type DocumentOutcome, elapsedSince } from '#adapters/result-record.ts';
import { executionArnFor } from '#contracts/executions.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { ExecutionInputSchema } from '#contracts/task-schemas.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { classifyKey } from '#core/ledger/key-classification.ts';
import { isTerminal, type LedgerEntry } from '#core/ledger/lifecycle.ts';
import {
  type ExecutionView,
  executionNameOf,
  type ListedObject,
  MAX_INTERRUPTED_ATTEMPTS,
  type ReconcileSettings,
  type Repair,
  repairFor,
  unrecordedObjects,
} from '#core/ledger/reconcile.ts';
import { admitUpload, startExtraction } from '#functions/shared/admission.ts';

export interface ReconcilerDependencies {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly ledger: LedgerRepository;
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly versioned: boolean;
  readonly maxObjects: number;
  /**
   * Emits the roll-up record of a FAILED outcome the reconciler records. It
   * is emitted before the ledger write: a crash in between repeats both on
   * the next pass, and the roll-ups count one record per document attempt.
   * A SUCCEEDED execution's record was emitted by RecordResult already.
   */
  readonly emitRecord: (outcome: DocumentOutcome) => void;
}

export interface ReconcileSummary {
  /** Objects under incoming/ that had no ledger entry and were admitted now. */
  readonly unrecorded: number;
  /** Entries whose execution was never started, started now. */
  readonly started: number;
  /** Entries whose execution was interrupted (ABORTED), run again as the next attempt. */
  readonly restarted: number;
  /** Entries whose execution had ended without its outcome reaching the ledger, recorded now. */
  readonly recorded: number;
  /** Entries still waiting on a running execution. */
  readonly waiting: number;
  /** True when the listing stopped at `maxObjects` (see S3 Inventory in the docs). */
  readonly listingTruncated: boolean;
}

const idOf = (object: ListedObject): string =>
  documentIdFor({
    bucket: object.bucket,
    key: object.key,
    ...(object.versionId ? { versionId: object.versionId } : {}),
    ...(object.etag ? { etag: object.etag } : {}),
  });

/** The rerun count the reconciler put in an execution's input; 0 when absent or unreadable. */
const interruptedAttemptsOf = (input: string | undefined): number => {
  try {
    const parsed = ExecutionInputSchema.safeParse(JSON.parse(input ?? 'null'));
    return parsed.success ? (parsed.data.interruptedAttempts ?? 0) : 0;
  } catch {
    return 0;
  }
};

const PromptVersionOf = (output: string | undefined): string | null => {
  try {
    const parsed: unknown = JSON.parse(output ?? 'null');
    if (parsed && typeof parsed === 'object' && 'variant' in parsed) {
      const variant: unknown = parsed.variant;
      if (variant && typeof variant === 'object' && 'promptVersion' in variant) {
        return typeof variant.promptVersion === 'string' ? variant.promptVersion : null;
      }
    }
  } catch {
    // An unreadable output has no prompt version.
  }
  return null;
};

// Built on first parse (z.lazy), so the reconciler's cold init does not build it (ADR 42).
/**
 * The review flags of a SUCCEEDED execution whose result was NEEDS_REVIEW
 * (`result.status` as RecordResult returned it, the count from
 * `score.grounding`), else null.
 */
const ReviewOutputSchema = z.lazy(() =>
  z.object({
    result: z.object({ status: z.literal('NEEDS_REVIEW') }),
    score: z.object({
      grounding: z.optional(z.nullable(z.object({ flagCount: z.int().check(z.nonnegative()) }))),
    }),
  }),
);

const reviewFlagsOf = (output: string | undefined): number | null => {
  try {
    const parsed = ReviewOutputSchema.safeParse(JSON.parse(output ?? 'null'));
    return parsed.success ? (parsed.data.score.grounding?.flagCount ?? 0) : null;
  } catch {
    return null;
  }
};

/** The execution of `attempt` of an entry (the one the entry names while PROCESSING at it). */
const viewExecution = async (
  deps: ReconcilerDependencies,
  entry: LedgerEntry,
  attempt: number,
): Promise<ExecutionView> => {
  const executionArn =
    entry.status === 'PROCESSING' && entry.executionArn && attempt === entry.attempt
      ? entry.executionArn
      : executionArnFor(deps.stateMachineArn, executionNameOf(entry.documentId, attempt));
  try {
    const described = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const status = described.status;
    return {
      status:
        status === 'SUCCEEDED' ||
        status === 'FAILED' ||
        status === 'TIMED_OUT' ||
        status === 'ABORTED' ||
        status === 'RUNNING'
          ? status
          : 'RUNNING',
      startedAt: described.startDate ? described.startDate.toISOString() : null,
      promptVersion: status === 'SUCCEEDED' ? PromptVersionOf(described.output) : null,
      interruptedAttempts: interruptedAttemptsOf(described.input),
      reviewFlags: status === 'SUCCEEDED' ? reviewFlagsOf(described.output) : null,
    };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) {
      return { status: 'MISSING', startedAt: null, promptVersion: null, interruptedAttempts: 0 };
    }
    throw error;
  }
};

/** Applies a repair; for a start, says whether that execution already existed. */
const apply = async (
  deps: ReconcilerDependencies,
  entry: LedgerEntry,
  repair: Repair,
  now: Date,
): Promise<'duplicate' | undefined> => {
  const at = now.toISOString();
  switch (repair.kind) {
    case 'wait':
      return;
    case 'start':
      return (await startExtraction(deps.sfn, deps.stateMachineArn, {
        documentId: entry.documentId,
        receivedAt: entry.receivedAt,
        attempt: repair.attempt,
        ...(repair.interruptedAttempts > 0
          ? { interruptedAttempts: repair.interruptedAttempts }
          : {}),
      })) === 'duplicate'
        ? 'duplicate'
        : undefined;
    case 'record-succeeded':
      await deps.ledger.record(entry.documentId, {
        kind: 'succeeded',
        at,
        attempt: repair.attempt,
        promptVersion: repair.promptVersion,
      });
      return;
    case 'record-needs-review':
      await deps.ledger.record(entry.documentId, {
        kind: 'needs_review',
        at,
        attempt: repair.attempt,
        promptVersion: repair.promptVersion,
        flagCount: repair.flagCount,
      });
      return;
    case 'record-failed':
      deps.emitRecord({
        documentId: entry.documentId,
        attempt: repair.attempt,
        outcome: 'Failed',
        reason: repair.reason,
        promptVersion: entry.promptVersion,
        experimentId: null,
        arm: null,
        latencyMs: elapsedSince(entry.processingAt ?? entry.receivedAt, now),
        modelLatencyMs: null,
        inputTokens: null,
        outputTokens: null,
        costMicroUsd: null,
        completeness: null,
        allRequiredPresent: null,
      });
      await deps.ledger.record(entry.documentId, {
        kind: 'failed',
        at,
        attempt: repair.attempt,
        reason: repair.reason,
        promptVersion: entry.promptVersion,
      });
      return;
  }
};

/**
 * Decides and applies the repair of one waiting entry. The entry is read
 * again once its execution is seen ended: the record steps write the ledger
 * before their execution ends, so the listing may predate an outcome that
 * is now recorded, and such an entry is left alone. The entry shows the
 * attempt its last task wrote; a rerun the reconciler started may not have
 * written yet (or may itself have been cut short before it did), so when
 * the next attempt's execution already exists, that one is looked at
 * instead, up to the bound on interrupted attempts.
 */
const repairEntry = async (
  deps: ReconcilerDependencies,
  listed: LedgerEntry,
  settings: ReconcileSettings,
  now: Date,
): Promise<Repair> => {
  let entry = listed;
  let attempt = listed.attempt;
  const limit = attempt + (settings.maxInterruptedAttempts ?? MAX_INTERRUPTED_ATTEMPTS) + 1;
  for (let round = 0; ; round += 1) {
    const execution = await viewExecution(deps, entry, attempt);
    // An entry that keeps changing under the pass is being worked on: the next pass looks again.
    if (round > limit + 2) return { kind: 'wait' };
    if (execution.status !== 'RUNNING') {
      const fresh = await deps.ledger.get(entry.documentId);
      if (fresh === undefined || isTerminal(fresh.status)) return { kind: 'wait' };
      if (fresh.revision !== entry.revision && fresh.attempt >= attempt) {
        entry = fresh;
        attempt = fresh.attempt;
        continue;
      }
    }
    const current = { ...entry, attempt };
    const repair = repairFor(current, execution, now, settings);
    const applied = await apply(deps, current, repair, now);
    if (applied !== 'duplicate' || repair.kind !== 'start' || repair.attempt > limit) {
      return repair;
    }
    attempt = repair.attempt;
  }
};

export const reconcile = async (
  deps: ReconcilerDependencies,
  settings: ReconcileSettings,
  now: Date = new Date(),
): Promise<ReconcileSummary> => {
  const listing = await listIncoming(deps.s3, {
    bucket: deps.bucket,
    prefix: BUCKET_PREFIXES.incoming,
    versioned: deps.versioned,
    maxObjects: deps.maxObjects,
  });
  const known = new Set(
    (
      await deps.ledger.listByKeyPrefix(deps.bucket, BUCKET_PREFIXES.incoming, {
        limit: deps.maxObjects * 4,
      })
    ).map((entry) => entry.documentId),
  );
  // Latest versions first, so an older version admitted after its successor is superseded.
  const missing = unrecordedObjects(listing.objects, idOf, known, now, settings).sort(
    (a, b) => Number(b.isLatest) - Number(a.isLatest),
  );
  for (const object of missing) {
    await admitUpload(
      { ledger: deps.ledger, sfn: deps.sfn, stateMachineArn: deps.stateMachineArn, now: () => now },
      {
        documentId: idOf(object),
        object: {
          bucket: object.bucket,
          key: object.key,
          versionId: object.versionId,
          etag: object.etag,
          size: object.size,
          sequencer: null,
        },
        receivedAt: object.lastModified,
        classification: classifyKey(object.key),
      },
    );
  }

  const before = new Date(now.getTime() - settings.graceSeconds * 1000).toISOString();
  // Uploads admitted in this pass were just started; the next pass looks at them.
  const admitted = new Set(missing.map(idOf));
  const waitingEntries = [
    ...(await deps.ledger.listByStatus('RECEIVED', { before, limit: deps.maxObjects })),
    ...(await deps.ledger.listByStatus('PROCESSING', { before, limit: deps.maxObjects })),
  ].filter((entry) => !admitted.has(entry.documentId));
  const counts = { started: 0, restarted: 0, recorded: 0, waiting: 0 };
  for (const entry of waitingEntries) {
    const repair = await repairEntry(deps, entry, settings, now);
    if (repair.kind === 'start')
      counts[repair.why === 'NOT_STARTED' ? 'started' : 'restarted'] += 1;
    else if (repair.kind === 'wait') counts.waiting += 1;
    else counts.recorded += 1;
  }
  return { unrecorded: missing.length, ...counts, listingTruncated: listing.truncated };
};
