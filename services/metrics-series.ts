/**
 * Metrics time-series use case: one prompt version's readout per hour since
 * a point in time, from the hourly roll-up items the aggregator writes (one
 * item per version and hour), oldest first.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { addItem, emptyRollup, hourOf, promptVersionKey } from '#contracts/metrics-items.ts';
import { defaultCatalog, type PromptCatalog, rollupsOf, type ServiceContext } from './context.ts';
import { requireKnownVersion, summarise, type VersionMetrics } from './metrics.ts';

export interface HourlyPoint {
  /** `YYYY-MM-DDTHH:00Z`. */
  readonly hour: string;
  readonly metrics: VersionMetrics;
}

export interface HourlySeries {
  readonly version: string;
  readonly hours: HourlyPoint[];
}

/** Hours with documents only; an hour with none has no roll-up item. */
export const hourlySeries = async (
  ctx: ServiceContext,
  query: { readonly version: string; readonly since: Date },
  catalog: PromptCatalog = defaultCatalog(),
): Promise<HourlySeries> => {
  requireKnownVersion(query.version, catalog);
  const source = rollupsOf(ctx);
  const { pk } = promptVersionKey(query.version, '');
  const since = hourOf(query.since.getTime());
  const hours: HourlyPoint[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await source.client.send(
      new QueryCommand({
        TableName: source.table,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: { ':pk': pk, ':since': `H#${since}` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = typeof item.sk === 'string' ? item.sk : '';
      const hour = sk.replace(/^H#/, '');
      hours.push({
        hour: `${hour}:00Z`,
        metrics: summarise(query.version, addItem(emptyRollup(), item)),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { version: query.version, hours };
};
