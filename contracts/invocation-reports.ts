/**
 * One function invocation's REPORT-line figures, as the local runtime
 * records them for every in-process handler run (Lambda prints the same
 * figures in its `REPORT` log line), and the Functions answer built from
 * them or from CloudWatch: the same shape from either source.
 */
import * as z from 'zod';

export const InvocationReportSchema = z.object({
  functionName: z.string(),
  requestId: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  /** Lambda bills whole milliseconds: the duration rounded up. */
  billedDurationMs: z.number().int(),
  memorySizeMb: z.number().int(),
  /**
   * Locally every handler shares one Node process: this is that process's
   * resident set size after the invocation, not the function's own use.
   */
  maxMemoryUsedMb: z.number().int(),
  /** Only on a cold start: locally, the time the handler module took to import. */
  initDurationMs: z.number().nullable(),
  coldStart: z.boolean(),
  /** The thrown error's name, or null. */
  error: z.string().nullable(),
});
export type InvocationReport = z.infer<typeof InvocationReportSchema>;

const PercentilesSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

/** Where the Functions answer's figures come from. */
export const FUNCTION_FIGURES_SOURCES = ['local-runtime', 'cloudwatch', 'none'] as const;

/** One cold-start bucket: init durations in [fromMs, toMs). */
export const InitBucketSchema = z.object({
  fromMs: z.number(),
  toMs: z.number().nullable(),
  count: z.number().int(),
});

/** A memory size suggestion and its monthly price at the observed rate. */
export const MemoryRecommendationSchema = z.object({
  functionName: z.string(),
  action: z.enum(['lower', 'raise', 'keep', 'none']),
  currentMemoryMb: z.number().int(),
  suggestedMemoryMb: z.number().int().nullable(),
  headroomPercent: z.number().nullable(),
  invocationsPerMonth: z.number().int(),
  monthlyCostMicroUsd: z.number().int(),
  suggestedMonthlyCostMicroUsd: z.number().int(),
  monthlySavingMicroUsd: z.number().int(),
  initDominated: z.boolean(),
  reason: z.string(),
});

/** One function's figures, the same from the local runtime and from CloudWatch. */
export const FunctionFiguresSchema = z.object({
  functionName: z.string(),
  invocations: z.number().int(),
  errors: z.number().int(),
  coldStarts: z.number().int(),
  durationMs: PercentilesSchema.nullable(),
  billedDurationMsTotal: z.number().int(),
  initDurationMs: PercentilesSchema.nullable(),
  memorySizeMb: z.number().int(),
  maxMemoryUsedMb: z.number().int(),
  /** p99 of the invocations' max memory used; null when none was measured. */
  maxMemoryUsedP99Mb: z.number().nullable(),
  initHistogram: z.array(InitBucketSchema),
  throttles: z.number().int(),
  /** Peak concurrent executions (CloudWatch); null locally, where handlers share one process. */
  peakConcurrentExecutions: z.number().int().nullable(),
  /** Duration trend: one point per period (a minute locally, five on AWS), by its start. */
  series: z.array(
    z.object({
      minute: z.string(),
      invocations: z.number().int(),
      p50: z.number(),
      p95: z.number(),
    }),
  ),
});
export type FunctionFigures = z.infer<typeof FunctionFiguresSchema>;

/** The whole `GET /api/functions` answer. */
export const FunctionsAnswerSchema = z.object({
  source: z.enum(FUNCTION_FIGURES_SOURCES),
  note: z.string(),
  /** The observed window the rates and monthly figures are scaled from; null with no figures. */
  window: z.object({ from: z.string(), to: z.string(), seconds: z.number() }).nullable(),
  functions: z.array(FunctionFiguresSchema),
  recommendations: z.array(MemoryRecommendationSchema),
  /** The Lambda prices the recommendations use, with their date and source. */
  pricing: z.object({
    microUsdPerGbSecond: z.number(),
    microUsdPerRequest: z.number(),
    architecture: z.string(),
    region: z.string(),
    readOn: z.string(),
    source: z.string(),
  }),
});
export type FunctionsAnswer = z.infer<typeof FunctionsAnswerSchema>;
