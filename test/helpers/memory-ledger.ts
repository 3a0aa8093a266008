/**
 * An in-memory document ledger with the same rules as the DynamoDB adapter
 * (it applies `core/ledger/lifecycle.ts`), for unit tests of the functions
 * that write the ledger; and the same rules behind a mocked DynamoDB
 * document client for handler tests.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClientResolvedConfig,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { LedgerRepository, LedgerWriteResult } from '#adapters/ledger.ts';
import { applyLedgerEvent, type LedgerEntry } from '#core/ledger/lifecycle.ts';

export interface MemoryLedger extends LedgerRepository {
  readonly entries: Map<string, LedgerEntry>;
}

export const memoryLedger = (): MemoryLedger => {
  const entries = new Map<string, LedgerEntry>();
  const all = () => [...entries.values()];
  return {
    entries,
    get: async (documentId) => entries.get(documentId),
    record: async (documentId, event): Promise<LedgerWriteResult> => {
      const decision = applyLedgerEvent(entries.get(documentId), event);
      if (decision.kind === 'write') {
        entries.set(documentId, decision.entry);
        return { outcome: 'written', entry: decision.entry };
      }
      if (decision.kind === 'refused') {
        return { outcome: 'refused', entry: decision.entry, why: decision.why };
      }
      return { outcome: decision.kind, entry: decision.entry };
    },
    listByStatus: async (status, options = {}) =>
      all()
        .filter((e) => e.status === status && (!options.before || e.statusAt < options.before))
        .sort((a, b) => a.statusAt.localeCompare(b.statusAt)),
    listByKeyPrefix: async (bucket, prefix) =>
      all()
        .filter((e) => e.bucket === bucket && e.key.startsWith(prefix))
        .sort((a, b) => a.key.localeCompare(b.key) || a.receivedAt.localeCompare(b.receivedAt)),
    listByReceivedAt: async (bucket, options = {}) =>
      all()
        .filter(
          (e) =>
            e.bucket === bucket &&
            e.receivedAt >= (options.from ?? '0000') &&
            e.receivedAt < (options.to ?? '9999'),
        )
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
  };
};

/** Seed entry: a RECEIVED ledger entry for an object, as the starter writes it. */
export const receivedEntry = (
  documentId: string,
  object: { bucket: string; key: string; versionId: string | null; etag: string | null },
  receivedAt = '2026-11-27T10:15:30.000Z',
): LedgerEntry => ({
  ...object,
  size: 100,
  sequencer: null,
  documentId,
  status: 'RECEIVED',
  reason: null,
  receivedAt,
  statusAt: receivedAt,
  processingAt: null,
  completedAt: null,
  attempt: 0,
  executionArn: null,
  promptVersion: null,
  supersededBy: null,
  revision: 1,
});

/**
 * Serves the ledger table's Get, Put (with its conditions) and Query calls
 * of a mocked document client from a map, so handler tests exercise the real
 * DynamoDB adapter. `beforePut` sees each Put first and may throw, as a
 * failed request or a crash before the write would.
 */
export const serveLedgerTable = (
  doc: AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>,
  tableName: string,
  entries: Map<string, LedgerEntry>,
  hooks: { readonly beforePut?: (entry: LedgerEntry) => void } = {},
): void => {
  doc.on(GetCommand, { TableName: tableName }).callsFake((input: GetCommandInput) => {
    const id = String(input.Key?.documentId);
    return { Item: entries.get(id) };
  });
  doc.on(PutCommand, { TableName: tableName }).callsFake((input: PutCommandInput) => {
    const item = input.Item as LedgerEntry;
    hooks.beforePut?.(item);
    const stored = entries.get(item.documentId);
    const expected = input.ExpressionAttributeValues?.[':revision'];
    const clash =
      input.ConditionExpression === 'attribute_not_exists(documentId)'
        ? stored !== undefined
        : stored?.revision !== expected;
    if (clash) {
      throw new ConditionalCheckFailedException({ message: 'condition', $metadata: {} });
    }
    entries.set(item.documentId, item);
    return {};
  });
  doc.on(QueryCommand, { TableName: tableName }).callsFake((input: QueryCommandInput) => {
    const values = input.ExpressionAttributeValues ?? {};
    const items = [...entries.values()].filter((entry) => {
      if (input.IndexName === 'byKey') {
        return (
          entry.bucket === values[':bucket'] &&
          entry.key.startsWith(String(values[':prefix'] ?? ''))
        );
      }
      if (input.IndexName === 'byStatus') return entry.status === values[':status'];
      return entry.bucket === values[':bucket'];
    });
    return { Items: items };
  });
};
