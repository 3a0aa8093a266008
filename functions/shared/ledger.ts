/**
 * The document ledger repository for a function, created once per container
 * over the shared DynamoDB document client and the table named by
 * `LEDGER_TABLE_NAME`; plus the one lookup every task needs (an entry that
 * must exist).
 */
import { type LedgerRepository, ledgerRepository } from '#adapters/ledger.ts';
import { LEDGER_TABLE } from '#contracts/resources.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { dynamoDocumentClient } from './clients/dynamodb.ts';
import { requireEnv } from './env.ts';
import { once } from './once.ts';

export const ledger = once(
  (): LedgerRepository => ledgerRepository(dynamoDocumentClient(), requireEnv(LEDGER_TABLE.envVar)),
);

/** A task was given a document id the ledger does not know; nothing can be looked up. */
export class UnknownDocumentError extends Error {
  override readonly name = 'UnknownDocument';
}

/** The ledger entry of `documentId`, which the starter recorded before starting anything. */
export const requireLedgerEntry = async (
  repository: LedgerRepository,
  documentId: string,
): Promise<LedgerEntry> => {
  const entry = await repository.get(documentId);
  if (entry === undefined) throw new UnknownDocumentError('no ledger entry for this document id');
  return entry;
};

/** Every recorded version of the entry's key (same bucket, exact key). */
export const versionsOfKey = async (
  repository: LedgerRepository,
  entry: LedgerEntry,
): Promise<LedgerEntry[]> =>
  (await repository.listByKeyPrefix(entry.bucket, entry.key)).filter(
    (version) => version.key === entry.key,
  );
