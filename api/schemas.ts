/**
 * The API's request and response schemas in zod, from which the OpenAPI
 * document is generated. Request bodies and query parameters use the
 * snake_case names of the original product's calls; responses are the use
 * cases' records as they are (camelCase, the same JSON as `medextract --json`).
 * Documents, DLQ and health schemas are in `schemas-operations.ts`.
 */
import { z } from '@hono/zod-openapi';
import { GUARDRAIL_METRICS, PRIMARY_METRICS } from '#core/experiments/criteria.ts';
import { ALLOCATION_PRESET_NAMES, EXPERIMENT_STATUSES } from '#core/experiments/lifecycle.ts';

/** Arrays as the use cases return them: read-only. */
export const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

/** A prompt version, with or without a leading `v` (`2.0.0`, `v2.0.0`). */
export const VersionParam = z
  .string()
  .regex(/^v?\d+\.\d+\.\d+$/, 'a semantic version such as 2.0.0 or v2.0.0')
  .openapi({ example: 'v2.0.0' });

/** `v2.0.0` -> `2.0.0`. */
export const bareVersion = (version: string): string => version.replace(/^v/, '');

export const SinceQuery = z.object({
  since: z
    .string()
    .optional()
    .openapi({ description: 'ISO time or a duration back from now: 90m, 24h, 7d (default 24h)' }),
});

export const nullableNumber = z.number().nullable();

// ---- prompts -----------------------------------------------------------------

export const PromptSummarySchema = z
  .object({
    version: z.string(),
    status: z.string(),
    created: z.string(),
    modelId: z.string(),
    fields: z.number().int(),
    requiredFields: z.number().int(),
    latestChange: z.string(),
  })
  .openapi('PromptSummary');

export const PromptListSchema = z
  .object({ versions: list(PromptSummarySchema) })
  .openapi('PromptList');

export const PromptDetailsSchema = z
  .object({
    version: z.string(),
    family: z.string(),
    status: z.string(),
    metadata: z.looseObject({ modelId: z.string(), created: z.string() }),
    schema: z.object({
      fieldPaths: z.number().int(),
      topLevel: list(z.object({ path: z.string(), type: z.string(), required: z.boolean() })),
    }),
    outputSchema: z.record(z.string(), z.unknown()),
  })
  .openapi('PromptDetails');

const TextDiffSchema = z.object({
  changed: z.boolean(),
  lines: list(z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })),
});

export const PromptDiffSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    schema: z.object({
      added: list(z.string()),
      removed: list(z.string()),
      changed: list(z.object({ path: z.string(), changed: list(z.string()) })),
    }),
    metadata: list(z.string()),
    text: z.object({ system: TextDiffSchema, userTemplate: TextDiffSchema }),
  })
  .openapi('PromptDiff');

const AliasMoveSchema = z
  .object({
    seq: z.number().int(),
    family: z.string(),
    alias: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.literal('move'),
    reason: z.string(),
    before: z.string().nullable(),
    after: z.string(),
    experimentId: z.string().nullable(),
  })
  .openapi('AliasMove');

export const AliasStateSchema = z
  .object({
    alias: z.literal('production'),
    current: z.object({ version: z.string(), updatedAt: z.string() }).nullable(),
    moves: list(AliasMoveSchema),
  })
  .openapi('AliasState');

export const MoveAliasBodySchema = z
  .object({
    version: VersionParam,
    reason: z.string().trim().min(1).max(500),
    actor: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi('MoveAliasRequest');

export { AliasMoveSchema };

// ---- metrics -----------------------------------------------------------------

export const VersionMetricsSchema = z
  .object({
    version: z.string(),
    documents: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    /** Documents the pipeline sent to review (NEEDS_REVIEW). */
    needsReview: z.number().int(),
    /** Documents finished by reusing an identical earlier upload's extraction (no model call). */
    cacheHits: z.number().int(),
    successRate: nullableNumber,
    reviewRate: nullableNumber,
    completenessMean: nullableNumber,
    allRequiredPresentRate: nullableNumber,
    costPerDocumentMicroUsd: nullableNumber,
    inputTokensMean: nullableNumber,
    outputTokensMean: nullableNumber,
    latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).nullable(),
    failedByReason: z.record(z.string(), z.number().int()),
  })
  .openapi('VersionMetrics');

export const VersionMetricsReportSchema = z
  .object({ since: z.string(), metrics: VersionMetricsSchema })
  .openapi('VersionMetricsReport');

export const MetricsReportSchema = z
  .object({ since: z.string(), versions: list(VersionMetricsSchema), all: VersionMetricsSchema })
  .openapi('MetricsReport');

const MetricChangeSchema = z.object({
  control: nullableNumber,
  treatment: nullableNumber,
  absolute: nullableNumber,
  relative: nullableNumber,
});

export const CompareBodySchema = z
  .object({
    control_version: VersionParam,
    treatment_version: VersionParam,
    since: z.string().optional(),
  })
  .strict()
  .openapi('CompareRequest');

export const ComparisonSchema = z
  .object({
    since: z.string(),
    control: VersionMetricsSchema,
    treatment: VersionMetricsSchema,
    changes: z.record(z.string(), MetricChangeSchema),
  })
  .openapi('MetricsComparison');

export const HourlySeriesSchema = z
  .object({
    version: z.string(),
    hours: list(z.object({ hour: z.string(), metrics: VersionMetricsSchema })),
  })
  .openapi('HourlySeries');

// ---- experiments -------------------------------------------------------------

const GuardrailBodySchema = z.union([
  z.object({ metric: z.enum(GUARDRAIL_METRICS), max_relative_change: z.number().min(0).max(10) }),
  z.object({
    metric: z.enum(GUARDRAIL_METRICS),
    direction: z.enum(['increase', 'decrease']),
    limit: z.number().min(0),
  }),
]);

export const CreateExperimentBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional()
      .openapi({ description: 'Default: derived from the name' }),
    control_version: VersionParam,
    treatment_version: VersionParam,
    traffic_allocation: z
      .enum(ALLOCATION_PRESET_NAMES)
      .optional()
      .openapi({ description: 'A preset split, control/treatment (default 50/50)' }),
    weights: z
      .object({ control: z.number().gt(0).lt(1), treatment: z.number().gt(0).lt(1) })
      .optional()
      .openapi({ description: 'Custom weights summing to 1, instead of a preset' }),
    coverage: z.number().gt(0).max(1).optional(),
    primary_metric: z.enum(PRIMARY_METRICS).optional(),
    minimum_detectable_effect: z.number().gt(0).max(10).optional(),
    alpha: z.number().gt(0).max(0.2).optional(),
    minimum_documents_per_arm: z.number().int().min(8).optional(),
    guardrails: z.array(GuardrailBodySchema).max(10).optional(),
    sequential: z.boolean().optional(),
    expected_total_documents: z.number().int().min(16).optional(),
    seed: z.string().min(1).max(128).optional(),
    actor: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .refine((b) => !(b.traffic_allocation && b.weights), {
    message: 'pass traffic_allocation or weights, not both',
    path: ['weights'],
  })
  .openapi('CreateExperimentRequest');

export const ExperimentSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    family: z.string(),
    control: z.string(),
    treatment: z.string(),
    allocation: z.object({
      preset: z.string(),
      weights: z.object({ control: z.number(), treatment: z.number() }),
      coverage: z.number(),
    }),
    seed: z.string(),
    status: z.enum(EXPERIMENT_STATUSES),
    successCriteria: z.looseObject({ primaryMetric: z.string() }),
    sequential: z.boolean(),
    expectedTotalDocuments: z.number(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    completedAt: z.string().optional(),
    promotedAt: z.string().optional(),
    abortedAt: z.string().optional(),
    decision: z.string().optional(),
  })
  .openapi('Experiment');

export const ExperimentListSchema = z
  .object({ experiments: list(ExperimentSchema) })
  .openapi('ExperimentList');

export const ExperimentListQuery = z.object({ status: z.enum(EXPERIMENT_STATUSES).optional() });

export const ActorBodySchema = z
  .object({
    actor: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .openapi('ActorRequest');

export const AbortBodySchema = z
  .object({
    actor: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .strict()
  .openapi('AbortRequest');

export const PromoteBodySchema = z
  .object({
    actor: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
    force: z.boolean().optional(),
  })
  .strict()
  .openapi('PromoteRequest');

const ArmProgressSchema = z.object({
  version: z.string(),
  documents: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

const SrmSchema = z
  .object({
    chi2: z.number(),
    df: z.number(),
    pValue: z.number(),
    expected: list(z.number()),
    status: z.enum(['healthy', 'unhealthy', 'not-enough-traffic']),
  })
  .openapi('SampleRatioCheck');

export const ExperimentStatusSchema = z
  .object({
    experiment: ExperimentSchema,
    serving: z.enum(['this', 'other', 'none']),
    runningExperimentId: z.string().nullable(),
    arms: z.object({ control: ArmProgressSchema, treatment: ArmProgressSchema }).nullable(),
    srm: SrmSchema.nullable(),
  })
  .openapi('ExperimentStatus');

const IntervalSchema = z.object({ lower: z.number(), upper: z.number() });
const EstimateSchema = z.object({ estimate: z.number(), ci: IntervalSchema }).nullable();
const ArmValueSchema = z.object({
  n: z.number(),
  value: nullableNumber,
  interval: IntervalSchema.nullable(),
  sd: nullableNumber,
});
const PercentilesSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

export const AnalysisSchema = z
  .object({
    srm: SrmSchema.extend({ observed: z.tuple([z.number(), z.number()]).readonly() }),
    method: z.enum(['fixed-horizon', 'sequential']),
    expectedTotalDocuments: nullableNumber,
    alpha: z.number(),
    metrics: list(
      z.object({
        metric: z.string(),
        label: z.string(),
        role: z.enum(['primary', 'guardrail', 'secondary']),
        better: z.enum(['higher', 'lower']),
        control: ArmValueSchema,
        treatment: ArmValueSchema,
        difference: EstimateSchema,
        relativeLift: EstimateSchema,
        pValue: nullableNumber,
        adjustedPValue: nullableNumber,
        significant: z.boolean(),
        outcome: z.enum(['better', 'worse', 'inconclusive', 'insufficient-data']),
        method: z.enum(['fixed-horizon', 'sequential']),
        test: z.string(),
      }),
    ),
    guardrails: list(
      z.object({
        metric: z.string(),
        rule: z.string(),
        change: z.enum(['relative', 'absolute']),
        limit: z.number(),
        estimate: nullableNumber,
        bound: nullableNumber,
        status: z.enum(['pass', 'fail', 'insufficient-data']),
        method: z.string(),
      }),
    ),
    latency: z.object({
      control: PercentilesSchema.nullable(),
      treatment: PercentilesSchema.nullable(),
    }),
    failures: list(z.object({ reason: z.string(), control: z.number(), treatment: z.number() })),
    plannedDocumentsPerArm: nullableNumber,
    decision: z.enum(['ship', 'rollback', 'keep-running', 'unhealthy']),
    reasons: list(z.string()),
    caveats: list(z.string()),
  })
  .openapi('ExperimentAnalysis');

export const AnalysedExperimentSchema = z
  .object({ experiment: ExperimentSchema, analysis: AnalysisSchema })
  .openapi('AnalysedExperiment');

export const AnalyzeQuery = z.object({
  sequential: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Always-valid intervals (overrides the experiment definition)' }),
});

export const PromotedSchema = z
  .object({
    outcome: z.literal('promoted'),
    experiment: ExperimentSchema,
    alias: AliasMoveSchema,
    decision: z.string(),
    forced: z.boolean(),
  })
  .openapi('Promoted');

export const HistorySchema = z
  .object({
    entries: list(
      z.looseObject({ kind: z.enum(['experiment', 'alias']), at: z.string(), actor: z.string() }),
    ),
  })
  .openapi('ExperimentHistory');

export const ArmMetricsSchema = z
  .object({
    experimentId: z.string(),
    since: z.string().nullable(),
    control: VersionMetricsSchema.nullable(),
    treatment: VersionMetricsSchema.nullable(),
  })
  .openapi('ExperimentArmMetrics');
