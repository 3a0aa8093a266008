/**
 * The experiment analysis's contract: the input schema (two arms' roll-up
 * aggregates, weights and success criteria), its error, and the readout types.
 */
import * as z from 'zod';
import { type MetricName, SuccessCriteriaSchema } from '#core/experiments/criteria.ts';
import type { SrmResult } from '#core/experiments/stats/srm.ts';
import type { Interval } from '#core/experiments/stats/types.ts';
import { FAILURE_REASONS, type FailureReason } from '#core/extraction/reasons.ts';
import { HistogramSchema, type LatencyPercentiles } from '#core/metrics/histogram.ts';

/** The four outcomes of an analysis. */
export const ANALYSIS_DECISIONS = ['ship', 'rollback', 'keep-running', 'unhealthy'] as const;
export type AnalysisDecision = (typeof ANALYSIS_DECISIONS)[number];

const count = z.number().int().nonnegative();
const SumsSchema = z
  .object({ n: count, sum: z.number().finite(), sumSq: z.number().finite().nonnegative() })
  .strict();

/** One arm's roll-up aggregates over the experiment window. */
export const ArmAggregatesSchema = z
  .object({
    /** Arm label for the readout, e.g. the prompt version. */
    arm: z.string().min(1).max(64),
    /** Documents that finished (succeeded, sent to review or failed). */
    documents: count,
    succeeded: count,
    /** Documents sent to review (NEEDS_REVIEW); neither succeeded nor failed. */
    needsReview: count.default(0),
    failedByReason: z.partialRecord(z.enum(FAILURE_REASONS), count),
    /** Succeeded documents with every required field present. */
    allRequiredPresent: count,
    completeness: SumsSchema,
    costMicroUsd: SumsSchema,
    inputTokens: SumsSchema,
    outputTokens: SumsSchema,
    latencyHistogram: HistogramSchema,
  })
  .strict()
  .superRefine((arm, ctx) => {
    const failed = Object.values(arm.failedByReason).reduce((s, n) => s + (n ?? 0), 0);
    if (arm.succeeded + arm.needsReview + failed > arm.documents) {
      ctx.addIssue({
        code: 'custom',
        path: ['documents'],
        message: 'fewer than succeeded + needs review + failed',
      });
    }
    if (arm.allRequiredPresent > arm.succeeded) {
      ctx.addIssue({
        code: 'custom',
        path: ['allRequiredPresent'],
        message: 'more than succeeded',
      });
    }
  });
export type ArmAggregates = z.output<typeof ArmAggregatesSchema>;

/** Everything {@link analyzeExperiment} needs. */
export const AnalysisInputSchema = z
  .object({
    control: ArmAggregatesSchema,
    treatment: ArmAggregatesSchema,
    /** Configured allocation weights of the enrolled arms. */
    weights: z
      .object({ control: z.number().positive(), treatment: z.number().positive() })
      .strict(),
    criteria: SuccessCriteriaSchema,
    /** true: always-valid intervals, safe to read at any time. */
    sequential: z.boolean(),
    /** N*, total documents over both arms where a decision is expected (needed when sequential). */
    expectedTotalDocuments: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.sequential && input.expectedTotalDocuments === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['expectedTotalDocuments'],
        message: 'required when sequential is true',
      });
    }
  });
export type AnalysisInput = z.input<typeof AnalysisInputSchema>;
export type ParsedInput = z.output<typeof AnalysisInputSchema>;

/** Thrown when the analysis input does not parse; the message lists paths only. */
export class AnalysisInputError extends Error {
  override readonly name = 'AnalysisInputError';
}

export type AnalysisMethod = 'fixed-horizon' | 'sequential';
export type MetricRole = 'primary' | 'guardrail' | 'secondary';
export type MetricOutcome = 'better' | 'worse' | 'inconclusive' | 'insufficient-data';

/** One arm's value of a metric. */
export interface ArmValue {
  readonly n: number;
  /** Rate or mean; null when the arm has no data for this metric. */
  readonly value: number | null;
  /** Wilson interval for proportions; null for means. */
  readonly interval: Interval | null;
  /** Sample standard deviation for means; null for proportions. */
  readonly sd: number | null;
}

/** An estimate with its (1 − α) interval. */
export interface Estimate {
  readonly estimate: number;
  readonly ci: Interval;
}

/** One row of the metric table. */
export interface MetricRow {
  readonly metric: MetricName;
  readonly label: string;
  readonly role: MetricRole;
  readonly better: 'higher' | 'lower';
  readonly control: ArmValue;
  readonly treatment: ArmValue;
  /** Treatment − control. */
  readonly difference: Estimate | null;
  /** (treatment − control) / control. */
  readonly relativeLift: Estimate | null;
  readonly pValue: number | null;
  /** Multiplicity-adjusted p (secondary metrics only). */
  readonly adjustedPValue: number | null;
  readonly significant: boolean;
  readonly outcome: MetricOutcome;
  readonly method: AnalysisMethod;
  /** Test used, in words. */
  readonly test: string;
}

/** Verdict on one guardrail. */
export interface GuardrailResult {
  readonly metric: MetricName;
  /** The rule in words. */
  readonly rule: string;
  /** Whether estimate and bound are relative changes or absolute ones. */
  readonly change: 'relative' | 'absolute';
  /** Allowed change on the harmful side (non-negative). */
  readonly limit: number;
  /** Observed change (relative or absolute, as the rule is written). */
  readonly estimate: number | null;
  /** One-sided (1 − α) bound on the change, on the harmful side. */
  readonly bound: number | null;
  readonly status: 'pass' | 'fail' | 'insufficient-data';
  readonly method: string;
}

/** The full readout. */
export interface ExperimentAnalysis {
  readonly srm: SrmResult & { readonly observed: readonly [number, number] };
  readonly method: AnalysisMethod;
  readonly expectedTotalDocuments: number | null;
  readonly alpha: number;
  readonly metrics: readonly MetricRow[];
  readonly guardrails: readonly GuardrailResult[];
  /** Percentiles are bucket representatives, within ±2 % of the sample values. */
  readonly latency: {
    readonly control: LatencyPercentiles | null;
    readonly treatment: LatencyPercentiles | null;
  };
  readonly failures: readonly {
    readonly reason: FailureReason;
    readonly control: number;
    readonly treatment: number;
  }[];
  /** Documents per arm a fixed-horizon test needs for the MDE at 80 % power. */
  readonly plannedDocumentsPerArm: number | null;
  readonly decision: AnalysisDecision;
  /** Why, in plain words, most important first. */
  readonly reasons: readonly string[];
  /** How to read the numbers (fixed-horizon vs sequential). */
  readonly caveats: readonly string[];
}
