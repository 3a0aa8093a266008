/**
 * Writes of the experiments table: each lifecycle transition as one
 * transaction with its audit entry and side items (running pointer, alias
 * move), every put conditioned on the state it was computed from.
 */
import { TransactionCanceledException } from '#adapters/aws-sdk/client-dynamodb.cjs';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import {
  aliasKey,
  PRODUCTION_ALIAS,
  type RunningItem,
  runningKey,
} from '#contracts/experiments-items.ts';
import type {
  AuditEntry,
  Experiment,
  ExperimentStatus,
  Transition,
} from '#core/experiments/lifecycle.ts';
import { ConcurrentUpdateError } from './errors.ts';
import {
  type AliasAuditEntry,
  auditSortKey,
  experimentKey,
  type StoredAlias,
  type StoredExperimentItem,
} from './items.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What an alias move records besides what the alias as read already tells. */
export type AliasMove = Omit<AliasAuditEntry, 'seq' | 'family' | 'alias' | 'before' | 'action'>;

/** The transaction items and transaction runner the repository is built from, over one table. */
export interface ExperimentWrites {
  /** A new experiment's put; fails when the id is taken. */
  putNewExperiment(next: Experiment): TransactItem;
  putAudit(audit: AuditEntry, seq: number): TransactItem;
  /** The running pointer of a just-started experiment; fails when one exists. */
  putRunning(next: Experiment): TransactItem;
  deleteRunning(family: string, experimentId: string): TransactItem;
  /** The alias put and its audit entry, conditioned on the alias as read. */
  aliasMoveItems(
    family: string,
    current: StoredAlias | null,
    move: AliasMove,
  ): { items: TransactItem[]; entry: AliasAuditEntry };
  /**
   * Runs a transaction; a cancelled one becomes the error `explain` picks from
   * the per-item cancellation codes (in TransactItems order).
   */
  transact(items: TransactItem[], explain: (codes: readonly string[]) => Error): Promise<void>;
  /**
   * Writes one transition: the experiment (conditioned on the status and audit
   * count it was read with), its audit entry and `extra` items. `explainExtra`
   * gets the cancellation codes of the extra items only.
   */
  transition(
    item: StoredExperimentItem,
    compute: (exp: Experiment) => Transition,
    extra: (read: Experiment, next: Experiment) => TransactItem[],
    explainExtra: (codes: readonly string[]) => Error | null,
  ): Promise<Experiment>;
}

/** The error for a write that lost a race on `what`. */
export const concurrent = (what: string) =>
  new ConcurrentUpdateError(`${what} changed while this command ran; nothing was written`);

export const experimentWrites = (
  client: DynamoDBDocumentClient,
  table: string,
): ExperimentWrites => {
  /** The experiment put, conditioned on the status and audit count it was read with. */
  const putExperiment = (
    next: Experiment,
    read: { status: ExperimentStatus; auditSeq: number },
  ): TransactItem => ({
    Put: {
      TableName: table,
      Item: { ...experimentKey(next.id), ...next, auditSeq: read.auditSeq + 1 },
      ConditionExpression: '#status = :from AND auditSeq = :seq',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from': read.status, ':seq': read.auditSeq },
    },
  });

  const putAudit = (audit: AuditEntry, seq: number): TransactItem => ({
    Put: {
      TableName: table,
      Item: {
        pk: experimentKey(audit.experimentId).pk,
        sk: auditSortKey(audit.at, seq),
        seq,
        ...audit,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

  const transact = async (
    items: TransactItem[],
    explain: (codes: readonly string[]) => Error,
  ): Promise<void> => {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
        throw explain(codes);
      }
      throw error;
    }
  };

  return {
    putNewExperiment: (next) => ({
      Put: {
        TableName: table,
        Item: { ...experimentKey(next.id), ...next, auditSeq: 1 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }),

    putAudit,

    putRunning: (next) => {
      const pointer: RunningItem = {
        experimentId: next.id,
        seed: next.seed,
        control: next.control,
        treatment: next.treatment,
        weights: [next.allocation.weights.control, next.allocation.weights.treatment],
        coverage: next.allocation.coverage,
      };
      return {
        Put: {
          TableName: table,
          Item: { ...runningKey(next.family), ...pointer, startedAt: next.startedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    },

    deleteRunning: (family, experimentId) => ({
      Delete: {
        TableName: table,
        Key: runningKey(family),
        ConditionExpression: 'experimentId = :id',
        ExpressionAttributeValues: { ':id': experimentId },
      },
    }),

    aliasMoveItems: (family, current, move) => {
      const seq = (current?.auditSeq ?? 0) + 1;
      const entry: AliasAuditEntry = {
        seq,
        family,
        alias: PRODUCTION_ALIAS,
        action: 'move',
        before: current?.version ?? null,
        ...move,
      };
      const aliasPut: TransactItem = {
        Put: {
          TableName: table,
          Item: { ...aliasKey(family), version: move.after, updatedAt: move.at, auditSeq: seq },
          ...(current
            ? {
                ConditionExpression:
                  'version = :before AND (attribute_not_exists(auditSeq) OR auditSeq = :seq)',
                ExpressionAttributeValues: {
                  ':before': current.version,
                  ':seq': current.auditSeq ?? 0,
                },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      };
      const auditPut: TransactItem = {
        Put: {
          TableName: table,
          Item: { pk: aliasKey(family).pk, sk: auditSortKey(move.at, seq), ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      return { items: [aliasPut, auditPut], entry };
    },

    transact,

    transition: async (item, compute, extra, explainExtra) => {
      const { auditSeq, ...current } = item;
      const { id } = current;
      const { next, audit } = compute(current);
      const items = [
        putExperiment(next, item),
        putAudit(audit, auditSeq + 1),
        ...extra(current, next),
      ];
      await transact(items, (codes) => {
        if (codes[0] === 'ConditionalCheckFailed') return concurrent(`experiment ${id}`);
        return explainExtra(codes.slice(2)) ?? concurrent(`experiment ${id}`);
      });
      return next;
    },
  };
};
