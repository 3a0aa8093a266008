/**
 * The flags of `medextract experiments create` read as an experiment
 * definition: numbers in range, guardrail rules, allocation, ids from names.
 * Usage errors (exit 2) name the flag at fault.
 */
import * as z from 'zod';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { GUARDRAIL_METRICS, type Guardrail, PRIMARY_METRICS } from '#core/experiments/criteria.ts';
import { ALLOCATION_PRESET_NAMES, type ExperimentInput } from '#core/experiments/lifecycle.ts';
import { idFromName } from '#services/experiment-ids.ts';
import { requireReleased } from '#services/experiments.ts';
import { UsageError } from '../output.ts';
import type { ActorFlags } from './actor.ts';

const number = (flag: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a number between ${min} and ${max}, got '${text}'`);
  }
  return value;
};

const GuardrailMetric = z.enum(GUARDRAIL_METRICS);

/**
 * `metric:0.2` (relative change on the harmful side, 0.2 = 20 %) or
 * `metric:increase:5` / `metric:decrease:0.02` (absolute, in the metric's unit).
 */
export const parseGuardrail = (text: string): Guardrail => {
  const parts = text.split(':');
  const metric = GuardrailMetric.safeParse(parts[0]);
  if (!metric.success) {
    throw new UsageError(
      `--guardrail ${text}: metric must be one of ${GUARDRAIL_METRICS.join(', ')}`,
    );
  }
  if (parts.length === 2) {
    return { metric: metric.data, maxRelativeChange: number('--guardrail', parts[1] ?? '', 0, 10) };
  }
  const direction = parts[1];
  if (parts.length === 3 && (direction === 'increase' || direction === 'decrease')) {
    return {
      metric: metric.data,
      direction,
      limit: number('--guardrail', parts[2] ?? '', 0, Number.MAX_SAFE_INTEGER),
    };
  }
  throw new UsageError(
    `--guardrail ${text}: write metric:maxRelativeChange (latencyP95:0.2) or metric:increase|decrease:limit`,
  );
};

/** A readable id from a name (the rule lives with the use cases). */
export { idFromName } from '#services/experiment-ids.ts';

export interface CreateFlags extends ActorFlags {
  readonly name: string;
  readonly id?: string;
  readonly control: string;
  readonly treatment: string;
  readonly preset?: string;
  readonly weights?: string;
  readonly coverage: string;
  readonly primary: string;
  readonly mde: string;
  readonly alpha: string;
  readonly minDocs: string;
  readonly guardrail: string[];
  readonly sequential?: boolean;
  readonly expectedDocs: string;
  readonly seed?: string;
}

const PresetSchema = z.enum(ALLOCATION_PRESET_NAMES);
const PrimarySchema = z.enum(PRIMARY_METRICS);

/** The experiment definition the create flags describe. */
export const inputFromFlags = (flags: CreateFlags): ExperimentInput => {
  const id = flags.id ?? idFromName(flags.name);
  if (id === '') throw new UsageError('--name has no letters or digits; pass --id');
  // Checked before a stack is opened, so a wrong version fails fast.
  requireReleased(flags.control, 'control');
  requireReleased(flags.treatment, 'treatment');
  const coverage = number('--coverage', flags.coverage, 0, 1);
  if (flags.preset && flags.weights) throw new UsageError('pass --preset or --weights, not both');
  let allocation: ExperimentInput['allocation'];
  if (flags.weights) {
    const parts = flags.weights.split(',').map((w) => number('--weights', w, 0, 1));
    const [control, treatment] = parts;
    if (parts.length !== 2 || control === undefined || treatment === undefined) {
      throw new UsageError('--weights takes two numbers, control,treatment (e.g. 0.7,0.3)');
    }
    allocation = { weights: { control, treatment }, coverage };
  } else {
    const preset = PresetSchema.safeParse(flags.preset ?? '50/50');
    if (!preset.success) {
      throw new UsageError(`--preset must be one of ${ALLOCATION_PRESET_NAMES.join(', ')}`);
    }
    allocation = { preset: preset.data, coverage };
  }
  const primary = PrimarySchema.safeParse(flags.primary);
  if (!primary.success) {
    throw new UsageError(`--primary must be one of ${PRIMARY_METRICS.join(', ')}`);
  }
  return {
    id,
    name: flags.name,
    family: PROMPT_FAMILY,
    control: flags.control,
    treatment: flags.treatment,
    allocation,
    ...(flags.seed ? { seed: flags.seed } : {}),
    successCriteria: {
      primaryMetric: primary.data,
      minimumDetectableEffect: number('--mde', flags.mde, 0, 10),
      alpha: number('--alpha', flags.alpha, 0, 0.2),
      minimumDocumentsPerArm: number('--min-docs', flags.minDocs, 8, 10_000_000),
      guardrails: flags.guardrail.map(parseGuardrail),
    },
    sequential: flags.sequential === true,
    expectedTotalDocuments: number('--expected-docs', flags.expectedDocs, 16, 100_000_000),
  };
};
