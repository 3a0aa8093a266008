/**
 * Token buckets as Bedrock counts a model's quota: a requests-per-minute and
 * a tokens-per-minute bucket, each refilled continuously up to one minute of
 * quota. A call needs one request and a non-empty token bucket to start; its
 * tokens (input + output x the model's burn-down rate) are charged when the
 * answer is known and may leave the token bucket in debt. Pure: the clock is
 * passed in.
 */

/** A model's quota, per minute, as the Service Quotas console shows it. */
export interface ModelQuota {
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Output tokens count this many times against the token quota (5 for Claude 3.7+ and 4.x). */
  readonly outputTokenBurnDown: number;
}

/** One bucket: `level` units now, refilled at `capacity` per `windowMs`, never above `capacity`. */
export interface Bucket {
  readonly capacity: number;
  readonly windowMs: number;
  readonly level: number;
  readonly updatedAt: number;
}

export const fullBucket = (capacity: number, windowMs: number, now: number): Bucket => ({
  capacity,
  windowMs,
  level: capacity,
  updatedAt: now,
});

/** The bucket refilled up to `now` (time never runs backwards: an older `now` changes nothing). */
export const refill = (bucket: Bucket, now: number): Bucket => {
  const elapsed = Math.max(0, now - bucket.updatedAt);
  const level = Math.min(
    bucket.capacity,
    bucket.level + (elapsed * bucket.capacity) / bucket.windowMs,
  );
  return { ...bucket, level, updatedAt: Math.max(now, bucket.updatedAt) };
};

/** Milliseconds until the bucket holds `amount` again (0 when it does now). */
export const msUntil = (bucket: Bucket, amount: number): number =>
  bucket.level >= amount
    ? 0
    : Math.ceil(((amount - bucket.level) * bucket.windowMs) / bucket.capacity);

/** The two buckets of one model. */
export interface QuotaBuckets {
  readonly requests: Bucket;
  readonly tokens: Bucket;
}

export const MINUTE_MS = 60_000;

/** Full buckets for a quota; `minuteMs` shortens the minute when time is scaled (tests, benches). */
export const quotaBuckets = (
  quota: ModelQuota,
  now: number,
  minuteMs = MINUTE_MS,
): QuotaBuckets => {
  if (!(quota.requestsPerMinute > 0) || !(quota.tokensPerMinute > 0)) {
    throw new Error('QUOTA_INVALID: requests and tokens per minute must be positive');
  }
  if (!(quota.outputTokenBurnDown >= 1)) {
    throw new Error('QUOTA_INVALID: the output token burn-down rate must be at least 1');
  }
  return {
    requests: fullBucket(quota.requestsPerMinute, minuteMs, now),
    tokens: fullBucket(quota.tokensPerMinute, minuteMs, now),
  };
};

export type AdmitDecision =
  | { readonly admitted: true; readonly buckets: QuotaBuckets }
  | { readonly admitted: false; readonly buckets: QuotaBuckets; readonly retryAfterMs: number };

/** Takes one request if a request is left and the token bucket is not empty or in debt. */
export const admitCall = (buckets: QuotaBuckets, now: number): AdmitDecision => {
  const requests = refill(buckets.requests, now);
  const tokens = refill(buckets.tokens, now);
  if (requests.level >= 1 && tokens.level > 0) {
    return {
      admitted: true,
      buckets: { requests: { ...requests, level: requests.level - 1 }, tokens },
    };
  }
  const retryAfterMs = Math.max(msUntil(requests, 1), msUntil(tokens, Number.EPSILON), 1);
  return { admitted: false, buckets: { requests, tokens }, retryAfterMs };
};

/** Tokens a finished call burns: input + output x burn-down. */
export const tokensBurned = (
  quota: ModelQuota,
  usage: { readonly inputTokens: number; readonly outputTokens: number },
): number => usage.inputTokens + usage.outputTokens * quota.outputTokenBurnDown;

/** Charges a finished call's tokens; the bucket may go into debt and then refuses new calls. */
export const chargeTokens = (buckets: QuotaBuckets, burned: number, now: number): QuotaBuckets => {
  const tokens = refill(buckets.tokens, now);
  return { ...buckets, tokens: { ...tokens, level: tokens.level - burned } };
};
