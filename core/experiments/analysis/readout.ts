/**
 * The numbers of an experiment readout: per-metric comparisons of the two arms
 * (fixed-horizon or sequential), adjusted secondary p-values, guardrail
 * bounds, the planned sample size and the failure table.
 */
import {
  type Guardrail,
  METRICS,
  type MetricName,
  type SuccessCriteria,
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
import type { Interval, Moments } from '#core/experiments/stats/types.ts';
import { FAILURE_REASONS } from '#core/extraction/reasons.ts';
import { percentiles } from '#core/metrics/histogram.ts';
import { describeGuardrail } from './narration.ts';
import type {
  AnalysisMethod,
  ArmAggregates,
  ArmValue,
  ExperimentAnalysis,
  GuardrailResult,
  MetricOutcome,
  MetricRole,
  MetricRow,
  ParsedInput,
} from './schemas.ts';

export const TABLE_METRICS = [
  'successRate',
  'allRequiredPresent',
  'completeness',
  'costPerDocument',
  'inputTokens',
  'outputTokens',
] as const satisfies readonly MetricName[];
export type TableMetric = (typeof TABLE_METRICS)[number];

/**
 * Metrics compared between the arms: the table's, and the review rate, which
 * is watched as a guardrail only (not a table row, so it does not change the
 * secondary metrics' multiple-testing adjustment).
 */
export type ComparedMetric = TableMetric | 'reviewRate';

/** The numbers behind one comparison, before it is labelled for the table. */
export interface Comparison {
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

/** Raw comparison of one table metric, or null when an arm lacks data. */
export function compare(
  metric: ComparedMetric,
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
    case 'reviewRate':
      return compareProportions(
        [control.needsReview, control.documents],
        [treatment.needsReview, treatment.documents],
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

export function buildRow(
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
export function applyAdjustment(
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
export function harmSign(g: Guardrail): 1 | -1 {
  if ('direction' in g) return g.direction === 'increase' ? 1 : -1;
  return METRICS[g.metric].better === 'higher' ? -1 : 1;
}

export function evaluateGuardrail(
  g: Guardrail,
  comparisons: ReadonlyMap<ComparedMetric, Comparison | null>,
  input: ParsedInput,
  alpha: number,
  sequentialTotal: number | null,
): GuardrailResult {
  const relative = !('direction' in g);
  const base = {
    metric: g.metric,
    rule: describeGuardrail(g, harmSign(g)),
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
export function planSampleSize(criteria: SuccessCriteria, c: Comparison | null): number | null {
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

export function failureTable(
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
