/**
 * Turns a model call's token usage into an exact cost in integer micro-dollars
 * (1 USD = 1,000,000), using the price table. All arithmetic is on integers
 * (BigInt) and rounds once, at the end, so sums over thousands of documents
 * never drift.
 */

import { type ModelPrice, PRICE_TABLE, type PriceTable } from './price-table.ts';

/** Which kind of endpoint a model id routes to; it decides the endpoint premium. */
export type Endpoint = 'global' | 'regional';

/** A model id reduced to the price-table key and the endpoint kind. */
export interface ParsedModelId {
  /** Foundation-model id without any inference-profile prefix, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  readonly baseModelId: string;
  /** `global` for `global.` profiles; `regional` for geo profiles and in-Region ids. */
  readonly endpoint: Endpoint;
}

/** Token usage of one model call. */
export interface CostInput {
  /** Model id as sent to Bedrock: base id, inference-profile id, or either kind of ARN. */
  readonly modelId: string;
  /** Input tokens neither read from nor written to the prompt cache (Bedrock's `inputTokens`). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the prompt cache (`cacheReadInputTokens`); default 0. */
  readonly cacheReadInputTokens?: number;
  /** Input tokens written to the prompt cache (`cacheWriteInputTokens`); default 0. */
  readonly cacheWriteInputTokens?: number;
  /** Billed as Bedrock batch inference. */
  readonly batch?: boolean;
}

/**
 * The model id is not in the price table or cannot be reduced to a base model.
 * Cost is never silently reported as zero.
 */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModel';
  constructor(
    readonly modelId: string,
    detail = 'not in the price table',
  ) {
    super(`model id "${modelId}": ${detail}`);
  }
}

/** Geographic cross-Region inference-profile prefixes. Any other prefix is left on the id, so it fails the lookup loudly. */
const GEO_PREFIXES: ReadonlySet<string> = new Set(['us', 'eu', 'apac', 'jp', 'au']);
const GLOBAL_PREFIX = 'global';

/** `arn:<partition>:bedrock:<region>:<account?>:<resource-type>/<resource-id>` */
const BEDROCK_ARN = /^arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]*:\d*:([a-z-]+)\/(.+)$/;
/** ARN resource types whose id is (or wraps) a model id. */
const MODEL_ARN_TYPES: ReadonlySet<string> = new Set(['foundation-model', 'inference-profile']);

const MICRO_PER_USD = 1_000_000n;
const TOKENS_PER_MTOK = 1_000_000n;
const BASIS_POINTS = 10_000n;

/**
 * Reduces a Bedrock model id to its price-table key and endpoint kind.
 * Accepts base ids (`anthropic.claude-...`), inference-profile ids
 * (`us.anthropic...`, `global.anthropic...`) and ARNs of foundation models or
 * system inference profiles. Application inference profiles and provisioned
 * models hide the model behind an opaque id, so they throw.
 *
 * @throws UnknownModelError when the id is empty or is an ARN that names no model.
 */
export function parseModelId(id: string): ParsedModelId {
  let resourceId = id;
  const arn = BEDROCK_ARN.exec(id);
  if (arn) {
    const [, resourceType = '', arnResourceId = ''] = arn;
    if (!MODEL_ARN_TYPES.has(resourceType)) {
      throw new UnknownModelError(id, `a ${resourceType} ARN does not name a base model`);
    }
    resourceId = arnResourceId;
  } else if (id.startsWith('arn:')) {
    throw new UnknownModelError(id, 'not a Bedrock model or inference-profile ARN');
  }

  const dot = resourceId.indexOf('.');
  const prefix = dot > 0 ? resourceId.slice(0, dot) : '';
  const rest = resourceId.slice(dot + 1);
  let parsed: ParsedModelId;
  if (prefix === GLOBAL_PREFIX) {
    parsed = { baseModelId: rest, endpoint: 'global' };
  } else if (GEO_PREFIXES.has(prefix)) {
    parsed = { baseModelId: rest, endpoint: 'regional' };
  } else {
    parsed = { baseModelId: resourceId, endpoint: 'regional' };
  }
  if (parsed.baseModelId === '') {
    throw new UnknownModelError(id, 'empty model id');
  }
  return parsed;
}

/**
 * Cost of one model call in integer micro-dollars.
 *
 * cost = (inputTokens x inputPrice + outputTokens x outputPrice
 *         + cacheWriteInputTokens x inputPrice x cache write multiplier
 *         + cacheReadInputTokens x inputPrice x cache read multiplier) / 1,000,000
 *        x endpoint premium (regional/geo endpoints only) x batch discount (batch only)
 *
 * Computed exactly as a fraction and rounded once, half up (x.5 micro-dollars
 * goes up), so the result is within half a micro-dollar of the true price.
 *
 * @throws UnknownModelError when the model is not in `table`.
 * @throws RangeError when a token count is negative or not a safe integer, a
 *   table multiplier is not a whole number of basis points, or cache tokens are
 *   reported for a model the table gives no cache prices.
 */
export function costMicroUsd(input: CostInput, table: PriceTable = PRICE_TABLE): number {
  const inputTokens = tokenCount(input.inputTokens, 'inputTokens');
  const outputTokens = tokenCount(input.outputTokens, 'outputTokens');
  const cacheRead = tokenCount(input.cacheReadInputTokens ?? 0, 'cacheReadInputTokens');
  const cacheWrite = tokenCount(input.cacheWriteInputTokens ?? 0, 'cacheWriteInputTokens');
  const { baseModelId, endpoint } = parseModelId(input.modelId);
  const price = lookupPrice(table, baseModelId, input.modelId);
  if ((cacheRead > 0n || cacheWrite > 0n) && price.promptCache === undefined) {
    throw new RangeError(`no prompt-cache prices for ${baseModelId}`);
  }

  const premium = endpoint === 'regional' ? basisPoints(price.regionalPremium) : BASIS_POINTS;
  const discount = input.batch === true ? basisPoints(price.batchDiscount) : BASIS_POINTS;
  const inputPrice = integerPrice(price.inputMicroUsdPerMTok);
  const cache = price.promptCache;
  // In basis points of a token price, so cache multipliers stay exact.
  const tokenCost =
    (inputTokens * inputPrice + outputTokens * integerPrice(price.outputMicroUsdPerMTok)) *
      BASIS_POINTS +
    (cache === undefined
      ? 0n
      : cacheWrite * inputPrice * basisPoints(cache.writeMultiplier) +
        cacheRead * inputPrice * basisPoints(cache.readMultiplier));

  const numerator = tokenCost * premium * discount;
  const denominator = TOKENS_PER_MTOK * BASIS_POINTS * BASIS_POINTS * BASIS_POINTS;
  const rounded = (numerator + denominator / 2n) / denominator;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('cost exceeds the safe integer range');
  }
  return Number(rounded);
}

/** Micro-dollars as a plain USD number, for metrics such as EMF `CostUsd`. */
export function microUsdToUsd(micro: number): number {
  return micro / Number(MICRO_PER_USD);
}

/**
 * Formats micro-dollars as USD for people: exact to the micro-dollar, trailing
 * zeros trimmed but at least two decimals (`$0.0123`, `$0.00021`, `$1.50`,
 * `-$0.0150`). Non-integer input (a mean, say) is first rounded to the nearest
 * micro-dollar.
 *
 * @throws RangeError when `micro` is not finite or beyond the safe integer range.
 */
export function formatUsd(micro: number): string {
  const whole = Math.round(micro);
  if (!Number.isSafeInteger(whole)) {
    throw new RangeError('amount must be a finite number of micro-dollars');
  }
  const sign = whole < 0 ? '-' : '';
  const magnitude = Math.abs(whole);
  const dollars = Math.floor(magnitude / 1_000_000);
  const fraction = String(magnitude % 1_000_000)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}$${dollars}.${fraction}`;
}

function lookupPrice(table: PriceTable, baseModelId: string, modelId: string): ModelPrice {
  // hasOwn, not `in` or indexing: keys such as `constructor` must not resolve to Object.prototype.
  const price = Object.hasOwn(table, baseModelId) ? table[baseModelId] : undefined;
  if (price === undefined) {
    throw new UnknownModelError(modelId);
  }
  return price;
}

function tokenCount(value: number, field: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field} must be a non-negative integer`);
  }
  return BigInt(value);
}

function integerPrice(value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError('prices must be non-negative integer micro-dollars per million tokens');
  }
  return BigInt(value);
}

function basisPoints(multiplier: number): bigint {
  const scaled = multiplier * Number(BASIS_POINTS);
  const whole = Math.round(scaled);
  // 1.1 * 10000 is 11000.000000000002 in binary floating point; anything further off is a typo.
  if (!Number.isFinite(scaled) || whole < 0 || Math.abs(scaled - whole) > 1e-6) {
    throw new RangeError('price multipliers must be non-negative whole basis points');
  }
  return BigInt(whole);
}
