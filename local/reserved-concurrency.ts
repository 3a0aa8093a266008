/**
 * Reserved concurrency in the local runtime, as Lambda enforces it: at most
 * `limit` invocations of a function run at once; one more is refused with
 * `TooManyRequestsException`, which the Step Functions Lambda integration
 * names `Lambda.TooManyRequestsException` (the ASL retries it).
 */

/** The error a synchronous invoke of a throttled function ends with, as the ASL sees it. */
export class LambdaThrottledError extends Error {
  override readonly name = 'Lambda.TooManyRequestsException';
  constructor(functionName: string) {
    super(
      `Rate Exceeded. (Service: Lambda, function ${functionName}, Reason: ReservedFunctionConcurrentInvocationLimitExceeded)`,
    );
  }
}

/** Counters a bench or test reads. */
export interface ConcurrencyStats {
  readonly limit: number;
  readonly running: number;
  readonly peak: number;
  readonly throttled: number;
}

export interface ConcurrencyLimiter {
  /** Runs `run` if a slot is free, else throws {@link LambdaThrottledError} at once. */
  run<T>(run: () => Promise<T>): Promise<T>;
  stats(): ConcurrencyStats;
}

/** A limiter for one function; `limit` Infinity never refuses (but still counts the peak). */
export const concurrencyLimiter = (functionName: string, limit: number): ConcurrencyLimiter => {
  if (!(limit >= 1)) throw new Error(`CONCURRENCY_INVALID: ${functionName}: limit must be >= 1`);
  let running = 0;
  let peak = 0;
  let throttled = 0;
  return {
    run: async (run) => {
      if (running >= limit) {
        throttled += 1;
        throw new LambdaThrottledError(functionName);
      }
      running += 1;
      peak = Math.max(peak, running);
      try {
        return await run();
      } finally {
        running -= 1;
      }
    },
    stats: () => ({ limit, running, peak, throttled }),
  };
};
