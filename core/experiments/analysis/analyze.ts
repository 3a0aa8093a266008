/**
 * Experiment analysis entry point: composes the readout (readout.ts), the
 * decision (decision.ts) and the caveats (narration.ts) for two arms' roll-up
 * aggregates. Secondary metrics are reported with adjusted p-values and never
 * decide anything.
 */
import type { MetricName } from '#core/experiments/criteria.ts';
import { srmCheck } from '#core/experiments/stats/srm.ts';
import { percentiles } from '#core/metrics/histogram.ts';
import { decide } from './decision.ts';
import { caveatsFor } from './narration.ts';
import {
  applyAdjustment,
  buildRow,
  type Comparison,
  compare,
  evaluateGuardrail,
  failureTable,
  planSampleSize,
  TABLE_METRICS,
  type TableMetric,
} from './readout.ts';
import {
  type AnalysisInput,
  AnalysisInputError,
  AnalysisInputSchema,
  type AnalysisMethod,
  type ExperimentAnalysis,
  type MetricRole,
} from './schemas.ts';

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

  const comparisons = new Map<TableMetric, Comparison | null>();
  for (const metric of TABLE_METRICS) {
    comparisons.set(metric, compare(metric, control, treatment, alpha));
  }

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

  const guardrails = criteria.guardrails.map((g) =>
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
