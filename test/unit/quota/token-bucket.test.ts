/** The Bedrock-like quota buckets: refill, refusal when empty, token debt, the 5x output burn-down. */
import { describe, expect, it } from 'vitest';
import {
  admitCall,
  chargeTokens,
  type ModelQuota,
  quotaBuckets,
  refill,
  tokensBurned,
} from '#core/quota/token-bucket.ts';

const quota: ModelQuota = { requestsPerMinute: 6, tokensPerMinute: 6_000, outputTokenBurnDown: 5 };

describe('quota buckets', () => {
  it('admits a minute of requests at once, then one per refill interval', () => {
    let buckets = quotaBuckets(quota, 0);
    for (let i = 0; i < 6; i += 1) {
      const decision = admitCall(buckets, 0);
      expect(decision.admitted).toBe(true);
      buckets = decision.buckets;
    }
    const refused = admitCall(buckets, 0);
    expect(refused.admitted).toBe(false);
    if (!refused.admitted) expect(refused.retryAfterMs).toBe(10_000);
    expect(admitCall(refused.buckets, 9_999).admitted).toBe(false);
    expect(admitCall(refused.buckets, 10_000).admitted).toBe(true);
  });

  it('counts output tokens five times and refuses while the token bucket is in debt', () => {
    expect(tokensBurned(quota, { inputTokens: 1_000, outputTokens: 200 })).toBe(2_000);
    let buckets = quotaBuckets(quota, 0);
    const first = admitCall(buckets, 0);
    expect(first.admitted).toBe(true);
    buckets = chargeTokens(first.buckets, 7_000, 0);
    expect(buckets.tokens.level).toBe(-1_000);
    const refused = admitCall(buckets, 5_000);
    expect(refused.admitted).toBe(false);
    if (!refused.admitted) expect(refused.retryAfterMs).toBe(5_000);
    expect(admitCall(buckets, 10_001).admitted).toBe(true);
  });

  it('never refills above one minute of quota, and a clock going back changes nothing', () => {
    const buckets = quotaBuckets(quota, 1_000);
    expect(refill(buckets.requests, 10_000_000).level).toBe(6);
    const drained = { ...buckets.requests, level: 0 };
    expect(refill(drained, 0).level).toBe(0);
  });

  it('scales the minute for time-compressed runs', () => {
    const buckets = quotaBuckets(quota, 0, 600);
    let state = buckets;
    for (let i = 0; i < 6; i += 1) {
      const d = admitCall(state, 0);
      state = d.buckets;
    }
    expect(admitCall(state, 99).admitted).toBe(false);
    expect(admitCall(state, 100).admitted).toBe(true);
  });

  it('rejects a quota that cannot admit anything', () => {
    expect(() => quotaBuckets({ ...quota, requestsPerMinute: 0 }, 0)).toThrow(/QUOTA_INVALID/);
    expect(() => quotaBuckets({ ...quota, outputTokenBurnDown: 0 }, 0)).toThrow(/QUOTA_INVALID/);
  });
});
