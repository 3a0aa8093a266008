/**
 * Reads of the experiments table: one experiment, alias or running pointer
 * (consistent reads), experiments by status, and audit trails merged into an
 * experiment's history.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import {
  aliasKey,
  type RunningItem,
  RunningItemSchema,
  runningKey,
} from '#contracts/experiments-items.ts';
import {
  EXPERIMENT_STATUSES,
  type Experiment,
  type ExperimentStatus,
} from '#core/experiments/lifecycle.ts';
import { ExperimentNotFoundError } from './errors.ts';
import {
  type AliasAuditEntry,
  AliasAuditSchema,
  AUDIT_PREFIX,
  experimentKey,
  experimentOf,
  type HistoryEntry,
  type StoredAlias,
  StoredAliasSchema,
  type StoredAuditEntry,
  StoredAuditSchema,
  type StoredExperimentItem,
  StoredExperimentItemSchema,
} from './items.ts';

/** The reads the repository is built from, over one table. */
export interface ExperimentReads {
  readExperimentItem(id: string): Promise<StoredExperimentItem | null>;
  /** Like readExperimentItem, but throws {@link ExperimentNotFoundError}. */
  requireItem(id: string): Promise<StoredExperimentItem>;
  readAlias(family: string): Promise<StoredAlias | null>;
  getRunning(family: string): Promise<RunningItem | null>;
  /** Every experiment (or those with one status), newest first, through the `byStatus` index. */
  list(status?: ExperimentStatus): Promise<Experiment[]>;
  /** An experiment's own audit entries, oldest first. */
  auditTrail(id: string): Promise<StoredAuditEntry[]>;
  /** Every move of a family's `production` alias, oldest first. */
  aliasHistory(family: string): Promise<AliasAuditEntry[]>;
}

export const experimentReads = (client: DynamoDBDocumentClient, table: string): ExperimentReads => {
  const readExperimentItem = async (id: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: experimentKey(id), ConsistentRead: true }),
    );
    return Item ? StoredExperimentItemSchema.parse(Item) : null;
  };

  const requireItem = async (id: string) => {
    const item = await readExperimentItem(id);
    if (!item) throw new ExperimentNotFoundError(`experiment ${id} not found`);
    return item;
  };

  const readAlias = async (family: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: aliasKey(family), ConsistentRead: true }),
    );
    return Item ? StoredAliasSchema.parse(Item) : null;
  };

  const getRunning = async (family: string): Promise<RunningItem | null> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: runningKey(family), ConsistentRead: true }),
    );
    return Item ? RunningItemSchema.parse(Item) : null;
  };

  const queryAll = async (input: QueryCommandInput): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const auditItems = (pk: string) =>
    queryAll({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': pk, ':audit': AUDIT_PREFIX },
      ConsistentRead: true,
    });

  return {
    readExperimentItem,
    requireItem,
    readAlias,
    getRunning,

    list: async (status) => {
      const statuses = status ? [status] : [...EXPERIMENT_STATUSES];
      const found: Experiment[] = [];
      for (const s of statuses) {
        const items = await queryAll({
          TableName: table,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': s },
        });
        for (const item of items) found.push(experimentOf(StoredExperimentItemSchema.parse(item)));
      }
      return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    auditTrail: async (id) =>
      (await auditItems(experimentKey(id).pk))
        .map((item) => StoredAuditSchema.parse(item))
        .sort((a, b) => a.seq - b.seq),

    aliasHistory: async (family) => {
      const items = await auditItems(aliasKey(family).pk);
      return items.map((item) => AliasAuditSchema.parse(item)).sort((a, b) => a.seq - b.seq);
    },
  };
};

/**
 * One experiment's history: its own transitions in order, each alias move its
 * promotion made right after that promotion, and any other of its alias moves last.
 */
export const mergeHistory = (
  id: string,
  own: readonly StoredAuditEntry[],
  aliasMoves: readonly AliasAuditEntry[],
): HistoryEntry[] => {
  const moves = aliasMoves.filter((m) => m.experimentId === id);
  const entries: HistoryEntry[] = [];
  for (const entry of own) {
    entries.push({ kind: 'experiment', ...entry });
    // The alias move belongs right after the promotion that made it.
    if (entry.action === 'promote' || entry.action === 'force-promote') {
      for (const move of moves.filter((m) => m.at === entry.at)) {
        entries.push({ kind: 'alias', ...move });
      }
    }
  }
  const placed = new Set(entries.map((e) => (e.kind === 'alias' ? e.seq : -1)));
  for (const move of moves) if (!placed.has(move.seq)) entries.push({ kind: 'alias', ...move });
  return entries;
};
