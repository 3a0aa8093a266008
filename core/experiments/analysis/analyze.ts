/**
 * Experiment analysis: turns the two arms' roll-up aggregates into a readout
 * and a decision (ship, rollback, keep running, or unhealthy).
 *
 * Order matters and is fixed: sample ratio mismatch first (a broken split
 * blocks everything), then the minimum sample size, then guardrails, then the
 * primary metric. Secondary metrics are reported with adjusted p-values and
 * never decide anything.
 */
import { z } from 'zod';
import {
  type Guardrail,
  METRICS,
  type MetricName,
  type SuccessCriteria,
  SuccessCriteriaSchema,
} from '#core/experiments/criteria.ts';
import { normalQuantile, studentTQuantile } from '#core/experiments/stats/distributions.ts';
import { momentsFromSums, welchTest } from '#core/experiments/stats/means.ts';
import { adjustPValues } from '#core/experiments/stats/multiple-testing.ts';
import { sampleSizePerArm } from '#core/experiments/stats/power.ts';
import { twoProportionTest, wilsonInterval } from '#core/experiments/stats/proportions.ts';
import { quantileInterval } from '#core/experiments/stats/quantile-interval.ts';
import {
  alwaysValidPValue,
  type SequentialParams,
  sequentialHalfWidthOneSided,
  sequentialInterval,
} from '#core/experiments/stats/sequential.ts';
import { type SrmResult, srmCheck } from '#core/experiments/stats/srm.ts';
import type { Interval, Moments } from '#core/experiments/stats/types.ts';
import { FAILURE_REASONS, type FailureReason } from '#core/extraction/reasons.ts';
import { HistogramSchema, type LatencyPercentiles, percentiles } from '#core/metrics/histogram.ts';

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
    /** Documents that finished (succeeded or failed). */
    documents: count,
    succeeded: count,
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
    if (arm.succeeded + failed > arm.documents) {
      ctx.addIssue({
        code: 'custom',
        path: ['documents'],
        message: 'fewer than succeeded + failed',
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
type ParsedInput = z.output<typeof AnalysisInputSchema>;

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

const TABLE_METRICS = [
  'successRate',
  'allRequiredPresent',
  'completeness',
  'costPerDocument',
  'inputTokens',
  'outputTokens',
] as const satisfies readonly MetricName[];
type TableMetric = (typeof TABLE_METRICS)[number];

/** The numbers behind one comparison, before it is labelled for the table. */
interface Comparison {
  readonly control: ArmValue;
  readonly treatment: ArmValue;
  readonly diff: number;
  readonly se: number;
  readonly relativeLift: number | null;
  readonly relativeSe: number | null;
  /** Welch df for means; null (normal) for proportions. */
  readonly df: number | null;
  readonly fixed: {
    readonly pValue: number;
    readonly ci: Interval;
    readonly relativeCi: Interval | null;
  };
  readonly n: number;
  readonly test: string;
}

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

/** Raw comparison of one table metric, or null when an arm lacks data. */
function compare(
  metric: TableMetric,
  control: ArmAggregates,
  treatment: ArmAggregates,
  alpha: number,
): Comparison | null {
  switch (metric) {
    case 'successRate':
      return compareProportions(
        [control.succeeded, control.documents],
        [treatment.succeeded, treatment.documents],
        alpha,
      );
    case 'allRequiredPresent':
      return compareProportions(
        [control.allRequiredPresent, control.succeeded],
        [treatment.allRequiredPresent, treatment.succeeded],
        alpha,
      );
    case 'completeness':
      return compareMeans(control.completeness, treatment.completeness, alpha);
    case 'costPerDocument':
      return compareMeans(control.costMicroUsd, treatment.costMicroUsd, alpha);
    case 'inputTokens':
      return compareMeans(control.inputTokens, treatment.inputTokens, alpha);
    case 'outputTokens':
      return compareMeans(control.outputTokens, treatment.outputTokens, alpha);
  }
}

function compareProportions(
  [xC, nC]: readonly [number, number],
  [xT, nT]: readonly [number, number],
  alpha: number,
): Comparison | null {
  if (nC === 0 || nT === 0) return null;
  const r = twoProportionTest(xC, nC, xT, nT, alpha);
  const arm = (x: number, n: number): ArmValue => ({
    n,
    value: x / n,
    interval: wilsonInterval(x, n, alpha),
    sd: null,
  });
  return {
    control: arm(xC, nC),
    treatment: arm(xT, nT),
    diff: r.diff,
    se: r.se,
    relativeLift: r.relativeLift,
    relativeSe: r.relativeSe,
    df: null,
    fixed: { pValue: r.pValue, ci: r.ci, relativeCi: r.relativeCi },
    n: nC + nT,
    test: 'two-proportion z test (pooled); Newcombe hybrid score interval',
  };
}

function compareMeans(
  c: ArmAggregates['completeness'],
  t: ArmAggregates['completeness'],
  alpha: number,
): Comparison | null {
  if (c.n < 2 || t.n < 2) return null;
  const mc = momentsFromSums(c.n, c.sum, c.sumSq);
  const mt = momentsFromSums(t.n, t.sum, t.sumSq);
  const r = welchTest(mc, mt, alpha);
  const arm = (m: Moments): ArmValue => ({
    n: m.n,
    value: m.mean,
    interval: null,
    sd: Math.sqrt(m.variance),
  });
  return {
    control: arm(mc),
    treatment: arm(mt),
    diff: r.diff,
    se: r.se,
    relativeLift: r.relativeLift,
    relativeSe: r.relativeSe,
    df: r.df,
    fixed: { pValue: r.pValue, ci: r.ci, relativeCi: r.relativeCi },
    n: mc.n + mt.n,
    test: 'Welch t test; relative lift by the delta method',
  };
}

interface RowContext {
  readonly alpha: number;
  /** N* when the analysis is sequential, else null. */
  readonly sequentialTotal: number | null;
}

function buildRow(
  metric: TableMetric,
  role: MetricRole,
  c: Comparison | null,
  ctx: RowContext,
): MetricRow {
  const info = METRICS[metric];
  const method: AnalysisMethod = ctx.sequentialTotal === null ? 'fixed-horizon' : 'sequential';
  const empty: ArmValue = { n: 0, value: null, interval: null, sd: null };
  if (c === null) {
    return {
      metric,
      label: info.label,
      role,
      better: info.better,
      control: empty,
      treatment: empty,
      difference: null,
      relativeLift: null,
      pValue: null,
      adjustedPValue: null,
      significant: false,
      outcome: 'insufficient-data',
      method,
      test: 'not enough data in one arm',
    };
  }

  let pValue = c.fixed.pValue;
  let ci = c.fixed.ci;
  let relativeCi = c.fixed.relativeCi;
  let test = c.test;
  if (ctx.sequentialTotal !== null) {
    const expectedTotal = ctx.sequentialTotal;
    const params = (se: number): SequentialParams => ({
      se,
      n: c.n,
      alpha: ctx.alpha,
      expectedTotal,
    });
    pValue = alwaysValidPValue(c.diff, params(c.se));
    ci = sequentialInterval(c.diff, params(c.se));
    relativeCi =
      c.relativeLift === null || c.relativeSe === null
        ? null
        : sequentialInterval(c.relativeLift, params(c.relativeSe));
    test = `always-valid confidence sequence on the difference (unpooled SE); ${c.test}`;
  }
  const significant = pValue < ctx.alpha;
  return {
    metric,
    label: info.label,
    role,
    better: info.better,
    control: c.control,
    treatment: c.treatment,
    difference: { estimate: c.diff, ci },
    relativeLift:
      c.relativeLift === null || relativeCi === null
        ? null
        : { estimate: c.relativeLift, ci: relativeCi },
    pValue,
    adjustedPValue: null,
    significant,
    outcome: outcomeOf(significant, c.diff, info.better),
    method,
    test,
  };
}

function outcomeOf(significant: boolean, diff: number, better: 'higher' | 'lower'): MetricOutcome {
  if (!significant || diff === 0) return 'inconclusive';
  return diff > 0 === (better === 'higher') ? 'better' : 'worse';
}

/** Adjusts secondary metrics' p-values and re-derives their significance. */
function applyAdjustment(
  rows: readonly MetricRow[],
  criteria: SuccessCriteria,
  alpha: number,
): MetricRow[] {
  const secondary = rows.filter((r) => r.role === 'secondary' && r.pValue !== null);
  const adjusted = adjustPValues(
    secondary.map((r) => r.pValue ?? 1),
    criteria.multipleTesting,
  );
  const byMetric = new Map(secondary.map((r, i) => [r.metric, adjusted[i] ?? 1]));
  return rows.map((row) => {
    const adjustedPValue = byMetric.get(row.metric);
    if (adjustedPValue === undefined || row.difference === null) return row;
    const significant = adjustedPValue < alpha;
    return {
      ...row,
      adjustedPValue,
      significant,
      outcome: outcomeOf(significant, row.difference.estimate, row.better),
    };
  });
}

/** Sign of harm: +1 when an increase is harmful, −1 when a decrease is. */
function harmSign(g: Guardrail): 1 | -1 {
  if ('direction' in g) return g.direction === 'increase' ? 1 : -1;
  return METRICS[g.metric].better === 'higher' ? -1 : 1;
}

function describeGuardrail(g: Guardrail): string {
  const label = METRICS[g.metric].label;
  if ('direction' in g) {
    return `${label} must not ${g.direction} by more than ${g.limit} (absolute)`;
  }
  const bad = harmSign(g) > 0 ? 'rise' : 'fall';
  return `${label} must not ${bad} by more than ${formatPercent(g.maxRelativeChange, false)}`;
}

function evaluateGuardrail(
  g: Guardrail,
  comparisons: ReadonlyMap<TableMetric, Comparison | null>,
  input: ParsedInput,
  alpha: number,
  sequentialTotal: number | null,
): GuardrailResult {
  const relative = !('direction' in g);
  const base = {
    metric: g.metric,
    rule: describeGuardrail(g),
    change: relative ? 'relative' : 'absolute',
    limit: 'direction' in g ? g.limit : g.maxRelativeChange,
  } as const;
  const { limit } = base;
  const h = harmSign(g);
  const noData = (method: string): GuardrailResult => ({
    ...base,
    estimate: null,
    bound: null,
    status: 'insufficient-data',
    method,
  });

  if (g.metric === 'latencyP95') {
    const c = quantileInterval(input.control.latencyHistogram, 0.95, alpha);
    const t = quantileInterval(input.treatment.latencyHistogram, 0.95, alpha);
    const pc = percentiles(input.control.latencyHistogram);
    const pt = percentiles(input.treatment.latencyHistogram);
    const method =
      'fixed-horizon: per-arm order-statistic intervals for p95 must not overlap beyond the limit (conservative)';
    if (c === null || t === null || pc === null || pt === null) return noData(method);
    const change = (tv: number, cv: number): number => (relative ? tv / cv - 1 : tv - cv);
    const estimate = change(pt.p95, pc.p95);
    // Least harmful pairing of the two intervals: the harm that is certain.
    const bound = h > 0 ? change(t.lower, c.upper) : change(t.upper, c.lower);
    return {
      ...base,
      estimate,
      bound,
      status: h * bound > limit ? 'fail' : 'pass',
      method,
    };
  }

  const comparison = comparisons.get(g.metric) ?? null;
  const method =
    sequentialTotal === null
      ? 'fixed-horizon: one-sided bound'
      : 'sequential: one-sided always-valid bound';
  if (comparison === null) return noData(method);
  const estimate = relative ? comparison.relativeLift : comparison.diff;
  const se = relative ? comparison.relativeSe : comparison.se;
  if (estimate === null || se === null) return noData(method);
  let half: number;
  if (sequentialTotal !== null) {
    half = sequentialHalfWidthOneSided({
      se,
      n: comparison.n,
      alpha,
      expectedTotal: sequentialTotal,
    });
  } else if (comparison.df !== null) {
    half = studentTQuantile(1 - alpha, comparison.df) * se;
  } else {
    half = normalQuantile(1 - alpha) * se;
  }
  const bound = estimate - h * half;
  return {
    ...base,
    estimate,
    bound,
    status: h * bound > limit ? 'fail' : 'pass',
    method,
  };
}

/** Fixed-horizon documents per arm for the primary metric's MDE at 80 % power. */
function planSampleSize(criteria: SuccessCriteria, c: Comparison | null): number | null {
  if (c === null || c.control.value === null) return null;
  const kind = METRICS[criteria.primaryMetric].kind;
  const base = c.control.value;
  const delta = criteria.minimumDetectableEffect * Math.abs(base);
  if (kind === 'proportion') {
    const sign = METRICS[criteria.primaryMetric].better === 'higher' ? 1 : -1;
    const pT = Math.min(1, Math.max(0, base * (1 + sign * criteria.minimumDetectableEffect)));
    return sampleSizePerArm({
      varianceControl: base * (1 - base),
      varianceTreatment: pT * (1 - pT),
      delta,
      alpha: criteria.alpha,
    });
  }
  const sdC = c.control.sd ?? 0;
  const sdT = c.treatment.sd ?? sdC;
  return sampleSizePerArm({
    varianceControl: sdC * sdC,
    varianceTreatment: sdT * sdT,
    delta,
    alpha: criteria.alpha,
  });
}

interface DecisionContext {
  readonly srm: ExperimentAnalysis['srm'];
  readonly control: ArmAggregates;
  readonly treatment: ArmAggregates;
  readonly criteria: SuccessCriteria;
  readonly guardrails: readonly GuardrailResult[];
  readonly primaryRow: MetricRow | undefined;
  readonly method: AnalysisMethod;
  readonly plannedDocumentsPerArm: number | null;
}

function decide(ctx: DecisionContext): { decision: AnalysisDecision; reasons: string[] } {
  const { srm, control, treatment, criteria, primaryRow } = ctx;
  const counts = `control ${control.documents}, treatment ${treatment.documents} documents`;

  if (srm.status === 'unhealthy') {
    const expected = srm.expected.map((e) => e.toFixed(1)).join(' / ');
    return {
      decision: 'unhealthy',
      reasons: [
        `Sample ratio mismatch: ${counts}, expected ${expected} from the configured weights ` +
          `(chi-square ${srm.chi2.toFixed(2)}, p = ${formatP(srm.pValue)} < 0.001). ` +
          'Assignment or logging is broken, so no metric can be trusted; fix it and restart the experiment.',
      ],
    };
  }

  const minimum = criteria.minimumDocumentsPerArm;
  if (control.documents < minimum || treatment.documents < minimum) {
    return {
      decision: 'keep-running',
      reasons: [`Not enough documents yet: ${counts}; the plan needs ${minimum} per arm.`],
    };
  }
  if (srm.status === 'not-enough-traffic') {
    return {
      decision: 'keep-running',
      reasons: [`Too little traffic for the sample ratio check: ${counts}.`],
    };
  }

  const reasons: string[] = [];
  const failed = ctx.guardrails.filter((g) => g.status === 'fail');
  for (const g of failed) {
    reasons.push(`Guardrail failed: ${g.rule}; observed ${formatChange(g)} (${g.method}).`);
  }

  if (primaryRow === undefined || primaryRow.outcome === 'insufficient-data') {
    if (failed.length > 0) return { decision: 'rollback', reasons };
    reasons.push(`Primary metric ${criteria.primaryMetric} has no data in one arm yet.`);
    return { decision: 'keep-running', reasons };
  }

  const summary = describeRow(primaryRow, criteria.alpha);
  if (primaryRow.outcome === 'worse') {
    reasons.unshift(`Primary metric ${primaryRow.metric} is significantly worse: ${summary}.`);
    return { decision: 'rollback', reasons };
  }
  if (failed.length > 0) {
    reasons.push(`Primary metric ${primaryRow.metric}: ${summary}.`);
    return { decision: 'rollback', reasons };
  }
  if (primaryRow.outcome === 'better') {
    reasons.push(
      `Primary metric ${primaryRow.metric} is significantly better: ${summary}; ` +
        `no guardrail failed (${ctx.guardrails.length} checked).`,
    );
    return { decision: 'ship', reasons };
  }

  reasons.push(`Primary metric ${primaryRow.metric}: no significant difference yet (${summary}).`);
  const planned = ctx.plannedDocumentsPerArm;
  if (ctx.method === 'fixed-horizon' && planned !== null) {
    const mde = formatPercent(criteria.minimumDetectableEffect, false);
    const smallest = Math.min(control.documents, treatment.documents);
    reasons.push(
      smallest >= planned
        ? `Each arm already has the ${planned} documents needed to detect a ${mde} change with 80% power; ` +
            'the true effect is probably smaller than that, so aborting and keeping control is reasonable.'
        : `About ${planned} documents per arm are needed to detect a ${mde} change with 80% power.`,
    );
  }
  return { decision: 'keep-running', reasons };
}

function describeRow(row: MetricRow, alpha: number): string {
  const level = `${Math.round((1 - alpha) * 100)}%`;
  const p = `p = ${formatP(row.pValue ?? 1)}`;
  if (row.relativeLift !== null) {
    const { estimate, ci } = row.relativeLift;
    return `${formatPercent(estimate, true)} relative (${level} CI ${formatPercent(ci.lower, true)} to ${formatPercent(ci.upper, true)}), ${p}, ${row.method}`;
  }
  if (row.difference !== null) {
    const { estimate, ci } = row.difference;
    return `${signed(estimate)} absolute (${level} CI ${signed(ci.lower)} to ${signed(ci.upper)}), ${p}, ${row.method}`;
  }
  return 'no estimate';
}

function formatChange(g: GuardrailResult): string {
  if (g.estimate === null || g.bound === null) return 'no estimate';
  const f = (x: number): string => (g.change === 'relative' ? formatPercent(x, true) : signed(x));
  return `${f(g.estimate)}, conservative bound ${f(g.bound)}`;
}

function failureTable(
  control: ArmAggregates,
  treatment: ArmAggregates,
): ExperimentAnalysis['failures'] {
  return FAILURE_REASONS.filter(
    (reason) => (control.failedByReason[reason] ?? 0) + (treatment.failedByReason[reason] ?? 0) > 0,
  ).map((reason) => ({
    reason,
    control: control.failedByReason[reason] ?? 0,
    treatment: treatment.failedByReason[reason] ?? 0,
  }));
}

function caveatsFor(method: AnalysisMethod, expectedTotal: number | null): string[] {
  if (method === 'sequential') {
    return [
      'Sequential (always-valid) analysis: intervals and p-values stay valid however often they are read, ' +
        `at the price of being wider than fixed-horizon ones, most of all far from the planned ${expectedTotal ?? '?'} documents.`,
    ];
  }
  return [
    'Fixed-horizon analysis: p-values and intervals hold only when read once, at the planned sample size. ' +
      'Checking repeatedly and stopping at the first significant result inflates false positives; ' +
      'use a sequential analysis to monitor a running experiment.',
  ];
}

function formatPercent(x: number, withSign: boolean): string {
  const text = `${(x * 100).toFixed(1)}%`;
  return withSign && x >= 0 ? `+${text}` : text;
}

function signed(x: number): string {
  const text = Number(x.toPrecision(3)).toString();
  return x >= 0 ? `+${text}` : text;
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}
