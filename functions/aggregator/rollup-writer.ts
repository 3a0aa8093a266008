/**
 * Folds parsed records into their roll-ups. Every transaction carries a dedup
 * marker per log event next to the ADDs, so a redelivered event is counted
 * once: a marker's condition cancels the whole transaction. A second marker
 * per document holds the one record the document is counted by, so a
 * document is counted once whatever emitted it (a record step, the same
 * step again in a rerun after a crash, the reconciler): a record of a later
 * attempt takes the earlier one's contribution back and adds its own, a
 * record of the same or an earlier attempt is a duplicate. Records go in
 * groups (two markers each, one summed update per roll-up item); a group
 * that meets an already-counted event or document falls back to one
 * transaction per record.
 */

import * as z from 'zod/mini';
import { TransactionCanceledException } from '#adapters/aws-sdk/client-dynamodb.cjs';
import { GetCommand, TransactWriteCommand } from '#adapters/aws-sdk/lib-dynamodb.cjs';
import {
  addsUpdate,
  allDocumentsKey,
  DEDUP_TTL_SECONDS,
  DOCUMENT_MARKER_TTL_SECONDS,
  type DocumentSample,
  dedupKey,
  documentMarkerKey,
  experimentArmKey,
  hourOf,
  promptVersionKey,
  rollupUpdate,
  sampleAdds,
} from '#contracts/metrics-items.ts';
import type { ParsedRecord } from './emf.ts';

/** `replaced`: counted in place of an earlier attempt's record of the same document. */
export type WriteOutcome = 'counted' | 'replaced' | 'duplicate';

/** The client calls this module makes (a DynamoDBDocumentClient in production). */
export interface TransactionSender {
  send(command: TransactWriteCommand | GetCommand): Promise<unknown>;
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

/** Records per group transaction: 2 x 20 markers + at most 60 roll-up updates stays within the 100-item limit. */
const GROUP_SIZE = 20;

const rollupKeys = (
  record: Pick<ParsedRecord, 'promptVersion' | 'experimentId' | 'arm'>,
  hour: string,
) => [
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

/** The document marker: what the document's counted record added, so it can be taken back. */
const documentMarkerPut = (
  table: string,
  record: ParsedRecord,
  nowSeconds: number,
  previousAttempt: number | null,
) => ({
  Put: {
    TableName: table,
    Item: {
      ...documentMarkerKey(record.documentId),
      attempt: record.attempt,
      hour: hourOf(record.timestamp),
      promptVersion: record.promptVersion,
      experimentId: record.experimentId,
      arm: record.arm,
      sample: record.sample,
      expiresAt: nowSeconds + DOCUMENT_MARKER_TTL_SECONDS,
    },
    ...(previousAttempt === null
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'attempt = :previous',
          ExpressionAttributeValues: { ':previous': previousAttempt },
        }),
  },
});

const CountedSchema = z.object({
  attempt: z.int().check(z.nonnegative()),
  hour: z.string(),
  promptVersion: z.nullable(z.string()),
  experimentId: z.nullable(z.string()),
  arm: z.nullable(z.string()),
  sample: z.object({
    succeeded: z.boolean(),
    needsReview: z.optional(z.boolean()),
    cacheHit: z.optional(z.boolean()),
    reason: z.nullable(z.string()),
    latencyMs: z.number(),
    completeness: z.nullable(z.number()),
    allRequiredPresent: z.nullable(z.boolean()),
    costMicroUsd: z.nullable(z.number()),
    inputTokens: z.nullable(z.number()),
    outputTokens: z.nullable(z.number()),
  }),
});
type Counted = z.infer<typeof CountedSchema>;

const readCounted = async (
  client: TransactionSender,
  table: string,
  documentId: string,
): Promise<Counted | undefined> => {
  const read = z.object({ Item: z.optional(z.unknown()) }).parse(
    await client.send(
      new GetCommand({
        TableName: table,
        Key: documentMarkerKey(documentId),
        ConsistentRead: true,
      }),
    ),
  );
  return read.Item === undefined ? undefined : CountedSchema.parse(read.Item);
};

type SendResult = 'written' | { readonly cancelled: readonly string[] };

/** Sends a transaction, trying again when it lost a race with a concurrent one. */
const sendWithRetry = async (
  client: TransactionSender,
  transaction: TransactWriteCommand,
): Promise<SendResult> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(transaction);
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes.includes('ConditionalCheckFailed')) return { cancelled: codes };
      if (!codes.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
};

/** Net ADDs per roll-up item: the new sample's, minus the replaced one's. */
const replacementUpdates = (table: string, record: ParsedRecord, previous: Counted) => {
  const items = new Map<
    string,
    { key: { pk: string; sk: string }; adds: Record<string, number> }
  >();
  const fold = (key: { pk: string; sk: string }, sample: DocumentSample, sign: 1 | -1) => {
    const id = `${key.pk}|${key.sk}`;
    const entry = items.get(id) ?? { key, adds: {} };
    for (const [name, value] of Object.entries(sampleAdds(sample))) {
      entry.adds[name] = (entry.adds[name] ?? 0) + sign * value;
    }
    items.set(id, entry);
  };
  for (const key of rollupKeys(record, hourOf(record.timestamp))) fold(key, record.sample, 1);
  for (const key of rollupKeys(previous, previous.hour)) fold(key, previous.sample, -1);
  return [...items.values()].map(({ key, adds }) => ({
    Update: { TableName: table, Key: key, ...addsUpdate(adds) },
  }));
};

export interface BatchOutcome {
  /** Records now counted, replacements included. */
  readonly counted: number;
  /** Of those, records that replaced an earlier attempt's record of their document. */
  readonly replaced: number;
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
  let replaced = 0;
  let duplicates = 0;
  const settle = (outcome: WriteOutcome) => {
    if (outcome === 'duplicate') duplicates += 1;
    else counted += 1;
    if (outcome === 'replaced') replaced += 1;
  };
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
  // A transaction may touch an item once: a document's further records go alone, after.
  const documents = new Set<string>();
  const repeats: ParsedRecord[] = [];
  const firsts = unique.filter((record) => {
    if (!documents.has(record.documentId)) {
      documents.add(record.documentId);
      return true;
    }
    repeats.push(record);
    return false;
  });
  for (let start = 0; start < firsts.length; start += GROUP_SIZE) {
    const group = firsts.slice(start, start + GROUP_SIZE);
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
          ...group.map((record) => documentMarkerPut(table, record, nowSeconds, null)),
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
    // Some event or document of the group was counted before: settle each record alone.
    for (const record of group) settle(await writeRecord(client, table, record, nowSeconds));
  }
  for (const record of repeats) settle(await writeRecord(client, table, record, nowSeconds));
  return { counted, replaced, duplicates };
};

/** Folds one record into its roll-ups in its own transaction (two when it replaces one). */
export const writeRecord = async (
  client: TransactionSender,
  table: string,
  record: ParsedRecord,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<WriteOutcome> => {
  // Item 0 is the event marker, item 1 the document marker.
  const eventCounted = (result: SendResult) =>
    result !== 'written' && result.cancelled[0] === 'ConditionalCheckFailed';
  for (let round = 1; round <= CONFLICT_ATTEMPTS; round += 1) {
    const fresh = await sendWithRetry(
      client,
      new TransactWriteCommand({
        TransactItems: [
          dedupPut(table, record, nowSeconds),
          documentMarkerPut(table, record, nowSeconds, null),
          ...rollupKeys(record, hourOf(record.timestamp)).map((Key) => ({
            Update: { TableName: table, Key, ...rollupUpdate(record.sample) },
          })),
        ],
      }),
    );
    if (fresh === 'written') return 'counted';
    if (eventCounted(fresh)) return 'duplicate';
    const previous = await readCounted(client, table, record.documentId);
    if (previous === undefined) continue;
    if (previous.attempt >= record.attempt) return 'duplicate';
    const replacing = await sendWithRetry(
      client,
      new TransactWriteCommand({
        TransactItems: [
          dedupPut(table, record, nowSeconds),
          documentMarkerPut(table, record, nowSeconds, previous.attempt),
          ...replacementUpdates(table, record, previous),
        ],
      }),
    );
    if (replacing === 'written') return 'replaced';
    if (eventCounted(replacing)) return 'duplicate';
    // Another record of the document moved the marker first: decide again.
  }
  throw new Error('ROLLUP_CONTENTION: the document marker kept changing');
};
