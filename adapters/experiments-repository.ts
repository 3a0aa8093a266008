/**
 * DynamoDB adapter for experiments: persists the lifecycle transitions that
 * `core/experiments/lifecycle.ts` computes, each in one transaction together with its
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
 *
 * This file is the repository's public face: its interface and the factory
 * that composes the lifecycle rules with the item layout
 * (`experiments/items.ts`), the reads (`experiments/reads.ts`) and the
 * transactional writes (`experiments/transitions.ts`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AliasItem, RunningItem } from '#contracts/experiments-items.ts';
import type { AnalysisDecision } from '#core/experiments/analysis/schemas.ts';
import {
  abortExperiment,
  completeExperiment,
  createExperiment,
  type Experiment,
  ExperimentConflictError,
  type ExperimentInput,
  type ExperimentStatus,
  ExperimentValidationError,
  promoteExperiment,
  startExperiment,
} from '#core/experiments/lifecycle.ts';
import {
  ConcurrentUpdateError,
  ExperimentExistsError,
  ExperimentNotFoundError,
} from './experiments/errors.ts';
import {
  type AliasAuditEntry,
  experimentOf,
  type HistoryEntry,
  semver,
} from './experiments/items.ts';
import { experimentReads, mergeHistory } from './experiments/reads.ts';
import { concurrent, experimentWrites } from './experiments/transitions.ts';

export {
  ConcurrentUpdateError,
  ExperimentExistsError,
  ExperimentNotFoundError,
} from './experiments/errors.ts';
export {
  type AliasAuditEntry,
  auditSortKey,
  experimentKey,
  type HistoryEntry,
  type StoredAuditEntry,
} from './experiments/items.ts';

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

/** Builds the repository over one experiments table. */
export const experimentsRepository = (
  options: ExperimentsRepositoryOptions,
): ExperimentsRepository => {
  const { client, table } = options;
  const now = options.now ?? (() => new Date());
  const reads = experimentReads(client, table);
  const { requireItem, readAlias, getRunning, aliasHistory } = reads;
  const writes = experimentWrites(client, table);
  const { transact, transition, putAudit, deleteRunning, aliasMoveItems } = writes;

  return {
    create: async (input, ctx) => {
      const { next, audit } = createExperiment(input, {
        now: now(),
        actor: ctx.actor,
        knownVersions: ctx.knownVersions,
        ...(ctx.reason ? { reason: ctx.reason } : {}),
      });
      await transact([writes.putNewExperiment(next), putAudit(audit, 1)], (codes) =>
        codes[0] === 'ConditionalCheckFailed'
          ? new ExperimentExistsError(`experiment ${next.id} already exists; choose another id`)
          : concurrent(`experiment ${next.id}`),
      );
      return next;
    },

    get: async (id) => {
      const item = await reads.readExperimentItem(id);
      return item ? experimentOf(item) : null;
    },

    require: async (id) => experimentOf(await requireItem(id)),

    list: reads.list,

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
        (_read, next) => [writes.putRunning(next)],
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
      const own = await reads.auditTrail(id);
      return mergeHistory(id, own, await aliasHistory(exp.family));
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
