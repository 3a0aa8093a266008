/**
 * Bedrock on-demand prices, keyed by base model id (no inference-profile
 * prefix). Edit this table when AWS changes a price; `cost.ts` does the
 * arithmetic.
 *
 * Prices are integers in micro-dollars (1 USD = 1,000,000) per million tokens,
 * so 1.00 USD / MTok is written `1_000_000` and no price ever carries a binary
 * fraction. Sources: aws.amazon.com/bedrock/pricing as summarised in the GenAI
 * IDP Accelerator `config_library/pricing.yaml` and Anthropic's model pages.
 * Page images are billed as input tokens at the input price: Claude counts an
 * image as width * height / 750 tokens after downscaling it (about 1,600 for a
 * rendered page), see `vision-limits.ts`; no separate image rate applies.
 */

/** One model's on-demand price and the multipliers that apply to it. */
export interface ModelPrice {
  /** Human-readable model name, for reports. */
  readonly name: string;
  /** Micro-dollars per million input tokens (integer). */
  readonly inputMicroUsdPerMTok: number;
  /** Micro-dollars per million output tokens (integer). */
  readonly outputMicroUsdPerMTok: number;
  /**
   * Multiplier for in-Region and geo endpoints (`us.`, `eu.`, `apac.`, `jp.`,
   * `au.` or no prefix). The Claude 4.5+ generation costs 10% more there than
   * through a `global.` profile; older models have one price (1).
   * Must be a whole number of basis points (e.g. 1.1).
   */
  readonly regionalPremium: number;
  /** Multiplier for Bedrock batch inference (0.5 = half price). Whole basis points. */
  readonly batchDiscount: number;
  /**
   * Prompt-cache token prices as multipliers of the input price (whole basis
   * points); absent for models without prompt caching on Bedrock, whose usage
   * can carry no cache tokens. Which models cache, and from how many tokens:
   * `prompt-cache.ts`.
   */
  readonly promptCache?: PromptCachePrice;
}

/** Cache writes and reads as multipliers of the model's input price. */
export interface PromptCachePrice {
  readonly writeMultiplier: number;
  readonly readMultiplier: number;
}

/** Price table keyed by Bedrock base model id. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Premium for regional and geo endpoints of the Claude 4.5+ generation. */
const CLAUDE_45_REGIONAL_PREMIUM = 1.1;
/** No endpoint premium: global, regional and geo endpoints cost the same. */
const NO_PREMIUM = 1;
/** Bedrock batch inference is billed at 50% of on-demand. */
const BATCH_DISCOUNT = 0.5;
/**
 * Claude prompt caching with the default 5-minute TTL: a cache write costs
 * 1.25x the input price, a cache read 0.1x (Anthropic "Prompt caching",
 * section Pricing, and aws.amazon.com/bedrock/pricing, Anthropic cache
 * columns; read 2026-12-01).
 */
const CLAUDE_CACHE: PromptCachePrice = { writeMultiplier: 1.25, readMultiplier: 0.1 };
/**
 * Amazon Nova: cache reads 75% below the input price, cache writes at the
 * input price (aws.amazon.com/bedrock/pricing, Amazon Nova cache columns;
 * read 2026-12-01).
 */
const NOVA_CACHE: PromptCachePrice = { writeMultiplier: 1, readMultiplier: 0.25 };

/** The prices MedExtract meters against. */
export const PRICE_TABLE: PriceTable = {
  // Claude 4.5+ generation: `global.` is the base price, every other endpoint +10%.
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    name: 'Claude Haiku 4.5',
    inputMicroUsdPerMTok: 1_000_000, // $1.00
    outputMicroUsdPerMTok: 5_000_000, // $5.00
    regionalPremium: CLAUDE_45_REGIONAL_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    name: 'Claude Sonnet 4.5',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: CLAUDE_45_REGIONAL_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  // Sonnet 4.6 has no date or version suffix on Bedrock (Anthropic's model
  // overview lists the Bedrock id as `anthropic.claude-sonnet-4-6`).
  'anthropic.claude-sonnet-4-6': {
    name: 'Claude Sonnet 4.6',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: CLAUDE_45_REGIONAL_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-opus-4-5-20251101-v1:0': {
    name: 'Claude Opus 4.5',
    inputMicroUsdPerMTok: 5_000_000, // $5.00
    outputMicroUsdPerMTok: 25_000_000, // $25.00
    regionalPremium: CLAUDE_45_REGIONAL_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-opus-4-6-v1': {
    name: 'Claude Opus 4.6',
    inputMicroUsdPerMTok: 5_000_000, // $5.00
    outputMicroUsdPerMTok: 25_000_000, // $25.00
    regionalPremium: CLAUDE_45_REGIONAL_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },

  // Earlier Claude models: one price on every endpoint.
  'anthropic.claude-sonnet-4-20250514-v1:0': {
    name: 'Claude Sonnet 4',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': {
    name: 'Claude 3.7 Sonnet',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': {
    name: 'Claude 3.5 Sonnet v2',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
  },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': {
    name: 'Claude 3.5 Sonnet',
    inputMicroUsdPerMTok: 3_000_000, // $3.00
    outputMicroUsdPerMTok: 15_000_000, // $15.00
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
  },
  'anthropic.claude-3-5-haiku-20241022-v1:0': {
    name: 'Claude 3.5 Haiku',
    inputMicroUsdPerMTok: 800_000, // $0.80
    outputMicroUsdPerMTok: 4_000_000, // $4.00
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: CLAUDE_CACHE,
  },
  'anthropic.claude-3-haiku-20240307-v1:0': {
    name: 'Claude 3 Haiku',
    inputMicroUsdPerMTok: 250_000, // $0.25
    outputMicroUsdPerMTok: 1_250_000, // $1.25
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
  },

  // Amazon Nova.
  'amazon.nova-lite-v1:0': {
    name: 'Amazon Nova Lite',
    inputMicroUsdPerMTok: 60_000, // $0.06
    outputMicroUsdPerMTok: 240_000, // $0.24
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: NOVA_CACHE,
  },
  'amazon.nova-pro-v1:0': {
    name: 'Amazon Nova Pro',
    inputMicroUsdPerMTok: 800_000, // $0.80
    outputMicroUsdPerMTok: 3_200_000, // $3.20
    regionalPremium: NO_PREMIUM,
    batchDiscount: BATCH_DISCOUNT,
    promptCache: NOVA_CACHE,
  },
};
