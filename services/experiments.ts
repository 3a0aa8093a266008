/**
 * Experiment use cases: create, list, get, start, status, analyse, complete,
 * promote (with force and a reason), abort and history. The lifecycle rules
 * are the domain's and the repository's; these functions decide what to read
 * and in what order, and return data for a caller to present.
 */
import type { AliasAuditEntry, HistoryEntry } from '#adapters/experiments-repository.ts';
import type { RunningItem } from '#contracts/experiments-items.ts';
import type { ExperimentAnalysis } from '#core/experiments/analysis/schemas.ts';
import {
  type Experiment,
  type ExperimentInput,
  type ExperimentStatus,
  InvalidTransitionError,
  PromotionRefusedError,
} from '#core/experiments/lifecycle.ts';
import { type SrmResult, srmCheck } from '#core/experiments/stats/srm.ts';
import {
  defaultCatalog,
  experimentsOf,
  type PromptCatalog,
  rollupsOf,
  type ServiceContext,
} from './context.ts';
import {
  type ArmRollups,
  analyzeFromRollups,
  readExperimentRollups,
} from './experiment-analysis.ts';
import { InvalidInputError } from './service-error.ts';

/** Who acts and why; every change names a person in the audit trail. */
export interface Actor {
  readonly actor: string;
  readonly reason?: string;
}

/** Released versions in the catalog: drafts are mutable, so they cannot be compared. */
export const releasedVersions = (catalog: PromptCatalog = defaultCatalog()): string[] =>
  catalog
    .list()
    .filter((v) => v.status === 'released')
    .map((v) => v.version);

/** Throws unless `version` is a released version of the catalog; `role` names the arm. */
export const requireReleased = (
  version: string,
  role: 'control' | 'treatment',
  catalog: PromptCatalog = defaultCatalog(),
): void => {
  const entry = catalog.list().find((v) => v.version === version);
  if (!entry) {
    throw new InvalidInputError(
      'UNKNOWN_PROMPT_VERSION',
      `${version} is not a bundled prompt version (${catalog.versions().join(', ')})`,
      role,
    );
  }
  if (entry.status !== 'released') {
    throw new InvalidInputError(
      'DRAFT_PROMPT_VERSION',
      `${version} is a draft; release it (npm run prompts:release) before experimenting`,
      role,
    );
  }
};

const reasonOf = (who: Actor) => (who.reason ? { reason: who.reason } : {});

/** Creates a Draft experiment between two released versions. */
export const createExperiment = async (
  ctx: ServiceContext,
  input: ExperimentInput,
  who: Actor,
  catalog: PromptCatalog = defaultCatalog(),
): Promise<Experiment> => {
  requireReleased(input.control, 'control', catalog);
  requireReleased(input.treatment, 'treatment', catalog);
  return experimentsOf(ctx).create(input, {
    actor: who.actor,
    knownVersions: releasedVersions(catalog),
    ...reasonOf(who),
  });
};

/** Experiments, newest first, optionally of one status. */
export const listExperiments = (
  ctx: ServiceContext,
  status?: ExperimentStatus,
): Promise<Experiment[]> => experimentsOf(ctx).list(status);

/** One experiment; `ExperimentNotFoundError` (NOT_FOUND) when there is none. */
export const getExperiment = (ctx: ServiceContext, id: string): Promise<Experiment> =>
  experimentsOf(ctx).require(id);

/** Draft -> Running. */
export const startExperiment = (ctx: ServiceContext, id: string, who: Actor): Promise<Experiment> =>
  experimentsOf(ctx).start(id, { actor: who.actor, ...reasonOf(who) });

/** Documents per arm so far, as counted by the roll-ups. */
export interface ArmProgress {
  readonly version: string;
  readonly documents: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface ExperimentStatusReport {
  readonly experiment: Experiment;
  /** The family's running-experiment pointer, whichever experiment it names. */
  readonly running: RunningItem | null;
  /** Whether the pipeline splits documents by this experiment now. */
  readonly serving: 'this' | 'other' | 'none';
  /** Null before the experiment started. */
  readonly rollups: ArmRollups | null;
  readonly arms: Readonly<Record<'control' | 'treatment', ArmProgress>> | null;
  readonly srm: SrmResult | null;
}

/** Definition, state, whether it serves traffic, and documents per arm so far. */
export const experimentStatus = async (
  ctx: ServiceContext,
  id: string,
): Promise<ExperimentStatusReport> => {
  const repo = experimentsOf(ctx);
  const experiment = await repo.require(id);
  const running = await repo.getRunning(experiment.family);
  const rollups = experiment.startedAt
    ? await readExperimentRollups(rollupsOf(ctx), experiment)
    : null;
  const srm = rollups
    ? srmCheck(
        [rollups.control.documents, rollups.treatment.documents],
        [experiment.allocation.weights.control, experiment.allocation.weights.treatment],
      )
    : null;
  const progress = (arm: 'control' | 'treatment', r: ArmRollups): ArmProgress => ({
    version: experiment[arm],
    documents: r[arm].documents,
    succeeded: r[arm].succeeded,
    failed: r[arm].failed,
  });
  return {
    experiment,
    running,
    serving: running?.experimentId === experiment.id ? 'this' : running ? 'other' : 'none',
    rollups,
    arms: rollups
      ? { control: progress('control', rollups), treatment: progress('treatment', rollups) }
      : null,
    srm,
  };
};

export interface AnalysedExperiment {
  readonly experiment: Experiment;
  readonly analysis: ExperimentAnalysis;
}

/** The analysis of an experiment's arms from the metric roll-ups. */
export const analyzeExperimentById = async (
  ctx: ServiceContext,
  id: string,
): Promise<AnalysedExperiment> => {
  const experiment = await experimentsOf(ctx).require(id);
  const { analysis } = await analyzeFromRollups(rollupsOf(ctx), experiment);
  return { experiment, analysis };
};

/** Running -> Completed, recording the analysis' decision at that moment. */
export const completeExperiment = async (
  ctx: ServiceContext,
  id: string,
  who: Actor,
): Promise<AnalysedExperiment> => {
  const repo = experimentsOf(ctx);
  const current = await repo.require(id);
  if (current.status !== 'Running')
    throw new InvalidTransitionError(id, 'complete', current.status, ['Running']);
  const { analysis } = await analyzeFromRollups(rollupsOf(ctx), current);
  const experiment = await repo.complete(id, {
    actor: who.actor,
    decision: analysis.decision,
    ...reasonOf(who),
  });
  return { experiment, analysis };
};

export interface PromoteRequest extends Actor {
  /** Promote although the decision is not `ship`; needs a reason; never when unhealthy. */
  readonly force?: boolean;
}

export type PromoteOutcome =
  | {
      readonly outcome: 'promoted';
      readonly experiment: Experiment;
      readonly alias: AliasAuditEntry;
      readonly decision: ExperimentAnalysis['decision'];
      readonly forced: boolean;
    }
  | {
      readonly outcome: 'refused';
      /** Why the lifecycle refused the promotion. */
      readonly message: string;
      readonly decision: ExperimentAnalysis['decision'];
      readonly reasons: readonly string[];
    };

/**
 * Completed -> Promoted: moves the production alias to the treatment. A
 * promotion the analysis does not support comes back as `refused` (data, not
 * an error: the caller shows the reasons and how to force it).
 */
export const promoteExperiment = async (
  ctx: ServiceContext,
  id: string,
  request: PromoteRequest,
): Promise<PromoteOutcome> => {
  const force = request.force === true;
  if (force && !request.reason?.trim()) {
    throw new InvalidInputError('REASON_REQUIRED', 'a forced promotion needs a reason', 'reason');
  }
  const repo = experimentsOf(ctx);
  const current = await repo.require(id);
  if (current.status !== 'Completed')
    throw new InvalidTransitionError(id, 'promote', current.status, ['Completed']);
  const { analysis } = await analyzeFromRollups(rollupsOf(ctx), current);
  try {
    const { experiment, alias } = await repo.promote(id, {
      actor: request.actor,
      decision: analysis.decision,
      force,
      ...reasonOf(request),
    });
    return {
      outcome: 'promoted',
      experiment,
      alias,
      decision: analysis.decision,
      forced: force && analysis.decision !== 'ship',
    };
  } catch (error) {
    if (!(error instanceof PromotionRefusedError)) throw error;
    return {
      outcome: 'refused',
      message: error.message,
      decision: analysis.decision,
      reasons: analysis.reasons,
    };
  }
};

/** Draft or Running -> Aborted; a reason is required. */
export const abortExperiment = (
  ctx: ServiceContext,
  id: string,
  who: Required<Actor>,
): Promise<Experiment> => experimentsOf(ctx).abort(id, { actor: who.actor, reason: who.reason });

/** The audit trail: every transition and the alias moves it caused, in order. */
export const experimentHistory = (ctx: ServiceContext, id: string): Promise<HistoryEntry[]> =>
  experimentsOf(ctx).history(id);
