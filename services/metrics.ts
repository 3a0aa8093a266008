/**
 * Metrics use case: per prompt version and over all documents, volume,
 * success, review, completeness, cost, tokens and latency percentiles since an hour,
 * read from the hourly roll-ups the aggregator writes.
 */
import { allDocumentsKey, hourOf, type Rollup } from '#contracts/metrics-items.ts';
import { percentiles } from '#core/metrics/histogram.ts';
import { defaultCatalog, type PromptCatalog, rollupsOf, type ServiceContext } from './context.ts';
import { readRollup, readVersionRollup } from './experiment-analysis.ts';
import { InvalidInputError } from './service-error.ts';

/** One line of the readout: what people ask of a prompt version. */
export interface VersionMetrics {
  readonly version: string;
  readonly documents: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Documents the pipeline sent to review (NEEDS_REVIEW). */
  readonly needsReview: number;
  /** Documents finished by reusing an identical earlier upload's extraction (no model call, ADR 40). */
  readonly cacheHits: number;
  readonly successRate: number | null;
  /** needsReview / documents. */
  readonly reviewRate: number | null;
  readonly completenessMean: number | null;
  readonly allRequiredPresentRate: number | null;
  readonly costPerDocumentMicroUsd: number | null;
  readonly inputTokensMean: number | null;
  readonly outputTokensMean: number | null;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  readonly failedByReason: Readonly<Record<string, number>>;
}

const mean = (m: { n: number; sum: number }): number | null => (m.n > 0 ? m.sum / m.n : null);

/** The readout of one roll-up (pure). */
export const summarise = (version: string, r: Rollup): VersionMetrics => ({
  version,
  documents: r.documents,
  succeeded: r.succeeded,
  failed: r.failed,
  needsReview: r.needsReview,
  cacheHits: r.cacheHits,
  successRate: r.documents > 0 ? r.succeeded / r.documents : null,
  reviewRate: r.documents > 0 ? r.needsReview / r.documents : null,
  completenessMean: mean(r.completeness),
  allRequiredPresentRate: r.allRequiredN > 0 ? r.allRequiredPresent / r.allRequiredN : null,
  costPerDocumentMicroUsd: mean(r.cost),
  inputTokensMean: mean(r.inputTokens),
  outputTokensMean: mean(r.outputTokens),
  latencyMs: percentiles(r.latencyHistogram),
  failedByReason: r.failedByReason,
});

export interface MetricsQuery {
  readonly since: Date;
  /** Only this version (reported even with no documents); else every version that has some. */
  readonly version?: string;
}

export interface MetricsReport {
  /** The window's first hour, `YYYY-MM-DDTHH:00Z`. */
  readonly since: string;
  readonly versions: VersionMetrics[];
  readonly all: VersionMetrics;
}

/** Throws unless `version` is one of the catalog's versions. */
export const requireKnownVersion = (
  version: string,
  catalog: PromptCatalog = defaultCatalog(),
): void => {
  if (!catalog.versions().includes(version)) {
    throw new InvalidInputError(
      'UNKNOWN_PROMPT_VERSION',
      `${version} is not a bundled prompt version (${catalog.versions().join(', ')})`,
      'version',
    );
  }
};

/** The readout per version and over all documents since the query's hour. */
export const metricsSince = async (
  ctx: ServiceContext,
  query: MetricsQuery,
  catalog: PromptCatalog = defaultCatalog(),
): Promise<MetricsReport> => {
  if (query.version !== undefined) requireKnownVersion(query.version, catalog);
  const versions = query.version ? [query.version] : catalog.versions();
  const sinceHour = hourOf(query.since.getTime());
  const source = rollupsOf(ctx);
  const rows: VersionMetrics[] = [];
  for (const version of versions) {
    const summary = summarise(version, await readVersionRollup(source, version, sinceHour));
    if (summary.documents > 0 || query.version) rows.push(summary);
  }
  const all = summarise(
    'all documents',
    await readRollup(source, allDocumentsKey('').pk, sinceHour),
  );
  return { since: `${sinceHour}:00Z`, versions: rows, all };
};
