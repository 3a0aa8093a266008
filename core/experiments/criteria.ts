/**
 * The metrics an experiment can be judged on and the success criteria that are
 * fixed before it starts (primary metric, MDE, α, guardrails, minimum size).
 * Fixing them up front is what keeps the analysis honest: they are validated
 * here and stored with the experiment, not chosen after seeing the data.
 */
import * as z from 'zod';

/** Metric catalogue: how each metric is tested and which direction is good. */
export const METRICS = {
  successRate: { kind: 'proportion', better: 'higher', label: 'success rate' },
  allRequiredPresent: {
    kind: 'proportion',
    better: 'higher',
    label: 'all required fields present (share of succeeded documents)',
  },
  completeness: { kind: 'mean', better: 'higher', label: 'field completeness (0-1)' },
  costPerDocument: { kind: 'mean', better: 'lower', label: 'cost per document (micro-USD)' },
  inputTokens: { kind: 'mean', better: 'lower', label: 'input tokens per document' },
  outputTokens: { kind: 'mean', better: 'lower', label: 'output tokens per document' },
  latencyP95: { kind: 'quantile', better: 'lower', label: 'p95 end-to-end latency (ms)' },
  reviewRate: {
    kind: 'proportion',
    better: 'lower',
    label: 'review rate (share of documents sent to NEEDS_REVIEW)',
  },
} as const;

export type MetricName = keyof typeof METRICS;

/** Metrics that can decide an experiment. */
export const PRIMARY_METRICS = [
  'completeness',
  'successRate',
  'allRequiredPresent',
  'costPerDocument',
] as const;
export type PrimaryMetric = (typeof PRIMARY_METRICS)[number];

/** Metrics a guardrail can watch. */
export const GUARDRAIL_METRICS = [
  'successRate',
  'allRequiredPresent',
  'completeness',
  'costPerDocument',
  'inputTokens',
  'outputTokens',
  'latencyP95',
  'reviewRate',
] as const satisfies readonly MetricName[];

const metricEnum = z.enum(GUARDRAIL_METRICS);

/**
 * A guardrail fails when the data show, at confidence 1 − α (one-sided), that
 * the treatment is worse than the limit:
 * - `maxRelativeChange`: relative change in the metric's bad direction
 *   (cost up, completeness down, ...) beyond this fraction (0 = any harm);
 * - `direction` + `limit`: absolute change in the stated direction beyond
 *   `limit`, in the metric's own unit (e.g. successRate decrease 0.02).
 */
export const GuardrailSchema = z.union([
  z.object({ metric: metricEnum, maxRelativeChange: z.number().min(0).max(10) }).strict(),
  z
    .object({
      metric: metricEnum,
      direction: z.enum(['increase', 'decrease']),
      limit: z.number().min(0),
    })
    .strict(),
]);
export type Guardrail = z.infer<typeof GuardrailSchema>;

/** Success criteria as stored with the experiment (defaults applied). */
export const SuccessCriteriaSchema = z
  .object({
    primaryMetric: z.enum(PRIMARY_METRICS),
    /** Smallest relative change worth detecting (0.05 = 5 %); used for planning. */
    minimumDetectableEffect: z.number().gt(0).max(10),
    alpha: z.number().gt(0).max(0.2).default(0.05),
    guardrails: z.array(GuardrailSchema).max(10).default([]),
    /** No decision before each arm has this many documents (at least the SRM minimum). */
    minimumDocumentsPerArm: z.number().int().min(8).default(100),
    /** Correction applied to secondary metrics' p-values. */
    multipleTesting: z.enum(['holm', 'benjamini-hochberg']).default('holm'),
  })
  .strict()
  .superRefine((criteria, ctx) => {
    const seen = new Set<string>();
    criteria.guardrails.forEach((g, i) => {
      if (g.metric === criteria.primaryMetric) {
        ctx.addIssue({
          code: 'custom',
          path: ['guardrails', i, 'metric'],
          message: `${g.metric} is the primary metric and cannot also be a guardrail`,
        });
      }
      if (seen.has(g.metric)) {
        ctx.addIssue({
          code: 'custom',
          path: ['guardrails', i, 'metric'],
          message: `more than one guardrail on ${g.metric}`,
        });
      }
      seen.add(g.metric);
    });
  });

/** Criteria with defaults applied, as stored and analysed. */
export type SuccessCriteria = z.output<typeof SuccessCriteriaSchema>;
/** Criteria as a user writes them (defaults optional). */
export type SuccessCriteriaInput = z.input<typeof SuccessCriteriaSchema>;
