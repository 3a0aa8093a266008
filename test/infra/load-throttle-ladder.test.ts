/**
 * LoadDocument's throttle ladder (ADR 41) against every stage's numbers: it
 * is the first retrier a throttle meets, it retries at least once per
 * function timeout (a held slot frees within one), and with full jitter its
 * waits add up to more than the execution deadline in all but a negligible
 * share of draws, so a throttled document meets its own deadline before it
 * runs out of retries. The burst it absorbs at the worst hold follows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { configFor } from '#infra/config.ts';
import { executionTimeoutSeconds } from '#infra/model-capacity.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { EXTRACT_ASL_PATH } from '#statemachines/extract-placeholders.ts';

const Retrier = z.object({
  ErrorEquals: z.array(z.string()),
  IntervalSeconds: z.number(),
  MaxAttempts: z.number(),
  BackoffRate: z.number(),
  MaxDelaySeconds: z.number(),
  JitterStrategy: z.literal('FULL'),
});
const asl = z
  .object({
    States: z.record(z.string(), z.looseObject({ Retry: z.array(z.looseObject({})).optional() })),
  })
  .parse(JSON.parse(readFileSync(fromRepoRoot(EXTRACT_ASL_PATH), 'utf8')));
const retriers = asl.States.LoadDocument?.Retry ?? [];
const throttleAt = retriers.findIndex(
  (retrier) => JSON.stringify(retrier.ErrorEquals) === '["Lambda.TooManyRequestsException"]',
);
const ladder = Retrier.parse(retriers[throttleAt]);

/** The cap on attempt n's wait (Step Functions: interval x rate^n, at most MaxDelaySeconds). */
const capOf = (attempt: number): number =>
  Math.min(ladder.MaxDelaySeconds, ladder.IntervalSeconds * ladder.BackoffRate ** attempt);
/** Every attempt's cap, computed once for the draws below. */
const caps = Array.from({ length: ladder.MaxAttempts }, (_, attempt) => capOf(attempt));

/** A small seeded generator (mulberry32): the draws are the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('LoadDocument throttle ladder', () => {
  it('is the first retrier a throttle matches, so the short Lambda service ladder never decides', () => {
    const service = retriers.findIndex((retrier) =>
      z.array(z.string()).parse(retrier.ErrorEquals).includes('Lambda.ServiceException'),
    );
    expect(throttleAt).toBeGreaterThanOrEqual(0);
    expect(throttleAt).toBeLessThan(service);
  });

  it.each(['dev', 'staging', 'prod'] as const)('outlasts the %s execution deadline', (stage) => {
    // Prepare
    const config = configFor(stage);
    const timeout = config.functions['load-document'].timeoutSeconds;
    const deadline = executionTimeoutSeconds(config.bedrock.maxAdmissionWaitMinutes);
    const random = seeded(41);

    // Act: full jitter draws each wait uniformly in [0, cap].
    const totals = Array.from({ length: 2_000 }, () => {
      let total = 0;
      for (const cap of caps) total += random() * cap;
      return total;
    });
    const short = totals.filter((total) => total < deadline).length;

    // Assess
    expect(ladder.MaxDelaySeconds).toBeLessThanOrEqual(timeout);
    expect(short).toBe(0);
    // What that absorbs: a burst of this many scans each holding a slot for the whole timeout.
    const burst = Math.floor(
      (config.functions['load-document'].reservedConcurrency * deadline) / timeout,
    );
    expect(burst).toBeGreaterThan(100);
  });
});
