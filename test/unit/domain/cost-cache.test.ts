/**
 * Prompt-cache pricing: cache writes and reads are priced at the price
 * table's multipliers of the input price, exactly and rounded once; a model
 * without cache prices never has cache tokens priced as anything.
 */
import { describe, expect, it } from 'vitest';
import { costMicroUsd } from '#core/extraction/cost.ts';
import { PRICE_TABLE } from '#core/extraction/price-table.ts';
import { PROMPT_CACHE_SUPPORT } from '#core/extraction/prompt-cache.ts';

const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('costMicroUsd with prompt-cache tokens', () => {
  it('prices Claude cache writes at 1.25x and reads at 0.1x of the input price', () => {
    // 1,000 x $3 + 500 x $15 + 3,000 x $3 x 0.1 + 200 x $3 x 1.25 per MTok
    // = 3,000 + 7,500 + 900 + 750 = 12,150 micro-dollars
    const usage = {
      inputTokens: 1_000,
      outputTokens: 500,
      cacheReadInputTokens: 3_000,
      cacheWriteInputTokens: 200,
    };
    expect(costMicroUsd({ modelId: `global.${SONNET_45}`, ...usage })).toBe(12_150);
    // The 10% endpoint premium applies to cache tokens too: 12,150 x 1.1
    expect(costMicroUsd({ modelId: `us.${SONNET_45}`, ...usage })).toBe(13_365);
  });

  it('prices Nova cache reads at 0.25x and writes at the input price', () => {
    // 10,000 x $0.06 x 0.25 + 1,000 x $0.06 = 150 + 60 micro-dollars
    expect(
      costMicroUsd({
        modelId: 'amazon.nova-lite-v1:0',
        inputTokens: 0,
        outputTokens: 0,
        cacheReadInputTokens: 10_000,
        cacheWriteInputTokens: 1_000,
      }),
    ).toBe(210);
  });

  it('rounds once after summing: 7 cache-read tokens on Haiku 4.5 are 0.7 -> 1 micro-dollar', () => {
    expect(
      costMicroUsd({
        modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
        inputTokens: 0,
        outputTokens: 0,
        cacheReadInputTokens: 7,
      }),
    ).toBe(1);
  });

  it('costs the same as before when there are no cache tokens', () => {
    const plain = { modelId: `global.${SONNET_45}`, inputTokens: 4_321, outputTokens: 765 };
    expect(costMicroUsd({ ...plain, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 })).toBe(
      costMicroUsd(plain),
    );
  });

  it('refuses cache tokens for a model the table gives no cache prices', () => {
    expect(() =>
      costMicroUsd({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        inputTokens: 10,
        outputTokens: 10,
        cacheReadInputTokens: 1,
      }),
    ).toThrow(/no prompt-cache prices/);
  });

  it('rejects negative cache token counts', () => {
    expect(() =>
      costMicroUsd({
        modelId: `global.${SONNET_45}`,
        inputTokens: 1,
        outputTokens: 1,
        cacheWriteInputTokens: -1,
      }),
    ).toThrow(RangeError);
  });
});

describe('the cache tables agree', () => {
  it('prices the cache of every model that supports caching, and only those', () => {
    const priced = Object.entries(PRICE_TABLE)
      .filter(([, price]) => price.promptCache !== undefined)
      .map(([id]) => id)
      .sort();
    const supported = Object.keys(PROMPT_CACHE_SUPPORT)
      .filter((id) => Object.hasOwn(PRICE_TABLE, id))
      .sort();
    expect(priced).toEqual(supported);
  });
});
