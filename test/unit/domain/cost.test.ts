/** Cost arithmetic against hand-worked prices, model-id parsing and USD formatting. */

import { describe, expect, it } from 'vitest';
import {
  costMicroUsd,
  formatUsd,
  microUsdToUsd,
  parseModelId,
  UnknownModelError,
} from '#core/extraction/cost.ts';
import { PRICE_TABLE, type PriceTable } from '#core/extraction/price-table.ts';

const HAIKU_45 = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';

describe('parseModelId', () => {
  it.each([
    [HAIKU_45, HAIKU_45, 'regional'],
    [`global.${HAIKU_45}`, HAIKU_45, 'global'],
    [`us.${HAIKU_45}`, HAIKU_45, 'regional'],
    [`eu.${HAIKU_45}`, HAIKU_45, 'regional'],
    [`apac.${HAIKU_45}`, HAIKU_45, 'regional'],
    [`jp.${HAIKU_45}`, HAIKU_45, 'regional'],
    [`au.${HAIKU_45}`, HAIKU_45, 'regional'],
    [NOVA_LITE, NOVA_LITE, 'regional'],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      'regional',
    ],
    [
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${HAIKU_45}`,
      HAIKU_45,
      'regional',
    ],
    [
      `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.${HAIKU_45}`,
      HAIKU_45,
      'global',
    ],
    [`arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/${NOVA_LITE}`, NOVA_LITE, 'regional'],
  ])('parses %s', (id, baseModelId, endpoint) => {
    // Act
    const parsed = parseModelId(id);

    // Assess
    expect(parsed).toEqual({ baseModelId, endpoint });
  });

  it('leaves an unknown prefix on the id so the price lookup fails loudly', () => {
    // Act
    const parsed = parseModelId(`xx.${HAIKU_45}`);

    // Assess
    expect(parsed.baseModelId).toBe(`xx.${HAIKU_45}`);
  });

  it.each([
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
    'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef',
    'arn:aws:s3:::bucket/key',
    '',
    'global.',
  ])('rejects %j, which names no base model', (id) => {
    // Act
    const act = () => parseModelId(id);

    // Assess
    expect(act).toThrow(UnknownModelError);
  });
});

describe('costMicroUsd', () => {
  it('prices Claude Haiku 4.5 on the global endpoint at the base price', () => {
    // Prepare: 10,000 x $1/MTok + 1,000 x $5/MTok = $0.010 + $0.005
    const usage = { modelId: `global.${HAIKU_45}`, inputTokens: 10_000, outputTokens: 1_000 };

    // Act
    const cost = costMicroUsd(usage);

    // Assess
    expect(cost).toBe(15_000);
  });

  it('adds the 10% regional premium for a geo profile and for the in-Region id', () => {
    // Prepare
    const usage = { inputTokens: 10_000, outputTokens: 1_000 };

    // Act
    const viaUs = costMicroUsd({ ...usage, modelId: `us.${HAIKU_45}` });
    const inRegion = costMicroUsd({ ...usage, modelId: HAIKU_45 });
    const viaArn = costMicroUsd({
      ...usage,
      modelId: `arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.${HAIKU_45}`,
    });

    // Assess
    expect(viaUs).toBe(16_500);
    expect(inRegion).toBe(16_500);
    expect(viaArn).toBe(16_500);
  });

  it('halves the price for batch inference', () => {
    // Act
    const globalBatch = costMicroUsd({
      modelId: `global.${HAIKU_45}`,
      inputTokens: 10_000,
      outputTokens: 1_000,
      batch: true,
    });
    const regionalBatch = costMicroUsd({
      modelId: `us.${HAIKU_45}`,
      inputTokens: 10_000,
      outputTokens: 1_000,
      batch: true,
    });

    // Assess
    expect(globalBatch).toBe(7_500);
    expect(regionalBatch).toBe(8_250);
  });

  it('rounds once at the end: Nova Lite 1,234 in / 567 out = 74.04 + 136.08 = 210.12 -> 210', () => {
    // Act
    const cost = costMicroUsd({ modelId: NOVA_LITE, inputTokens: 1_234, outputTokens: 567 });

    // Assess
    expect(cost).toBe(210);
  });

  it('rounds half a micro-dollar up, after summing input and output', () => {
    // Prepare: Claude 3 Haiku input is $0.25/MTok, so 2 tokens = 0.5 micro-dollars;
    // 1 token in + 1 token out = 0.25 + 1.25 = 1.5 micro-dollars (two separate roundings would give 0 + 1).
    const model = 'anthropic.claude-3-haiku-20240307-v1:0';

    // Act
    const half = costMicroUsd({ modelId: model, inputTokens: 2, outputTokens: 0 });
    const oneAndHalf = costMicroUsd({ modelId: model, inputTokens: 1, outputTokens: 1 });
    const belowHalf = costMicroUsd({ modelId: model, inputTokens: 1, outputTokens: 0 });

    // Assess
    expect(half).toBe(1);
    expect(oneAndHalf).toBe(2);
    expect(belowHalf).toBe(0);
  });

  it('has no premium for models before the 4.5 generation', () => {
    // Prepare: Claude 3.5 Sonnet v2, 2,000 x $3 + 500 x $15 = 6,000 + 7,500
    const usage = { inputTokens: 2_000, outputTokens: 500 };
    const model = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

    // Act
    const viaUs = costMicroUsd({ ...usage, modelId: `us.${model}` });
    const inRegion = costMicroUsd({ ...usage, modelId: model });

    // Assess
    expect(viaUs).toBe(13_500);
    expect(inRegion).toBe(13_500);
  });

  it('prices Sonnet 4.6 on the geo endpoint with the premium', () => {
    // Prepare: (3,000 x $3 + 2,000 x $15) x 1.1 = (9,000 + 30,000) x 1.1
    const usage = { inputTokens: 3_000, outputTokens: 2_000 };

    // Act
    const cost = costMicroUsd({ ...usage, modelId: 'us.anthropic.claude-sonnet-4-6' });

    // Assess
    expect(cost).toBe(42_900);
  });

  it('stays exact where floating point would drift (large token counts)', () => {
    // Prepare: 10^9 input tokens of Nova Pro at $0.80/MTok = $800 exactly
    const usage = { modelId: 'amazon.nova-pro-v1:0', inputTokens: 1_000_000_000, outputTokens: 0 };

    // Act
    const cost = costMicroUsd(usage);

    // Assess
    expect(cost).toBe(800_000_000);
  });

  it('costs zero tokens at zero', () => {
    // Act
    const cost = costMicroUsd({ modelId: HAIKU_45, inputTokens: 0, outputTokens: 0 });

    // Assess
    expect(cost).toBe(0);
  });

  it('throws UnknownModel naming the id instead of returning 0', () => {
    // Act
    const act = () =>
      costMicroUsd({ modelId: 'us.acme.unknown-model-v1:0', inputTokens: 1, outputTokens: 1 });

    // Assess
    expect(act).toThrow(UnknownModelError);
    expect(act).toThrow(/us\.acme\.unknown-model-v1:0/);
    expect(act).toThrow(
      expect.objectContaining({ name: 'UnknownModel', modelId: 'us.acme.unknown-model-v1:0' }),
    );
  });

  it('does not resolve inherited object keys as models', () => {
    // Act
    const act = () => costMicroUsd({ modelId: 'constructor', inputTokens: 1, outputTokens: 1 });

    // Assess
    expect(act).toThrow(UnknownModelError);
  });

  it.each([
    [-1, 0],
    [0, -5],
    [1.5, 0],
    [0, Number.NaN],
    [Number.POSITIVE_INFINITY, 0],
  ])('rejects token counts %s / %s', (inputTokens, outputTokens) => {
    // Act
    const act = () => costMicroUsd({ modelId: HAIKU_45, inputTokens, outputTokens });

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('uses the table it is given', () => {
    // Prepare
    const table: PriceTable = {
      'acme.tiny-v1:0': {
        name: 'Tiny',
        inputMicroUsdPerMTok: 2_000_000,
        outputMicroUsdPerMTok: 0,
        regionalPremium: 1.25,
        batchDiscount: 0.5,
      },
    };

    // Act
    const regional = costMicroUsd(
      { modelId: 'acme.tiny-v1:0', inputTokens: 1_000, outputTokens: 9 },
      table,
    );
    const global = costMicroUsd(
      { modelId: 'global.acme.tiny-v1:0', inputTokens: 1_000, outputTokens: 9 },
      table,
    );

    // Assess
    expect(regional).toBe(2_500);
    expect(global).toBe(2_000);
  });

  it('rejects a multiplier that is not a whole number of basis points', () => {
    // Prepare
    const table: PriceTable = {
      'acme.odd-v1:0': {
        name: 'Odd',
        inputMicroUsdPerMTok: 1_000_000,
        outputMicroUsdPerMTok: 1_000_000,
        regionalPremium: 1.00001,
        batchDiscount: 0.5,
      },
    };

    // Act
    const act = () =>
      costMicroUsd({ modelId: 'acme.odd-v1:0', inputTokens: 1, outputTokens: 1 }, table);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('PRICE_TABLE', () => {
  it('stores every price as a non-negative integer with basis-point multipliers', () => {
    // Act
    const entries = Object.entries(PRICE_TABLE);

    // Assess
    expect(entries.length).toBeGreaterThanOrEqual(11);
    for (const [id, price] of entries) {
      expect(Number.isSafeInteger(price.inputMicroUsdPerMTok), id).toBe(true);
      expect(Number.isSafeInteger(price.outputMicroUsdPerMTok), id).toBe(true);
      expect(price.inputMicroUsdPerMTok, id).toBeGreaterThanOrEqual(0);
      expect([1, 1.1], id).toContain(price.regionalPremium);
      expect(price.batchDiscount, id).toBe(0.5);
      expect(parseModelId(id), id).toEqual({ baseModelId: id, endpoint: 'regional' });
    }
  });

  it('carries the published prices for the models the prompts use', () => {
    // Assess
    expect(PRICE_TABLE[HAIKU_45]).toMatchObject({
      inputMicroUsdPerMTok: 1_000_000,
      outputMicroUsdPerMTok: 5_000_000,
      regionalPremium: 1.1,
    });
    expect(PRICE_TABLE['anthropic.claude-3-5-haiku-20241022-v1:0']).toMatchObject({
      inputMicroUsdPerMTok: 800_000,
      outputMicroUsdPerMTok: 4_000_000,
      regionalPremium: 1,
    });
    expect(PRICE_TABLE['amazon.nova-pro-v1:0']).toMatchObject({
      inputMicroUsdPerMTok: 800_000,
      outputMicroUsdPerMTok: 3_200_000,
    });
  });
});

describe('formatUsd', () => {
  it.each([
    [12_300, '$0.0123'],
    [15_000, '$0.015'],
    [210, '$0.00021'],
    [1, '$0.000001'],
    [0, '$0.00'],
    [1_000_000, '$1.00'],
    [1_500_000, '$1.50'],
    [1_234_567_891, '$1234.567891'],
    [-15_000, '-$0.015'],
    [1_234.6, '$0.001235'],
  ])('formats %s micro-dollars as %s', (micro, expected) => {
    // Act
    const text = formatUsd(micro);

    // Assess
    expect(text).toBe(expected);
  });

  it('rejects non-finite amounts', () => {
    // Act
    const act = () => formatUsd(Number.NaN);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('microUsdToUsd', () => {
  it('converts micro-dollars to dollars for metrics', () => {
    // Act
    const usd = microUsdToUsd(16_500);

    // Assess
    expect(usd).toBe(0.0165);
  });
});
