/**
 * Folds parsed records into their roll-ups. Every transaction carries a dedup
 * marker per log event next to the ADDs, so a redelivered event is counted
 * once: a marker's condition cancels the whole transaction. Records go in
 * groups (one marker each, one summed update per roll-up item); a group that
 * meets an already-counted event falls back to one transaction per record.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  allDocumentsKey,
  DEDUP_TTL_SECONDS,
  dedupKey,
  experimentArmKey,
  hourOf,
  promptVersionKey,
  rollupUpdate,
} from '#contracts/metrics-items.ts';
import type { ParsedRecord } from './emf.ts';

export type WriteOutcome = 'counted' | 'duplicate';

/** The one client call this module makes (a DynamoDBDocumentClient in production). */
export interface TransactionSender {
  send(command: TransactWriteCommand): Promise<unknown>;
}

/**
 * Concurrent invocations update the same hourly items, and DynamoDB cancels
 * one of two overlapping transactions (TransactionConflict). That is a lost
 * race, not a failure: the write is tried again after a short random pause.
 */
const CONFLICT_ATTEMPTS = 8;

const cancellationCodes = (error: unknown): string[] =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : [];

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));

/** Records per group transaction: 25 markers + at most 75 roll-up updates stays under the 100-item limit. */
const GROUP_SIZE = 25;

const rollupKeys = (record: ParsedRecord, hour: string) => [
  allDocumentsKey(hour),
  ...(record.promptVersion ? [promptVersionKey(record.promptVersion, hour)] : []),
  ...(record.experimentId && record.arm
    ? [experimentArmKey(record.experimentId, record.arm, hour)]
    : []),
];

const dedupPut = (table: string, record: ParsedRecord, nowSeconds: number) => ({
  Put: {
    TableName: table,
    Item: {
      ...dedupKey(record.logEventId),
      documentId: record.documentId,
      expiresAt: nowSeconds + DEDUP_TTL_SECONDS,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** Sends a transaction, trying again when it lost a race with a concurrent one. */
const sendWithRetry = async (
  client: TransactionSender,
  transaction: TransactWriteCommand,
): Promise<'written' | 'duplicate'> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(transaction);
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes.includes('ConditionalCheckFailed')) return 'duplicate';
      if (!codes.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
};

export interface BatchOutcome {
  readonly counted: number;
  readonly duplicates: number;
}

/** Folds a batch of records into the roll-ups, each log event counted once. */
export const writeRecords = async (
  client: TransactionSender,
  table: string,
  records: readonly ParsedRecord[],
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<BatchOutcome> => {
  let counted = 0;
  let duplicates = 0;
  // The same event twice in one batch: only its first copy can count.
  const seen = new Set<string>();
  const unique = records.filter((record) => {
    if (seen.has(record.logEventId)) {
      duplicates += 1;
      return false;
    }
    seen.add(record.logEventId);
    return true;
  });
  for (let start = 0; start < unique.length; start += GROUP_SIZE) {
    const group = unique.slice(start, start + GROUP_SIZE);
    const byItem = new Map<
      string,
      { key: { pk: string; sk: string }; samples: ParsedRecord['sample'][] }
    >();
    for (const record of group) {
      for (const key of rollupKeys(record, hourOf(record.timestamp))) {
        const id = `${key.pk}|${key.sk}`;
        const entry = byItem.get(id) ?? { key, samples: [] };
        entry.samples.push(record.sample);
        byItem.set(id, entry);
      }
    }
    const outcome = await sendWithRetry(
      client,
      new TransactWriteCommand({
        TransactItems: [
          ...group.map((record) => dedupPut(table, record, nowSeconds)),
          ...[...byItem.values()].map(({ key, samples }) => ({
            Update: { TableName: table, Key: key, ...rollupUpdate(samples) },
          })),
        ],
      }),
    );
    if (outcome === 'written') {
      counted += group.length;
      continue;
    }
    // Some event of the group was counted before: settle each record alone.
    for (const record of group) {
      if ((await writeRecord(client, table, record, nowSeconds)) === 'counted') counted += 1;
      else duplicates += 1;
    }
  }
  return { counted, duplicates };
};

/** Folds one record into its roll-ups in its own transaction. */
export const writeRecord = async (
  client: TransactionSender,
  table: string,
  record: ParsedRecord,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<WriteOutcome> => {
  const update = rollupUpdate(record.sample);
  const outcome = await sendWithRetry(
    client,
    new TransactWriteCommand({
      TransactItems: [
        dedupPut(table, record, nowSeconds),
        ...rollupKeys(record, hourOf(record.timestamp)).map((Key) => ({
          Update: { TableName: table, Key, ...update },
        })),
      ],
    }),
  );
  return outcome === 'written' ? 'counted' : 'duplicate';
};
