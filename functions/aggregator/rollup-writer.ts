/**
 * Folds one parsed record into its roll-ups in a single transaction together
 * with a dedup marker for the log event, so a redelivered event is counted
 * once: the marker's condition cancels the whole transaction.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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

export const writeRecord = async (
  client: DynamoDBDocumentClient,
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
  try {
    await client.send(
      new TransactWriteCommand({
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
      }),
    );
    return 'counted';
  } catch (error) {
    const first =
      error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (first?.Code === 'ConditionalCheckFailed') return 'duplicate';
    throw error;
  }
};
