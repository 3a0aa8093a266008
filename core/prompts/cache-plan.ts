/**
 * Where a forced-tool request gets Bedrock cache checkpoints: after the tool
 * definition and after the system prompt (the stable prefix of every document
 * under one prompt version), each only when the model supports caching in
 * that field and the prefix up to it reaches the model's minimum. The prefix
 * is counted as `estimateToolRequestTokens` counts it, in Claude's order:
 * tools (definition and tool-use system prompt), then system.
 */
import { type CacheField, promptCacheSupportFor } from '#core/extraction/prompt-cache.ts';
import { estimateToolRequestTokens, type ToolRequestText } from './token-estimate.ts';

export interface CacheCheckpoint {
  readonly field: Extract<CacheField, 'tools' | 'system'>;
  /** Estimated tokens from the start of the prompt to the checkpoint. */
  readonly prefixTokens: number;
}

export interface CachePlan {
  /** Checkpoints to send, in prompt order; empty when nothing qualifies. */
  readonly checkpoints: readonly CacheCheckpoint[];
  /** Estimated tokens of the whole stable prefix (tools and system). */
  readonly stablePrefixTokens: number;
  /** Tokens a cache entry would hold: the last checkpoint's prefix, 0 without one. */
  readonly cachedPrefixTokens: number;
  /** The model's minimum, null when it has no prompt caching on Bedrock. */
  readonly minimumTokens: number | null;
  readonly reason: 'cached' | 'model-not-supported' | 'below-minimum';
}

/** The checkpoints for one prompt version's stable prefix on its model. */
export function planPromptCache(request: Omit<ToolRequestText, 'user'>): CachePlan {
  const estimate = estimateToolRequestTokens({ ...request, user: '' });
  const toolsPrefix = estimate.toolDefinitionTokens + estimate.toolUseSystemPromptTokens;
  const stablePrefixTokens = toolsPrefix + estimate.systemTokens;
  const support = promptCacheSupportFor(request.modelId);
  if (!support) {
    return {
      checkpoints: [],
      stablePrefixTokens,
      cachedPrefixTokens: 0,
      minimumTokens: null,
      reason: 'model-not-supported',
    };
  }
  const candidates: CacheCheckpoint[] = [
    { field: 'tools', prefixTokens: toolsPrefix },
    { field: 'system', prefixTokens: stablePrefixTokens },
  ];
  const checkpoints = candidates
    .filter((c) => support.fields.includes(c.field) && c.prefixTokens >= support.minimumTokens)
    .slice(0, support.maxCheckpoints);
  return {
    checkpoints,
    stablePrefixTokens,
    cachedPrefixTokens: checkpoints.at(-1)?.prefixTokens ?? 0,
    minimumTokens: support.minimumTokens,
    reason: checkpoints.length > 0 ? 'cached' : 'below-minimum',
  };
}
