/**
 * Metrics comparison use case: two prompt versions' readouts over the same
 * window side by side, with the treatment's change against the control for
 * each headline number (absolute and relative). Descriptive only; the
 * experiment analysis is what decides.
 */
import { defaultCatalog, type PromptCatalog, type ServiceContext } from './context.ts';
import { metricsSince, type VersionMetrics } from './metrics.ts';

export const COMPARED_METRICS = [
  'successRate',
  'completenessMean',
  'allRequiredPresentRate',
  'costPerDocumentMicroUsd',
  'inputTokensMean',
  'outputTokensMean',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export interface MetricChange {
  readonly control: number | null;
  readonly treatment: number | null;
  /** treatment - control; null when either is missing. */
  readonly absolute: number | null;
  /** (treatment - control) / control; null when either is missing or control is 0. */
  readonly relative: number | null;
}

export interface MetricsComparison {
  readonly since: string;
  readonly control: VersionMetrics;
  readonly treatment: VersionMetrics;
  readonly changes: Readonly<Record<ComparedMetric, MetricChange>>;
}

const metricValue = (m: VersionMetrics, metric: ComparedMetric): number | null => {
  switch (metric) {
    case 'latencyP50Ms':
      return m.latencyMs?.p50 ?? null;
    case 'latencyP95Ms':
      return m.latencyMs?.p95 ?? null;
    case 'latencyP99Ms':
      return m.latencyMs?.p99 ?? null;
    default:
      return m[metric];
  }
};

/** The change of each metric from control to treatment (pure). */
export const compareReadouts = (
  control: VersionMetrics,
  treatment: VersionMetrics,
): Record<ComparedMetric, MetricChange> => {
  const change = (metric: ComparedMetric): MetricChange => {
    const c = metricValue(control, metric);
    const t = metricValue(treatment, metric);
    const absolute = c === null || t === null ? null : t - c;
    const relative = absolute === null || c === null || c === 0 ? null : absolute / c;
    return { control: c, treatment: t, absolute, relative };
  };
  return {
    successRate: change('successRate'),
    completenessMean: change('completenessMean'),
    allRequiredPresentRate: change('allRequiredPresentRate'),
    costPerDocumentMicroUsd: change('costPerDocumentMicroUsd'),
    inputTokensMean: change('inputTokensMean'),
    outputTokensMean: change('outputTokensMean'),
    latencyP50Ms: change('latencyP50Ms'),
    latencyP95Ms: change('latencyP95Ms'),
    latencyP99Ms: change('latencyP99Ms'),
  };
};

/** Both versions' readouts since the same hour, and how the treatment differs. */
export const compareVersions = async (
  ctx: ServiceContext,
  query: { readonly control: string; readonly treatment: string; readonly since: Date },
  catalog: PromptCatalog = defaultCatalog(),
): Promise<MetricsComparison> => {
  const control = await metricsSince(ctx, { since: query.since, version: query.control }, catalog);
  const treatment = await metricsSince(
    ctx,
    { since: query.since, version: query.treatment },
    catalog,
  );
  const [c] = control.versions;
  const [t] = treatment.versions;
  if (!c || !t) throw new Error('metricsSince returned no row for a named version');
  return { since: control.since, control: c, treatment: t, changes: compareReadouts(c, t) };
};
