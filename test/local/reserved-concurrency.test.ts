/** The local runtime's reserved concurrency: one invocation over the limit is refused as Lambda does. */
import { describe, expect, it } from 'vitest';
import { concurrencyLimiter, LambdaThrottledError } from '#local/reserved-concurrency.ts';

describe('concurrencyLimiter', () => {
  it('runs up to the limit at once and refuses the next with Lambda.TooManyRequestsException', async () => {
    const limiter = concurrencyLimiter('invoke-model', 2);
    const gates: Array<() => void> = [];
    const held = () => new Promise<void>((resolve) => gates.push(resolve));
    const a = limiter.run(held);
    const b = limiter.run(held);
    const refused = limiter.run(held).catch((error: unknown) => error);
    const error = await refused;
    expect(error).toBeInstanceOf(LambdaThrottledError);
    expect((error as Error).name).toBe('Lambda.TooManyRequestsException');
    expect(limiter.stats()).toEqual({ limit: 2, running: 2, peak: 2, throttled: 1 });
    for (const open of gates) open();
    await Promise.all([a, b]);
    await expect(limiter.run(async () => 'ran')).resolves.toBe('ran');
    expect(limiter.stats().running).toBe(0);
  });

  it('frees the slot when the handler throws', async () => {
    const limiter = concurrencyLimiter('score', 1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 1)).resolves.toBe(1);
  });

  it('refuses a limit below one', () => {
    expect(() => concurrencyLimiter('score', 0)).toThrow(/CONCURRENCY_INVALID/);
  });
});
