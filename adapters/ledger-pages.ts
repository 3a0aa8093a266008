/**
 * One page of ledger entries through one of the ledger's indexes (byStatus,
 * byKey, byReceivedAt), the other filters applied by DynamoDB, resumable from
 * the LastEvaluatedKey it returns. The unpaged listings stay in `ledger.ts`.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { LedgerItemSchema } from '#contracts/ledger-items.ts';
import type { CursorIndex } from '#core/ledger/cursor.ts';
import type { LedgerEntry, LedgerStatus } from '#core/ledger/lifecycle.ts';

export interface LedgerPageQuery {
  readonly bucket: string;
  readonly status?: LedgerStatus;
  /** Key prefix (begins_with on the byKey index). */
  readonly prefix?: string;
  /** Uploaded at or after this ISO 8601 time. */
  readonly receivedFrom?: string;
  /** Uploaded before this ISO 8601 time. */
  readonly receivedTo?: string;
  readonly promptVersion?: string;
  /** Most entries on the page (1-1000). */
  readonly limit: number;
  /** Where the previous page stopped. */
  readonly startKey?: Readonly<Record<string, string>>;
}

export interface LedgerPage {
  readonly entries: LedgerEntry[];
  /** Set when more entries may follow; pass it back as `startKey`. */
  readonly lastEvaluatedKey: Record<string, string> | undefined;
}

/**
 * The index a query reads: a key prefix goes through byKey (by key), else a
 * status through byStatus (newest status first), else byReceivedAt (newest
 * upload first).
 */
export const indexFor = (query: Pick<LedgerPageQuery, 'prefix' | 'status'>): CursorIndex =>
  query.prefix !== undefined ? 'byKey' : query.status !== undefined ? 'byStatus' : 'byReceivedAt';

/** Query rounds per page: a filter that matches little ends a page early, with a cursor. */
const MAX_ROUNDS = 10;

interface Expression {
  readonly condition: string[];
  readonly filter: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

const expressionFor = (query: LedgerPageQuery, index: CursorIndex): Expression => {
  const e: Expression = { condition: [], filter: [], names: {}, values: {} };
  const add = (
    target: 'condition' | 'filter',
    clause: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ) => {
    e[target].push(clause);
    Object.assign(e.names, names);
    Object.assign(e.values, values);
  };
  const bucketTarget = index === 'byStatus' ? 'filter' : 'condition';
  add(bucketTarget, '#bucket = :bucket', { '#bucket': 'bucket' }, { ':bucket': query.bucket });
  if (query.status !== undefined) {
    add(
      index === 'byStatus' ? 'condition' : 'filter',
      '#status = :status',
      { '#status': 'status' },
      { ':status': query.status },
    );
  }
  if (query.prefix !== undefined && query.prefix !== '') {
    add('condition', 'begins_with(#key, :prefix)', { '#key': 'key' }, { ':prefix': query.prefix });
  }
  const timeTarget = index === 'byReceivedAt' ? 'condition' : 'filter';
  if (index === 'byReceivedAt') {
    // A sort key takes one condition: BETWEEN, with the upper bound made exclusive below.
    add(
      'condition',
      '#at BETWEEN :from AND :to',
      { '#at': 'receivedAt' },
      { ':from': query.receivedFrom ?? '0000', ':to': query.receivedTo ?? '9999' },
    );
    if (query.receivedTo !== undefined) add('filter', '#at < :to', {}, {});
  } else {
    if (query.receivedFrom !== undefined) {
      add(timeTarget, '#at >= :from', { '#at': 'receivedAt' }, { ':from': query.receivedFrom });
    }
    if (query.receivedTo !== undefined) {
      add(timeTarget, '#at < :to', { '#at': 'receivedAt' }, { ':to': query.receivedTo });
    }
  }
  if (query.promptVersion !== undefined) {
    add(
      'filter',
      '#promptVersion = :promptVersion',
      { '#promptVersion': 'promptVersion' },
      { ':promptVersion': query.promptVersion },
    );
  }
  return e;
};

const asStringKey = (
  key: Record<string, unknown> | undefined,
): Record<string, string> | undefined =>
  key === undefined
    ? undefined
    : Object.fromEntries(Object.entries(key).map(([name, value]) => [name, String(value)]));

/** One page of `query`: at most `limit` entries, and where to go on. */
export const ledgerPage = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  query: LedgerPageQuery,
): Promise<LedgerPage> => {
  const index = indexFor(query);
  const e = expressionFor(query, index);
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, unknown> | undefined = query.startKey;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // Limit counts items read before the filter, so a page never overshoots `limit`.
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: e.condition.join(' AND '),
        ...(e.filter.length > 0 ? { FilterExpression: e.filter.join(' AND ') } : {}),
        ExpressionAttributeNames: e.names,
        ExpressionAttributeValues: e.values,
        ScanIndexForward: index === 'byKey',
        Limit: query.limit - entries.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) entries.push(LedgerItemSchema.parse(item));
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined || entries.length >= query.limit) break;
  }
  return { entries, lastEvaluatedKey: asStringKey(startKey) };
};
