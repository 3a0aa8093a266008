/**
 * Which Bedrock models take Converse `cachePoint` blocks, where, and from how
 * many prefix tokens: the one table InvokeModel, the local stand-in and the
 * cost model read. Cache prices are in `price-table.ts`.
 *
 * Source: Amazon Bedrock User Guide, "Prompt caching for faster model
 * inference", table "Supported models, regions, and limits"
 * (docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html, read
 * 2026-12-01): minimum tokens per cache checkpoint, at most 4 checkpoints per
 * request, and the fields that accept a checkpoint (Claude: system, messages,
 * tools; Amazon Nova: system, messages). A checkpoint placed before the
 * minimum is accepted but caches nothing. Claude Sonnet 4.6 and Opus 4.6 take
 * their minimums from Anthropic's "Prompt caching" page (2,048 and 4,096),
 * which Bedrock applies to the same models. Claude 3.5 Sonnet v2 had caching
 * only as a closed preview; Claude 3 Haiku and Claude 3.5 Sonnet (June) have
 * none on Bedrock: all three are absent and never get a checkpoint.
 */
import { parseModelId } from './cost.ts';

/** Converse request fields a cache checkpoint may close. */
export type CacheField = 'tools' | 'system' | 'messages';

export interface PromptCacheSupport {
  /** The prefix up to a checkpoint must reach this many tokens to be cached. */
  readonly minimumTokens: number;
  readonly maxCheckpoints: number;
  readonly fields: readonly CacheField[];
}

/** A cache entry lives this long after its last write or read (Bedrock's default TTL). */
export const PROMPT_CACHE_TTL_MS = 5 * 60 * 1_000;

const CLAUDE_FIELDS: readonly CacheField[] = ['tools', 'system', 'messages'];
const NOVA_FIELDS: readonly CacheField[] = ['system', 'messages'];
const claude = (minimumTokens: number): PromptCacheSupport => ({
  minimumTokens,
  maxCheckpoints: 4,
  fields: CLAUDE_FIELDS,
});
const nova: PromptCacheSupport = { minimumTokens: 1_000, maxCheckpoints: 4, fields: NOVA_FIELDS };

/** Keyed by base model id (no inference-profile prefix). */
export const PROMPT_CACHE_SUPPORT: Readonly<Record<string, PromptCacheSupport>> = {
  'anthropic.claude-haiku-4-5-20251001-v1:0': claude(4_096),
  'anthropic.claude-sonnet-4-5-20250929-v1:0': claude(1_024),
  'anthropic.claude-sonnet-4-6': claude(2_048),
  'anthropic.claude-opus-4-5-20251101-v1:0': claude(4_096),
  'anthropic.claude-opus-4-6-v1': claude(4_096),
  'anthropic.claude-sonnet-4-20250514-v1:0': claude(1_024),
  'anthropic.claude-3-7-sonnet-20250219-v1:0': claude(1_024),
  'anthropic.claude-3-5-haiku-20241022-v1:0': claude(2_048),
  'amazon.nova-micro-v1:0': nova,
  'amazon.nova-lite-v1:0': nova,
  'amazon.nova-pro-v1:0': nova,
  'amazon.nova-premier-v1:0': nova,
};

/** Prompt caching limits for a model id (any prefix or ARN), or undefined when it has none. */
export function promptCacheSupportFor(modelId: string): PromptCacheSupport | undefined {
  let baseModelId: string;
  try {
    ({ baseModelId } = parseModelId(modelId));
  } catch {
    return undefined;
  }
  return Object.hasOwn(PROMPT_CACHE_SUPPORT, baseModelId)
    ? PROMPT_CACHE_SUPPORT[baseModelId]
    : undefined;
}
