/**
 * After a document is recorded SUCCEEDED: remember its extraction under its
 * content hash and prompt version, so an identical later upload reuses it
 * instead of calling the model (ADR 40). Best effort: the outcome is already
 * recorded, and a missing entry only means a later identical upload calls
 * the model again.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rememberExtraction } from '#adapters/extraction-reuse.ts';
import type { RecordResultInput } from '#contracts/task-schemas.ts';
import type { LedgerStatus } from '#core/ledger/lifecycle.ts';
import { mayRemember, reuseEntryFor } from '#core/reuse/identical-documents.ts';
import type { ReuseSettings } from '#functions/shared/extraction-reuse.ts';

export type RememberOutcome = 'remembered' | 'kept-earlier' | 'not-remembered' | 'off';

export const rememberIfReusable = async (
  client: DynamoDBDocumentClient,
  settings: ReuseSettings,
  finished: {
    readonly state: RecordResultInput['state'];
    readonly status: 'SUCCEEDED' | 'NEEDS_REVIEW';
    /** What the ledger holds after the outcome write (a refused write leaves another outcome). */
    readonly ledgerStatus: LedgerStatus | undefined;
    readonly at: Date;
  },
): Promise<RememberOutcome> => {
  if (!settings.enabled) return 'off';
  const { state, status, at } = finished;
  if (finished.ledgerStatus !== 'SUCCEEDED') return 'not-remembered';
  const candidate = {
    status,
    contentSha256: state.document.contentSha256,
    reusedFrom: state.variant.reuse?.reusedFrom ?? null,
  };
  if (!mayRemember(candidate)) return 'not-remembered';
  const entry = reuseEntryFor({
    contentSha256: candidate.contentSha256,
    promptVersion: state.variant.promptVersion,
    documentId: state.documentId,
    outputUri: state.model.outputUri,
    modelId: state.model.modelId,
    servedBy: state.model.servedBy,
    usageEstimated: state.model.usageEstimated,
    recordedAt: at,
    workExpirationDays: settings.workExpirationDays,
  });
  return rememberExtraction(client, settings.table, entry, at);
};
