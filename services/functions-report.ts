/**
 * The Functions answer: per-function figures from the local runtime's
 * REPORT records or from CloudWatch (one shape), with a memory
 * recommendation per function priced at the observed rate.
 */
import type { CloudWatchFunctionFigures } from '#adapters/cloudwatch-functions.ts';
import type { FunctionFigures, FunctionsAnswer } from '#contracts/invocation-reports.ts';
import { type InvocationReport, summariseInvocations } from '#core/functions/invocation-summary.ts';
import { ARM_LAMBDA_PRICING, recommendMemory } from '#core/functions/memory-recommendation.ts';

/** The shortest window rates are scaled from: CloudWatch's one-minute resolution. */
const MIN_WINDOW_SECONDS = 60;

const LOCAL_NOTE =
  'Handlers run in one local Node process: memory used is that process (so the memory suggestions show the arithmetic, not a size to deploy), init is the module import; throttles and peak concurrency come from the reserved-concurrency limits of the runtime.';
const CLOUDWATCH_NOTE =
  'From CloudWatch: Lambda metrics for invocations, errors, throttles, duration and concurrency; the REPORT log lines (Logs Insights) for billed duration, memory, cold starts and init.';
const TRUNCATED_NOTE =
  ' The cold-start histogram reads the latest 10,000 cold starts only (the Logs Insights row limit).';

const answer = (
  source: FunctionsAnswer['source'],
  note: string,
  functions: FunctionFigures[],
  window: FunctionsAnswer['window'],
): FunctionsAnswer => ({
  source,
  note,
  window,
  functions,
  recommendations: window
    ? recommendMemory(
        functions.filter((fn) => fn.invocations > 0),
        window.seconds,
      )
    : [],
  pricing: ARM_LAMBDA_PRICING,
});

const windowOf = (from: Date, to: Date): NonNullable<FunctionsAnswer['window']> => ({
  from: from.toISOString(),
  to: to.toISOString(),
  seconds: Math.max(MIN_WINDOW_SECONDS, Math.round((to.getTime() - from.getTime()) / 1000)),
});

/** No figures here (on AWS without a CloudWatch reader). */
export const noFunctionsAnswer = (): FunctionsAnswer =>
  answer(
    'none',
    'No invocation records here: read the per-function widgets of the CloudWatch dashboard.',
    [],
    null,
  );

/** What the local runtime's reserved-concurrency limiter counted for one function. */
export interface LocalConcurrency {
  readonly peak: number;
  readonly throttled: number;
}

/**
 * From the local runtime's records; the window runs from the first record to
 * now. Throttles and peak concurrency come from its concurrency limiters.
 */
export const localFunctionsAnswer = (
  reports: readonly InvocationReport[],
  now: Date = new Date(),
  concurrency: Readonly<Record<string, LocalConcurrency>> = {},
): FunctionsAnswer => {
  const functions = summariseInvocations(reports).map((fn) => ({
    ...fn,
    initHistogram: [...fn.initHistogram],
    series: [...fn.series],
    throttles: concurrency[fn.functionName]?.throttled ?? fn.throttles,
    peakConcurrentExecutions: concurrency[fn.functionName]?.peak ?? null,
  }));
  const first = reports.reduce<string | undefined>(
    (min, r) => (min === undefined || r.startedAt < min ? r.startedAt : min),
    undefined,
  );
  return answer(
    'local-runtime',
    LOCAL_NOTE,
    functions,
    first === undefined ? null : windowOf(new Date(first), now),
  );
};

/** From CloudWatch over the last `hours` hours. */
export const cloudWatchFunctionsAnswer = async (
  reader: CloudWatchFunctionFigures,
  hours: number,
  now: Date = new Date(),
): Promise<FunctionsAnswer> => {
  const from = new Date(now.getTime() - hours * 3600 * 1000);
  const figures = await reader.read({ from, to: now });
  return answer(
    'cloudwatch',
    figures.initRowsTruncated ? CLOUDWATCH_NOTE + TRUNCATED_NOTE : CLOUDWATCH_NOTE,
    figures.functions,
    windowOf(from, now),
  );
};
