/**
 * Experiment analysis entry point: composes the readout (readout.ts), the
 * decision (decision.ts) and the caveats (narration.ts) for two arms' roll-up
 * aggregates. Secondary metrics are reported with adjusted p-values and never
 * decide anything.
 */
import type { Guardrail, MetricName } from '#core/experiments/criteria.ts';
import { srmCheck } from '#core/experiments/stats/srm.ts';
import { percentiles } from '#core/metrics/histogram.ts';
import { decide } from './decision.ts';
import { caveatsFor } from './narration.ts';
import {
  applyAdjustment,
  buildRow,
  type ComparedMetric,
  type Comparison,
  compare,
  evaluateGuardrail,
  failureTable,
  planSampleSize,
  TABLE_METRICS,
} from './readout.ts';
import {
  type AnalysisInput,
  AnalysisInputError,
  AnalysisInputSchema,
  type AnalysisMethod,
  type ExperimentAnalysis,
  type MetricRole,
} from './schemas.ts';

/** Any significant increase of the share of documents sent to review. */
export const REVIEW_RATE_GUARDRAIL: Guardrail = {
  metric: 'reviewRate',
  direction: 'increase',
  limit: 0,
};

/**
 * The criteria's guardrails plus the review-rate guardrail every experiment
 * is held to, unless the criteria set their own. It is left out while
 * neither arm sent a document to review: with no reviews the rate cannot
 * have risen, and readouts from before review existed stay as they were.
 */
export const withReviewGuardrail = (
  guardrails: readonly Guardrail[],
  control: { readonly needsReview: number },
  treatment: { readonly needsReview: number },
): readonly Guardrail[] =>
  guardrails.some((g) => g.metric === 'reviewRate') ||
  control.needsReview + treatment.needsReview === 0
    ? guardrails
    : [...guardrails, REVIEW_RATE_GUARDRAIL];

/**
 * Analyses one experiment from its arms' aggregates. Throws
 * {@link AnalysisInputError} when the input does not parse.
 */
export function analyzeExperiment(raw: AnalysisInput): ExperimentAnalysis {
  const parsed = AnalysisInputSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AnalysisInputError(`invalid analysis input: ${where.join('; ')}`);
  }
  const input = parsed.data;
  const { control, treatment, criteria } = input;
  const alpha = criteria.alpha;
  const expectedTotal = input.expectedTotalDocuments ?? null;
  // The schema guarantees N* whenever sequential is set.
  const sequentialTotal = input.sequential ? expectedTotal : null;
  const method: AnalysisMethod = sequentialTotal === null ? 'fixed-horizon' : 'sequential';

  const srm = {
    ...srmCheck(
      [control.documents, treatment.documents],
      [input.weights.control, input.weights.treatment],
    ),
    observed: [control.documents, treatment.documents] as const,
  };

  const comparisons = new Map<ComparedMetric, Comparison | null>();
  for (const metric of TABLE_METRICS) {
    comparisons.set(metric, compare(metric, control, treatment, alpha));
  }
  comparisons.set('reviewRate', compare('reviewRate', control, treatment, alpha));

  const roleOf = (metric: MetricName): MetricRole =>
    metric === criteria.primaryMetric
      ? 'primary'
      : criteria.guardrails.some((g) => g.metric === metric)
        ? 'guardrail'
        : 'secondary';

  const rows = TABLE_METRICS.map((metric) =>
    buildRow(metric, roleOf(metric), comparisons.get(metric) ?? null, { alpha, sequentialTotal }),
  );
  const metrics = applyAdjustment(rows, criteria, alpha);

  const guardrails = withReviewGuardrail(criteria.guardrails, control, treatment).map((g) =>
    evaluateGuardrail(g, comparisons, input, alpha, sequentialTotal),
  );

  const primaryRow = metrics.find((r) => r.metric === criteria.primaryMetric);
  const primaryComparison = comparisons.get(criteria.primaryMetric) ?? null;
  const plannedDocumentsPerArm = planSampleSize(criteria, primaryComparison);

  const { decision, reasons } = decide({
    srm,
    control,
    treatment,
    criteria,
    guardrails,
    primaryRow,
    method,
    plannedDocumentsPerArm,
  });

  return {
    srm,
    method,
    expectedTotalDocuments: expectedTotal,
    alpha,
    metrics,
    guardrails,
    latency: {
      control: percentiles(control.latencyHistogram),
      treatment: percentiles(treatment.latencyHistogram),
    },
    failures: failureTable(control, treatment),
    plannedDocumentsPerArm,
    decision,
    reasons,
    caveats: caveatsFor(method, expectedTotal),
  };
}
