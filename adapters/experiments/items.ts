/**
 * How experiments, their audit trail and the `production` alias are laid out
 * as items in the experiments table: keys, sort keys and the schemas items are
 * parsed with on read.
 */
import * as z from 'zod';
import { AliasItemSchema } from '#contracts/experiments-items.ts';
import { ANALYSIS_DECISIONS } from '#core/experiments/analysis/schemas.ts';
import { SuccessCriteriaSchema } from '#core/experiments/criteria.ts';
import {
  ALLOCATION_PRESET_NAMES,
  type AuditEntry,
  EXPERIMENT_STATUSES,
  type Experiment,
} from '#core/experiments/lifecycle.ts';

/** Key of an experiment item. */
export const experimentKey = (id: string) => ({ pk: `EXP#${id}`, sk: 'EXPERIMENT' });

export const AUDIT_PREFIX = 'AUDIT#';

/** Sort key of an audit entry: time first for reading, a sequence number for uniqueness. */
export const auditSortKey = (at: string, seq: number): string =>
  `${AUDIT_PREFIX}${at}#${String(seq).padStart(6, '0')}`;

export const semver = z.string().regex(/^\d+\.\d+\.\d+$/);

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

export const StoredExperimentItemSchema = StoredExperimentSchema.extend({
  auditSeq: z.number().int().nonnegative(),
});

export const StoredAuditSchema = z.object({
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

export const AliasAuditSchema = z.object({
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

export const StoredAliasSchema = z.object({
  ...AliasItemSchema.shape,
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

/** An experiment item as stored: the experiment and the number of its audit entries. */
export type StoredExperimentItem = z.infer<typeof StoredExperimentItemSchema>;
/** An alias item as stored. */
export type StoredAlias = z.infer<typeof StoredAliasSchema>;

/** The experiment an item holds, without its storage bookkeeping. */
export const experimentOf = (item: StoredExperimentItem): Experiment => {
  const { auditSeq: _seq, ...experiment } = item;
  return experiment;
};
