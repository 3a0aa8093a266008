/**
 * Folds one parsed record into its roll-ups in a single transaction together
 * with a dedup marker for the log event, so a redelivered event is counted
 * once: the marker's condition cancels the whole transaction.
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
} from '#shared/metrics-table.ts';
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

export const writeRecord = async (
  client: TransactionSender,
  table: string,
  record: ParsedRecord,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<WriteOutcome> => {
  const hour = hourOf(record.timestamp);
  const update = rollupUpdate(record.sample);
  const keys = [
    allDocumentsKey(hour),
    ...(record.promptVersion ? [promptVersionKey(record.promptVersion, hour)] : []),
    ...(record.experimentId && record.arm
      ? [experimentArmKey(record.experimentId, record.arm, hour)]
      : []),
  ];
  const transaction = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: table,
          Item: {
            ...dedupKey(record.logEventId),
            documentId: record.documentId,
            expiresAt: nowSeconds + DEDUP_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...keys.map((Key) => ({ Update: { TableName: table, Key, ...update } })),
    ],
  });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(transaction);
      return 'counted';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (!codes.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
};
