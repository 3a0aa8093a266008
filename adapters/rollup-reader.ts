/**
 * Reads the hourly roll-ups a drift run compares: one Query per stream
 * (each prompt version, and every document) over the baseline and monitored
 * hours, each item folded into an hourly roll-up as the metrics table
 * defines it.
 */
import { QueryCommand, type QueryCommandOutput } from '#adapters/aws-sdk/lib-dynamodb.cjs';
import {
  addItem,
  allDocumentsKey,
  emptyRollup,
  promptVersionKey,
} from '#contracts/metrics-items.ts';
import type { HourlyRollup, RollupStream } from '#core/drift/index.ts';

/** The one client call this module makes (a DynamoDBDocumentClient in production). */
export interface QuerySender {
  send(command: QueryCommand): Promise<QueryCommandOutput>;
}

const SK_PREFIX = 'H#';

/** Every hour item of one partition between two hour labels (inclusive). */
export const readPartition = async (
  client: QuerySender,
  table: string,
  pk: string,
  fromHour: string,
  toHour: string,
): Promise<Record<string, HourlyRollup>> => {
  const hours: Record<string, HourlyRollup> = {};
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': pk,
          ':from': `${SK_PREFIX}${fromHour}`,
          ':to': `${SK_PREFIX}${toHour}`,
        },
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = item.sk;
      if (typeof sk !== 'string' || !sk.startsWith(SK_PREFIX)) continue;
      hours[sk.slice(SK_PREFIX.length)] = addItem(emptyRollup(), item);
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
  return hours;
};

/** The streams of every listed prompt version, then the stream of every document. */
export const readStreams = async (
  client: QuerySender,
  table: string,
  promptVersions: readonly string[],
  fromHour: string,
  toHour: string,
): Promise<RollupStream[]> => {
  const streams: RollupStream[] = [];
  for (const version of promptVersions) {
    const { pk } = promptVersionKey(version, fromHour);
    streams.push({
      promptVersion: version,
      hours: await readPartition(client, table, pk, fromHour, toHour),
    });
  }
  const { pk } = allDocumentsKey(fromHour);
  streams.push({
    promptVersion: null,
    hours: await readPartition(client, table, pk, fromHour, toHour),
  });
  return streams;
};
