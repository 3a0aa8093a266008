/**
 * Experiment lifecycle: Draft -> Running -> Completed -> Promoted, or Aborted
 * from Draft or Running. Each function takes the current experiment and
 * returns the next state plus the audit entry to append; persisting both
 * (atomically, conditioned on the old status) is the caller's job.
 */
import * as z from 'zod';
import { ANALYSIS_DECISIONS, type AnalysisDecision } from '#core/experiments/analysis/schemas.ts';
import { type SuccessCriteria, SuccessCriteriaSchema } from './criteria.ts';

export const EXPERIMENT_STATUSES = [
  'Draft',
  'Running',
  'Completed',
  'Promoted',
  'Aborted',
] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** Allocation preset names: control share / treatment share. */
export const ALLOCATION_PRESET_NAMES = ['50/50', '80/20', '95/5'] as const;
export type AllocationPreset = (typeof ALLOCATION_PRESET_NAMES)[number];

/** Control/treatment weights of the named presets. */
export const ALLOCATION_PRESETS: Readonly<
  Record<AllocationPreset, { readonly control: number; readonly treatment: number }>
> = {
  '50/50': { control: 0.5, treatment: 0.5 },
  '80/20': { control: 0.8, treatment: 0.2 },
  '95/5': { control: 0.95, treatment: 0.05 },
};

/**
 * How documents are split. `coverage` is the share of documents enrolled at
 * all (the rest get the production version and are not analysed); the weights
 * split the enrolled ones. Raising coverage adds documents without moving any,
 * changing weights moves documents between arms and needs a new experiment.
 */
export interface Allocation {
  readonly preset: AllocationPreset | 'custom';
  readonly weights: { readonly control: number; readonly treatment: number };
  readonly coverage: number;
}

/** A stored experiment. Timestamps are ISO 8601 strings. */
export interface Experiment {
  readonly id: string;
  readonly name: string;
  /** Prompt family both versions belong to. */
  readonly family: string;
  /** Control prompt version (semver). */
  readonly control: string;
  /** Treatment prompt version (semver). */
  readonly treatment: string;
  readonly allocation: Allocation;
  /** Hash seed for sticky assignment; defaults to the id. */
  readonly seed: string;
  readonly status: ExperimentStatus;
  readonly successCriteria: SuccessCriteria;
  /** Analyse with always-valid intervals (safe to read at any time). */
  readonly sequential: boolean;
  /** N*: total documents over both arms at which a decision is expected. */
  readonly expectedTotalDocuments: number;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly promotedAt?: string;
  readonly abortedAt?: string;
  /** Analysis decision recorded at completion or promotion. */
  readonly decision?: AnalysisDecision;
}

export type AuditAction = 'create' | 'start' | 'complete' | 'promote' | 'force-promote' | 'abort';

/** One append-only audit record per transition. */
export interface AuditEntry {
  readonly experimentId: string;
  readonly at: string;
  readonly actor: string;
  readonly action: AuditAction;
  readonly reason: string;
  /** Status before the transition; null on creation. */
  readonly before: ExperimentStatus | null;
  readonly after: ExperimentStatus;
  /** Analysis decision the transition relied on (complete, promote). */
  readonly decision?: AnalysisDecision;
}

/** What every transition returns: the new state and the entry to append. */
export interface Transition {
  readonly next: Experiment;
  readonly audit: AuditEntry;
}

/** The experiment definition failed validation; the message names each field. */
export class ExperimentValidationError extends Error {
  override readonly name = 'ExperimentValidationError';
}

/** The requested transition is not allowed from the current status. */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly experimentId: string,
    readonly action: string,
    readonly status: ExperimentStatus,
    readonly allowedFrom: readonly ExperimentStatus[],
  ) {
    super(
      `cannot ${action} experiment ${experimentId}: status is ${status} (allowed from ${allowedFrom.join(', ')})`,
    );
  }
}

/** Another experiment is already running; only one runs at a time. */
export class ExperimentConflictError extends Error {
  override readonly name = 'ExperimentConflictError';
}

/** The analysis does not support promotion and no valid override was given. */
export class PromotionRefusedError extends Error {
  override readonly name = 'PromotionRefusedError';
}

const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version like 1.2.0');
const coverage = z.number().gt(0).max(1).default(1);

const AllocationInputSchema = z
  .union([
    z.enum(ALLOCATION_PRESET_NAMES),
    z.object({ preset: z.enum(ALLOCATION_PRESET_NAMES), coverage }).strict(),
    z
      .object({
        weights: z
          .object({ control: z.number().gt(0).lt(1), treatment: z.number().gt(0).lt(1) })
          .strict()
          .refine((w) => Math.abs(w.control + w.treatment - 1) < 1e-9, {
            message: 'control and treatment weights must sum to 1',
          }),
        coverage,
      })
      .strict(),
  ])
  .transform((a): Allocation => {
    if (typeof a === 'string') return { preset: a, weights: ALLOCATION_PRESETS[a], coverage: 1 };
    if ('preset' in a)
      return { preset: a.preset, weights: ALLOCATION_PRESETS[a.preset], coverage: a.coverage };
    return { preset: 'custom', weights: a.weights, coverage: a.coverage };
  });

/** What a user supplies to create an experiment. */
export const ExperimentInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, at most 63'),
    name: z.string().trim().min(1).max(200),
    family: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    control: semver,
    treatment: semver,
    /** A preset name, `{ preset, coverage }`, or `{ weights, coverage }`. */
    allocation: AllocationInputSchema,
    seed: z.string().min(1).max(128).optional(),
    successCriteria: SuccessCriteriaSchema,
    sequential: z.boolean().default(false),
    /** GrowthBook's default N* is 5000. */
    expectedTotalDocuments: z.number().int().min(16).default(5000),
  })
  .strict();
export type ExperimentInput = z.input<typeof ExperimentInputSchema>;

/** Who and when, for every transition. */
export interface TransitionContext {
  readonly now: Date;
  readonly actor: string;
  readonly reason?: string;
}

/**
 * Validates a new experiment and returns it as a Draft. Both prompt versions
 * must be among `knownVersions` (the versions of `input.family` this build
 * bundles) and must differ.
 */
export function createExperiment(
  input: ExperimentInput,
  ctx: TransitionContext & { readonly knownVersions: readonly string[] },
): Transition {
  const parsed = ExperimentInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ExperimentValidationError(`invalid experiment: ${problems.join('; ')}`);
  }
  const def = parsed.data;
  const problems: string[] = [];
  for (const arm of ['control', 'treatment'] as const) {
    if (!ctx.knownVersions.includes(def[arm])) {
      problems.push(`${arm}: version ${def[arm]} is not a known version of ${def.family}`);
    }
  }
  if (def.control === def.treatment) {
    problems.push(`treatment: must differ from control (both are ${def.control})`);
  }
  if (problems.length > 0) {
    throw new ExperimentValidationError(`invalid experiment: ${problems.join('; ')}`);
  }
  const { at, actor } = stamp(ctx);
  const next: Experiment = {
    id: def.id,
    name: def.name,
    family: def.family,
    control: def.control,
    treatment: def.treatment,
    allocation: def.allocation,
    seed: def.seed ?? def.id,
    status: 'Draft',
    successCriteria: def.successCriteria,
    sequential: def.sequential,
    expectedTotalDocuments: def.expectedTotalDocuments,
    createdAt: at,
  };
  return {
    next,
    audit: entry(next.id, at, actor, 'create', ctx.reason ?? 'created', null, 'Draft'),
  };
}

/**
 * Draft -> Running. `runningExperimentId` is the experiment currently running
 * (null if none): only one experiment runs at a time, because the variant
 * selection serves a single active experiment.
 */
export function startExperiment(
  exp: Experiment,
  ctx: TransitionContext & { readonly runningExperimentId: string | null },
): Transition {
  requireStatus(exp, 'start', ['Draft']);
  if (ctx.runningExperimentId !== null && ctx.runningExperimentId !== exp.id) {
    throw new ExperimentConflictError(
      `cannot start experiment ${exp.id}: experiment ${ctx.runningExperimentId} is running; complete or abort it first`,
    );
  }
  const { at, actor } = stamp(ctx);
  const next: Experiment = { ...exp, status: 'Running', startedAt: at };
  return {
    next,
    audit: entry(exp.id, at, actor, 'start', ctx.reason ?? 'started', 'Draft', 'Running'),
  };
}

/** Running -> Completed: traffic stops being split. Records the analysis decision if given. */
export function completeExperiment(
  exp: Experiment,
  ctx: TransitionContext & { readonly decision?: AnalysisDecision },
): Transition {
  requireStatus(exp, 'complete', ['Running']);
  const decision = parseDecision(ctx.decision);
  const { at, actor } = stamp(ctx);
  const next: Experiment = {
    ...exp,
    status: 'Completed',
    completedAt: at,
    ...(decision === undefined ? {} : { decision }),
  };
  return {
    next,
    audit: {
      ...entry(exp.id, at, actor, 'complete', ctx.reason ?? 'completed', 'Running', 'Completed'),
      ...(decision === undefined ? {} : { decision }),
    },
  };
}

/**
 * Completed -> Promoted: the treatment becomes the version to serve (moving
 * the `production` alias is the caller's job).
 *
 * Requires the analysis decision 'ship'. `force` with a non-empty reason
 * overrides 'keep-running' or 'rollback' (a product call the numbers do not
 * make, recorded as 'force-promote'). It never overrides 'unhealthy': a
 * sample ratio mismatch means the arms are not comparable, so the data say
 * nothing about either version and there is nothing to overrule.
 */
export function promoteExperiment(
  exp: Experiment,
  ctx: TransitionContext & { readonly decision: AnalysisDecision; readonly force?: boolean },
): Transition {
  requireStatus(exp, 'promote', ['Completed']);
  const decision = parseDecision(ctx.decision);
  if (decision === 'unhealthy') {
    throw new PromotionRefusedError(
      `cannot promote experiment ${exp.id}: the analysis is unhealthy (sample ratio mismatch); ` +
        'force does not apply because the arms are not comparable',
    );
  }
  const forced = decision !== 'ship';
  const reason = ctx.reason?.trim() ?? '';
  if (forced && ctx.force !== true) {
    throw new PromotionRefusedError(
      `cannot promote experiment ${exp.id}: the analysis decision is '${decision}', not 'ship'; ` +
        'pass force with a reason to override',
    );
  }
  if (forced && reason === '') {
    throw new PromotionRefusedError(
      `cannot force-promote experiment ${exp.id}: a non-empty reason is required`,
    );
  }
  const { at, actor } = stamp(ctx);
  const next: Experiment = { ...exp, status: 'Promoted', promotedAt: at, decision };
  const action: AuditAction = forced ? 'force-promote' : 'promote';
  return {
    next,
    audit: {
      ...entry(exp.id, at, actor, action, reason || 'promoted', 'Completed', 'Promoted'),
      decision,
    },
  };
}

/** Draft or Running -> Aborted. A reason is required. */
export function abortExperiment(exp: Experiment, ctx: TransitionContext): Transition {
  requireStatus(exp, 'abort', ['Draft', 'Running']);
  const reason = ctx.reason?.trim() ?? '';
  if (reason === '') {
    throw new ExperimentValidationError(`cannot abort experiment ${exp.id}: a reason is required`);
  }
  const { at, actor } = stamp(ctx);
  const next: Experiment = { ...exp, status: 'Aborted', abortedAt: at };
  return { next, audit: entry(exp.id, at, actor, 'abort', reason, exp.status, 'Aborted') };
}

function requireStatus(
  exp: Experiment,
  action: string,
  allowedFrom: readonly ExperimentStatus[],
): void {
  if (!allowedFrom.includes(exp.status)) {
    throw new InvalidTransitionError(exp.id, action, exp.status, allowedFrom);
  }
}

function stamp(ctx: TransitionContext): { at: string; actor: string } {
  if (Number.isNaN(ctx.now.getTime()))
    throw new ExperimentValidationError('now is not a valid date');
  const actor = ctx.actor.trim();
  if (actor === '') throw new ExperimentValidationError('actor is required');
  return { at: ctx.now.toISOString(), actor };
}

function parseDecision(decision: AnalysisDecision | undefined): AnalysisDecision | undefined {
  if (decision === undefined) return undefined;
  const parsed = z.enum(ANALYSIS_DECISIONS).safeParse(decision);
  if (!parsed.success)
    throw new ExperimentValidationError(`unknown analysis decision: ${decision}`);
  return parsed.data;
}

function entry(
  experimentId: string,
  at: string,
  actor: string,
  action: AuditAction,
  reason: string,
  before: ExperimentStatus | null,
  after: ExperimentStatus,
): AuditEntry {
  return { experimentId, at, actor, action, reason, before, after };
}
