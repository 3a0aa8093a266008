/**
 * DynamoDB adapter for experiments: persists the lifecycle transitions that
 * `domain/experiments.ts` computes, each in one transaction together with its
 * append-only audit entry, the running-experiment pointer the pipeline reads,
 * and (on promotion) the `production` alias move.
 *
 * Item layout (experiments table, pk/sk):
 * - `EXP#<id>` / `EXPERIMENT`: the experiment (with `status` and `createdAt`
 *   for the `byStatus` index) and `auditSeq`, the number of its audit entries;
 * - `EXP#<id>` / `AUDIT#<iso time>#<seq>`: one audit entry per transition;
 * - `ALIAS#<family>#production` / `CURRENT`: the alias (`auditSeq` as above);
 * - `ALIAS#<family>#production` / `AUDIT#<iso time>#<seq>`: one per alias move;
 * - `RUNNING#<family>` / `CURRENT`: the running pointer, which exists only
 *   while an experiment runs, so `attribute_not_exists(pk)` on it is what
 *   guarantees that at most one experiment runs per family.
 *
 * Every write is conditioned on the state it was computed from (status and
 * audit sequence), so two concurrent commands cannot both win.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type AliasItem,
  AliasItemSchema,
  aliasKey,
  PRODUCTION_ALIAS,
  type RunningItem,
  RunningItemSchema,
  runningKey,
} from '#contracts/experiments-items.ts';
import { ANALYSIS_DECISIONS, type AnalysisDecision } from '#core/experiments/analysis/schemas.ts';
import { SuccessCriteriaSchema } from '#core/experiments/criteria.ts';
import {
  ALLOCATION_PRESET_NAMES,
  type AuditEntry,
  abortExperiment,
  completeExperiment,
  createExperiment,
  EXPERIMENT_STATUSES,
  type Experiment,
  ExperimentConflictError,
  type ExperimentInput,
  type ExperimentStatus,
  ExperimentValidationError,
  promoteExperiment,
  startExperiment,
  type Transition,
} from '#core/experiments/lifecycle.ts';

/** No experiment with this id. */
export class ExperimentNotFoundError extends Error {
  override readonly name = 'ExperimentNotFoundError';
}

/** An experiment with this id already exists (ids are unique). */
export class ExperimentExistsError extends Error {
  override readonly name = 'ExperimentExistsError';
}

/**
 * The experiment or alias changed between read and write (another command
 * won the race); nothing was written. Re-read and try again.
 */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** Key of an experiment item. */
export const experimentKey = (id: string) => ({ pk: `EXP#${id}`, sk: 'EXPERIMENT' });

const AUDIT_PREFIX = 'AUDIT#';

/** Sort key of an audit entry: time first for reading, a sequence number for uniqueness. */
export const auditSortKey = (at: string, seq: number): string =>
  `${AUDIT_PREFIX}${at}#${String(seq).padStart(6, '0')}`;

const semver = z.string().regex(/^\d+\.\d+\.\d+$/);

const StoredExperimentSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  family: z.string().min(1),
  control: semver,
  treatment: semver,
  allocation: z.object({
    preset: z.enum([...ALLOCATION_PRESET_NAMES, 'custom']),
    weights: z.object({ control: z.number(), treatment: z.number() }),
    coverage: z.number(),
  }),
  seed: z.string().min(1),
  status: z.enum(EXPERIMENT_STATUSES),
  successCriteria: SuccessCriteriaSchema,
  sequential: z.boolean(),
  expectedTotalDocuments: z.number().int().positive(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  promotedAt: z.string().optional(),
  abortedAt: z.string().optional(),
  decision: z.enum(ANALYSIS_DECISIONS).optional(),
});

const StoredExperimentItemSchema = StoredExperimentSchema.extend({
  auditSeq: z.number().int().nonnegative(),
});

const StoredAuditSchema = z.object({
  seq: z.number().int().positive(),
  experimentId: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['create', 'start', 'complete', 'promote', 'force-promote', 'abort']),
  reason: z.string(),
  before: z.enum(EXPERIMENT_STATUSES).nullable(),
  after: z.enum(EXPERIMENT_STATUSES),
  decision: z.enum(ANALYSIS_DECISIONS).optional(),
});

const AliasAuditSchema = z.object({
  seq: z.number().int().positive(),
  family: z.string(),
  alias: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.literal('move'),
  reason: z.string(),
  before: semver.nullable(),
  after: semver,
  experimentId: z.string().nullable(),
});

const StoredAliasSchema = AliasItemSchema.extend({
  auditSeq: z.number().int().nonnegative().optional(),
});

/** An experiment audit entry as stored, with its position in the experiment's trail. */
export interface StoredAuditEntry extends AuditEntry {
  readonly seq: number;
}

/** One move of an alias: who, when, why, from which version to which. */
export interface AliasAuditEntry {
  readonly seq: number;
  readonly family: string;
  readonly alias: string;
  readonly at: string;
  readonly actor: string;
  readonly action: 'move';
  readonly reason: string;
  /** Version named before the move; null when the alias did not exist. */
  readonly before: string | null;
  readonly after: string;
  /** The experiment whose promotion moved the alias; null for a manual move. */
  readonly experimentId: string | null;
}

/** One line of an experiment's history: its own transitions and the alias moves it caused. */
export type HistoryEntry =
  | ({ readonly kind: 'experiment' } & StoredAuditEntry)
  | ({ readonly kind: 'alias' } & AliasAuditEntry);

/** Who is acting, and why. */
export interface ActorContext {
  readonly actor: string;
  readonly reason?: string;
}

/** The result of a promotion: the experiment and the alias move it made. */
export interface Promotion {
  readonly experiment: Experiment;
  readonly alias: AliasAuditEntry;
}

export interface ExperimentsRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the experiments table. */
  readonly table: string;
  /** Clock for transition timestamps (tests fix it). */
  readonly now?: () => Date;
}

/** What {@link experimentsRepository} returns. */
export interface ExperimentsRepository {
  /** Validates and stores a new Draft (conditional put: ids are unique) plus its audit entry. */
  create(
    input: ExperimentInput,
    ctx: ActorContext & { readonly knownVersions: readonly string[] },
  ): Promise<Experiment>;
  get(id: string): Promise<Experiment | null>;
  /** Like get, but throws {@link ExperimentNotFoundError}. */
  require(id: string): Promise<Experiment>;
  /** Every experiment (or those with one status), newest first, through the `byStatus` index. */
  list(status?: ExperimentStatus): Promise<Experiment[]>;
  /** Draft -> Running and creates the running pointer; throws ExperimentConflictError if another runs. */
  start(id: string, ctx: ActorContext): Promise<Experiment>;
  /** Running -> Completed and removes the running pointer; records the decision if given. */
  complete(
    id: string,
    ctx: ActorContext & { readonly decision?: AnalysisDecision },
  ): Promise<Experiment>;
  /** Completed -> Promoted and moves the `production` alias to the treatment, in one transaction. */
  promote(
    id: string,
    ctx: ActorContext & { readonly decision: AnalysisDecision; readonly force?: boolean },
  ): Promise<Promotion>;
  /** Draft or Running -> Aborted (reason required); removes the running pointer if it runs. */
  abort(id: string, ctx: ActorContext): Promise<Experiment>;
  /** The experiment's audit trail in order, with the alias moves its promotion made. */
  history(id: string): Promise<HistoryEntry[]>;
  /** Every move of a family's `production` alias, oldest first. */
  aliasHistory(family: string): Promise<AliasAuditEntry[]>;
  /** The version the `production` alias names, or null. */
  getAlias(family: string): Promise<AliasItem | null>;
  /** The running pointer the pipeline reads, or null when no experiment runs. */
  getRunning(family: string): Promise<RunningItem | null>;
  /** Moves the `production` alias by hand, with an audit entry (reason required). */
  moveAlias(
    family: string,
    version: string,
    actor: string,
    reason: string,
  ): Promise<AliasAuditEntry>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Builds the repository over one experiments table. */
export const experimentsRepository = (
  options: ExperimentsRepositoryOptions,
): ExperimentsRepository => {
  const { client, table } = options;
  const now = options.now ?? (() => new Date());

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

  const deleteRunning = (family: string, experimentId: string): TransactItem => ({
    Delete: {
      TableName: table,
      Key: runningKey(family),
      ConditionExpression: 'experimentId = :id',
      ExpressionAttributeValues: { ':id': experimentId },
    },
  });

  /** The alias put and its audit entry, conditioned on the alias as read. */
  const aliasMoveItems = (
    family: string,
    current: z.infer<typeof StoredAliasSchema> | null,
    move: Omit<AliasAuditEntry, 'seq' | 'family' | 'alias' | 'before' | 'action'>,
  ): { items: TransactItem[]; entry: AliasAuditEntry } => {
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
  };

  /**
   * Runs a transaction; a cancelled one becomes the error `explain` picks from
   * the per-item cancellation codes (in TransactItems order).
   */
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

  const concurrent = (what: string) =>
    new ConcurrentUpdateError(`${what} changed while this command ran; nothing was written`);

  const transition = async (
    item: z.infer<typeof StoredExperimentItemSchema>,
    compute: (exp: Experiment) => Transition,
    extra: (read: Experiment, next: Experiment) => TransactItem[],
    explainExtra: (codes: readonly string[]) => Error | null,
  ): Promise<Experiment> => {
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

  const aliasHistory = async (family: string): Promise<AliasAuditEntry[]> => {
    const items = await auditItems(aliasKey(family).pk);
    return items.map((item) => AliasAuditSchema.parse(item)).sort((a, b) => a.seq - b.seq);
  };

  return {
    create: async (input, ctx) => {
      const { next, audit } = createExperiment(input, {
        now: now(),
        actor: ctx.actor,
        knownVersions: ctx.knownVersions,
        ...(ctx.reason ? { reason: ctx.reason } : {}),
      });
      await transact(
        [
          {
            Put: {
              TableName: table,
              Item: { ...experimentKey(next.id), ...next, auditSeq: 1 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          putAudit(audit, 1),
        ],
        (codes) =>
          codes[0] === 'ConditionalCheckFailed'
            ? new ExperimentExistsError(`experiment ${next.id} already exists; choose another id`)
            : concurrent(`experiment ${next.id}`),
      );
      return next;
    },

    get: async (id) => {
      const item = await readExperimentItem(id);
      if (!item) return null;
      const { auditSeq: _seq, ...experiment } = item;
      return experiment;
    },

    require: async (id) => {
      const { auditSeq: _seq, ...experiment } = await requireItem(id);
      return experiment;
    },

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
        for (const item of items) {
          const { auditSeq: _seq, ...experiment } = StoredExperimentItemSchema.parse(item);
          found.push(experiment);
        }
      }
      return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    start: async (id, ctx) => {
      const item = await requireItem(id);
      const running = await getRunning(item.family);
      return transition(
        item,
        (exp) =>
          startExperiment(exp, {
            now: now(),
            actor: ctx.actor,
            runningExperimentId: running?.experimentId ?? null,
            ...(ctx.reason ? { reason: ctx.reason } : {}),
          }),
        (_read, next) => {
          const pointer: RunningItem = {
            experimentId: next.id,
            seed: next.seed,
            control: next.control,
            treatment: next.treatment,
            weights: [next.allocation.weights.control, next.allocation.weights.treatment],
            coverage: next.allocation.coverage,
          };
          return [
            {
              Put: {
                TableName: table,
                Item: { ...runningKey(next.family), ...pointer, startedAt: next.startedAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ];
        },
        (codes) =>
          codes[0] === 'ConditionalCheckFailed'
            ? new ExperimentConflictError(
                `cannot start experiment ${id}: another experiment of ${item.family} started first; ` +
                  'complete or abort it first',
              )
            : null,
      );
    },

    complete: async (id, ctx) =>
      transition(
        await requireItem(id),
        (exp) =>
          completeExperiment(exp, {
            now: now(),
            actor: ctx.actor,
            ...(ctx.reason ? { reason: ctx.reason } : {}),
            ...(ctx.decision ? { decision: ctx.decision } : {}),
          }),
        (read) => [deleteRunning(read.family, read.id)],
        (codes) =>
          codes[0] === 'ConditionalCheckFailed'
            ? new ConcurrentUpdateError(
                `the running pointer of ${id} is missing or names another experiment; nothing was written`,
              )
            : null,
      ),

    promote: async (id, ctx) => {
      const item = await requireItem(id);
      const current = await readAlias(item.family);
      let alias: AliasAuditEntry | undefined;
      const experiment = await transition(
        item,
        (exp) =>
          promoteExperiment(exp, {
            now: now(),
            actor: ctx.actor,
            decision: ctx.decision,
            ...(ctx.force === undefined ? {} : { force: ctx.force }),
            ...(ctx.reason ? { reason: ctx.reason } : {}),
          }),
        (_read, next) => {
          const move = aliasMoveItems(next.family, current, {
            at: next.promotedAt ?? now().toISOString(),
            actor: ctx.actor.trim(),
            reason: ctx.reason?.trim() || 'analysis decision ship',
            after: next.treatment,
            experimentId: next.id,
          });
          alias = move.entry;
          return move.items;
        },
        (codes) =>
          codes.includes('ConditionalCheckFailed') ? concurrent(`alias of ${item.family}`) : null,
      );
      if (!alias) throw new Error('internal: promotion wrote no alias move');
      return { experiment, alias };
    },

    abort: async (id, ctx) =>
      transition(
        await requireItem(id),
        (exp) =>
          abortExperiment(exp, {
            now: now(),
            actor: ctx.actor,
            ...(ctx.reason ? { reason: ctx.reason } : {}),
          }),
        (read) => (read.status === 'Running' ? [deleteRunning(read.family, read.id)] : []),
        () => null,
      ),

    history: async (id) => {
      const exp = await requireItem(id);
      const own = (await auditItems(experimentKey(id).pk))
        .map((item) => StoredAuditSchema.parse(item))
        .sort((a, b) => a.seq - b.seq);
      const moves = (await aliasHistory(exp.family)).filter((m) => m.experimentId === id);
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
    },

    aliasHistory,

    getAlias: async (family) => {
      const alias = await readAlias(family);
      return alias ? { version: alias.version, updatedAt: alias.updatedAt } : null;
    },

    getRunning,

    moveAlias: async (family, version, actor, reason) => {
      if (!semver.safeParse(version).success) {
        throw new ExperimentValidationError(`version ${version} is not MAJOR.MINOR.PATCH`);
      }
      const who = actor.trim();
      const why = reason.trim();
      if (who === '') throw new ExperimentValidationError('actor is required');
      if (why === '') throw new ExperimentValidationError('a reason is required to move an alias');
      const current = await readAlias(family);
      const move = aliasMoveItems(family, current, {
        at: now().toISOString(),
        actor: who,
        reason: why,
        after: version,
        experimentId: null,
      });
      await transact(move.items, () => concurrent(`alias of ${family}`));
      return move.entry;
    },
  };
};
