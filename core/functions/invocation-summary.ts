/**
 * Per-function figures from invocation reports: invocations, errors, cold
 * starts, duration and init percentiles (nearest rank), memory, and a
 * per-minute duration series, p99 memory used and the cold-start
 * distribution, the way the Lambda tab of a dashboard shows them.
 */

import { type InitBucket, initHistogram } from '#core/functions/init-histogram.ts';
import { nearestRank } from '#core/metrics/histogram.ts';

/** The REPORT-line figures of one invocation this summary reads. */
export interface InvocationReport {
  readonly functionName: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | null;
  readonly coldStart: boolean;
  readonly error: string | null;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface FunctionSummary {
  readonly functionName: string;
  readonly invocations: number;
  readonly errors: number;
  readonly coldStarts: number;
  readonly durationMs: Percentiles | null;
  readonly billedDurationMsTotal: number;
  readonly initDurationMs: Percentiles | null;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Nearest-rank p99 of the invocations' max memory used. */
  readonly maxMemoryUsedP99Mb: number | null;
  /** Cold starts' init durations in the shared buckets. */
  readonly initHistogram: readonly InitBucket[];
  /** Throttled invocations (locally: filled in from the runtime's concurrency limiters). */
  readonly throttles: number;
  readonly series: ReadonlyArray<{
    readonly minute: string;
    readonly invocations: number;
    readonly p50: number;
    readonly p95: number;
  }>;
}

/** Nearest-rank p50/p95/p99 of the values, or null when there are none. */
export const percentilesOf = (values: readonly number[]): Percentiles | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[nearestRank(q, sorted.length) - 1] ?? 0;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
};

const round = (value: number) => Math.round(value * 100) / 100;
const rounded = (p: Percentiles | null): Percentiles | null =>
  p && { p50: round(p.p50), p95: round(p.p95), p99: round(p.p99) };

/** One summary per function with reports, by name. */
export const summariseInvocations = (reports: readonly InvocationReport[]): FunctionSummary[] => {
  const byFunction = new Map<string, InvocationReport[]>();
  for (const report of reports) {
    const list = byFunction.get(report.functionName) ?? [];
    list.push(report);
    byFunction.set(report.functionName, list);
  }
  return [...byFunction.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([functionName, list]) => {
      const byMinute = new Map<string, number[]>();
      for (const r of list) {
        const minute = `${r.startedAt.slice(0, 16)}Z`;
        byMinute.set(minute, [...(byMinute.get(minute) ?? []), r.durationMs]);
      }
      const inits = list.flatMap((r) => (r.initDurationMs === null ? [] : [r.initDurationMs]));
      return {
        functionName,
        invocations: list.length,
        errors: list.filter((r) => r.error !== null).length,
        coldStarts: list.filter((r) => r.coldStart).length,
        durationMs: rounded(percentilesOf(list.map((r) => r.durationMs))),
        billedDurationMsTotal: list.reduce((sum, r) => sum + r.billedDurationMs, 0),
        initDurationMs: rounded(percentilesOf(inits)),
        memorySizeMb: Math.max(...list.map((r) => r.memorySizeMb)),
        maxMemoryUsedMb: Math.max(...list.map((r) => r.maxMemoryUsedMb)),
        maxMemoryUsedP99Mb: percentilesOf(list.map((r) => r.maxMemoryUsedMb))?.p99 ?? null,
        initHistogram: initHistogram(inits),
        throttles: 0,
        series: [...byMinute.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([minute, durations]) => {
            const p = percentilesOf(durations);
            return {
              minute,
              invocations: durations.length,
              p50: round(p?.p50 ?? 0),
              p95: round(p?.p95 ?? 0),
            };
          }),
      };
    });
};
