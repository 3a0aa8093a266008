/**
 * The document ledger over DynamoDB: applies ledger events with the rules of
 * `core/ledger/lifecycle.ts` and writes each result under a condition on the
 * revision it was computed from, so concurrent writers (starter, record
 * steps, reconciler) cannot lose or reorder each other's updates; and lists
 * entries by status, key prefix or upload time.
 */
import { ConditionalCheckFailedException } from '#adapters/aws-sdk/client-dynamodb.cjs';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { LedgerItemSchema, ledgerKey } from '#contracts/ledger-items.ts';
import {
  applyLedgerEvent,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerStatus,
} from '#core/ledger/lifecycle.ts';

/** What a write did: written, or why nothing was written. */
export interface LedgerWriteResult {
  readonly outcome: 'written' | 'duplicate' | 'stale' | 'refused';
  /** The entry as stored after the call (undefined only when refused for lack of one). */
  readonly entry: LedgerEntry | undefined;
  /** For `refused`: the rule that refused it. */
  readonly why?: string;
}

/** Another writer kept winning the race for this entry; nothing was written. */
export class LedgerContentionError extends Error {
  override readonly name = 'LedgerContention';
}

export interface ListOptions {
  /** Most entries returned; default 1,000. */
  readonly limit?: number;
}

export interface LedgerRepository {
  get(documentId: string): Promise<LedgerEntry | undefined>;
  /**
   * Applies one event to the entry of `documentId` (for `received`, the event's own id).
   * `known` is the entry as the caller last read it in this invocation: the write is
   * computed from it without a second read; the write's revision condition still holds,
   * and an outcome other than a write is decided on a fresh read.
   */
  record(
    documentId: string,
    event: LedgerEvent,
    options?: { readonly known?: LedgerEntry },
  ): Promise<LedgerWriteResult>;
  /** Entries in `status`, oldest status first; with `before`, only those set before that time. */
  listByStatus(
    status: LedgerStatus,
    options?: ListOptions & { readonly before?: string },
  ): Promise<LedgerEntry[]>;
  /** Entries of `bucket` whose key starts with `prefix`, ordered by key then upload time. */
  listByKeyPrefix(bucket: string, prefix: string, options?: ListOptions): Promise<LedgerEntry[]>;
  /** Entries of `bucket` uploaded in `[from, to)`, oldest first. */
  listByReceivedAt(
    bucket: string,
    options?: ListOptions & { readonly from?: string; readonly to?: string },
  ): Promise<LedgerEntry[]>;
}

const DEFAULT_LIMIT = 1_000;
/** Optimistic-concurrency rounds before giving up (each round is one read and one write). */
const MAX_WRITE_ROUNDS = 8;

const parseEntry = (item: unknown): LedgerEntry => LedgerItemSchema.parse(item);

export const ledgerRepository = (
  client: DynamoDBDocumentClient,
  tableName: string,
): LedgerRepository => {
  const get = async (documentId: string): Promise<LedgerEntry | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: ledgerKey(documentId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : parseEntry(Item);
  };

  /** Writes `entry` if the stored item is still at `previousRevision` (absent for 0). */
  const put = async (entry: LedgerEntry, previousRevision: number): Promise<boolean> => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: entry,
          ...(previousRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(documentId)' }
            : {
                ConditionExpression: '#revision = :revision',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':revision': previousRevision },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const record = async (
    documentId: string,
    event: LedgerEvent,
    options: { readonly known?: LedgerEntry } = {},
  ): Promise<LedgerWriteResult> => {
    if (event.kind === 'received' && event.documentId !== documentId) {
      throw new RangeError('received event names another document id');
    }
    const known = event.kind === 'received' ? undefined : options.known;
    if (known && known.documentId !== documentId) {
      throw new RangeError('known entry is of another document id');
    }
    // A new upload is usually unknown: try the create first and read only on a clash.
    // An entry the caller read earlier is used the same way: the conditional put
    // refuses it if anyone wrote since, and then the entry is read again.
    let current: LedgerEntry | undefined =
      event.kind === 'received' ? undefined : (known ?? (await get(documentId)));
    let fresh = known === undefined;
    for (let round = 0; round < MAX_WRITE_ROUNDS; round += 1) {
      const decision = applyLedgerEvent(current, event);
      if (decision.kind !== 'write' && !fresh) {
        // Only a write is safe to compute from an entry that may be out of date.
        current = await get(documentId);
        fresh = true;
        round -= 1;
        continue;
      }
      if (decision.kind === 'refused') {
        return { outcome: 'refused', entry: decision.entry, why: decision.why };
      }
      if (decision.kind !== 'write') return { outcome: decision.kind, entry: decision.entry };
      if (await put(decision.entry, current?.revision ?? 0)) {
        return { outcome: 'written', entry: decision.entry };
      }
      current = await get(documentId);
      fresh = true;
    }
    throw new LedgerContentionError(`ledger entry kept changing during ${MAX_WRITE_ROUNDS} rounds`);
  };

  const query = async (
    input: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
  ): Promise<LedgerEntry[]> => {
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          ...input,
          TableName: tableName,
          Limit: Math.min(limit - entries.length, 1_000),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) entries.push(parseEntry(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && entries.length < limit);
    return entries;
  };

  return {
    get,
    record,
    listByStatus: (status, options = {}) =>
      query(
        {
          IndexName: 'byStatus',
          KeyConditionExpression:
            options.before === undefined
              ? '#status = :status'
              : '#status = :status AND #at < :before',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...(options.before === undefined ? {} : { '#at': 'statusAt' }),
          },
          ExpressionAttributeValues: {
            ':status': status,
            ...(options.before === undefined ? {} : { ':before': options.before }),
          },
        },
        options.limit ?? DEFAULT_LIMIT,
      ),
    listByKeyPrefix: async (bucket, prefix, options = {}) => {
      const entries = await query(
        {
          IndexName: 'byKey',
          KeyConditionExpression:
            prefix === ''
              ? '#bucket = :bucket'
              : '#bucket = :bucket AND begins_with(#key, :prefix)',
          ExpressionAttributeNames: {
            '#bucket': 'bucket',
            ...(prefix === '' ? {} : { '#key': 'key' }),
          },
          ExpressionAttributeValues: {
            ':bucket': bucket,
            ...(prefix === '' ? {} : { ':prefix': prefix }),
          },
        },
        options.limit ?? DEFAULT_LIMIT,
      );
      // Versions of one key share a sort key; order them by upload time.
      return entries.sort(
        (a, b) =>
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.receivedAt.localeCompare(b.receivedAt),
      );
    },
    listByReceivedAt: async (bucket, options = {}) => {
      const from = options.from ?? '0000';
      const to = options.to ?? '9999';
      const entries = await query(
        {
          IndexName: 'byReceivedAt',
          KeyConditionExpression: '#bucket = :bucket AND #at BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#bucket': 'bucket', '#at': 'receivedAt' },
          ExpressionAttributeValues: { ':bucket': bucket, ':from': from, ':to': to },
        },
        options.limit ?? DEFAULT_LIMIT,
      );
      // BETWEEN includes its upper bound; the window is half-open.
      return entries.filter((entry) => entry.receivedAt < to);
    },
  };
};
