/**
 * Admits one upload, whether a notification or the reconciler found it:
 * records it in the ledger (RECEIVED, or IGNORED with a reason for objects
 * that are not documents), marks older waiting versions of the same key
 * SUPERSEDED, and starts one execution named by the document id with the id
 * and times only. A duplicate meets `ExecutionAlreadyExists` (or a finished
 * ledger entry) and counts as done.
 */
import {
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from '#adapters/aws-sdk/client-sfn.cjs';
import type { LedgerRepository } from '#adapters/ledger.ts';
import type { NotifiedUpload } from '#contracts/ingest-message.ts';
import type { ExecutionInput } from '#contracts/task-schemas.ts';
import { isTerminal } from '#core/ledger/lifecycle.ts';
import { executionNameOf } from '#core/ledger/reconcile.ts';
import { supersessionOf } from '#core/ledger/supersession.ts';
import { versionsOfKey } from './ledger.ts';

export type StartOutcome = 'started' | 'duplicate';
export type AdmitOutcome = StartOutcome | 'ignored' | 'superseded' | 'finished';

/** Starts one execution named by the document id and attempt; a duplicate is not an error. */
export const startExtraction = async (
  sfn: SFNClient,
  stateMachineArn: string,
  input: ExecutionInput,
): Promise<StartOutcome> => {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionNameOf(input.documentId, input.attempt),
        input: JSON.stringify(input),
      }),
    );
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'duplicate';
    throw error;
  }
};

export interface AdmitDependencies {
  readonly ledger: LedgerRepository;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  /** The time ledger writes are stamped with (injected for tests). */
  readonly now?: () => Date;
}

/** Records and, for a document that is the newest version of its key, starts it. */
export const admitUpload = async (
  deps: AdmitDependencies,
  upload: NotifiedUpload,
): Promise<AdmitOutcome> => {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const { documentId } = upload;
  const received = await deps.ledger.record(documentId, {
    kind: 'received',
    at: upload.receivedAt,
    documentId,
    object: upload.object,
  });
  if (upload.classification.kind === 'ignored') {
    await deps.ledger.record(documentId, {
      kind: 'ignored',
      at: now(),
      reason: upload.classification.reason,
    });
    return 'ignored';
  }
  const entry = received.entry;
  if (entry === undefined) throw new Error('ledger returned no entry after RECEIVED');
  if (isTerminal(entry.status)) return 'finished';
  // A task of an execution already marked it: that execution (or the
  // reconciler, if it was cut short) carries it on; never start attempt 0 again.
  if (entry.status === 'PROCESSING') return 'duplicate';

  // The key index is eventually consistent: the entry just written may be missing from it.
  const others = (await versionsOfKey(deps.ledger, entry)).filter(
    (version) => version.documentId !== documentId,
  );
  const { newest, superseded } = supersessionOf([entry, ...others]);
  for (const older of superseded) {
    await deps.ledger.record(older.documentId, {
      kind: 'superseded',
      at: now(),
      supersededBy: newest.documentId,
    });
  }
  if (newest.documentId !== documentId && superseded.some((e) => e.documentId === documentId)) {
    return 'superseded';
  }
  return startExtraction(deps.sfn, deps.stateMachineArn, {
    documentId,
    receivedAt: entry.receivedAt,
    attempt: 0,
  });
};
