/**
 * The local stand-in's prompt cache: Converse `cachePoint` blocks in tools,
 * system and messages, checked against the model's prompt-caching limits
 * (`core/extraction/prompt-cache.ts`) and accounted as Bedrock documents it.
 * A prefix that reaches the model's minimum is written once and read by later
 * requests with the same prefix until its TTL (5 minutes by default) runs out
 * without a hit; every hit restarts the TTL. A checkpoint below the minimum
 * caches nothing, so no saving is reported that Bedrock would not give.
 * Token counts are the stand-in's ceil(characters / 4) estimate, the same one
 * InvokeModel plans its checkpoints with. Deterministic for a given clock.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import {
  type CacheField,
  PROMPT_CACHE_TTL_MS,
  promptCacheSupportFor,
} from '#core/extraction/prompt-cache.ts';
import { claudeImageTokens } from '#core/extraction/vision-limits.ts';
import { estimateTokens } from '#core/prompts/render.ts';
import { estimateToolDefinitionTokens, toolUseOverheadFor } from '#core/prompts/token-estimate.ts';
import { AwsProtocolError } from '#local/aws-json-protocol.ts';
import { imageSize } from '#local/bedrock/image-size.ts';

/** `{ cachePoint: { type: 'default', ttl? } }` as Converse takes it in tools, system and content. */
export const cachePointSchema = z.strictObject({
  type: z.literal('default'),
  ttl: z.enum(['5m', '1h']).optional(),
});
type CachePoint = z.infer<typeof cachePointSchema>;

interface ToolIn {
  readonly toolSpec?:
    | {
        readonly name: string;
        readonly description?: unknown;
        readonly inputSchema: { json?: unknown };
      }
    | undefined;
  readonly cachePoint?: CachePoint | undefined;
}
interface BlockIn {
  readonly text?: string | undefined;
  readonly image?: { readonly source: { readonly bytes: string } } | undefined;
  readonly cachePoint?: CachePoint | undefined;
}
export interface CacheableRequest {
  readonly toolConfig: {
    readonly tools: readonly ToolIn[];
    readonly toolChoice?: { readonly tool?: unknown; readonly any?: unknown } | undefined;
  };
  readonly system?: readonly BlockIn[] | undefined;
  readonly messages: ReadonlyArray<{ readonly content: readonly BlockIn[] }>;
}

/** Cache tokens of one answer. */
export interface CacheUsage {
  readonly cacheReadInputTokens: number;
  readonly cacheWriteInputTokens: number;
}

/** The `usage` of an answer before output tokens: cache tokens only when the request had a checkpoint. */
export interface BilledInput {
  readonly usage: { readonly inputTokens: number } & Partial<CacheUsage>;
  /** Input, cache read and cache write tokens together. */
  readonly totalInputTokens: number;
}

interface Checkpoint {
  readonly field: CacheField;
  readonly prefixTokens: number;
  readonly key: string;
  readonly ttlMs: number;
}

/** A checked request: the tool section's tokens and its cache checkpoints. */
export interface InspectedPrompt {
  /** Tool definitions plus the provider's tool-use system prompt. */
  readonly toolTokens: number;
  readonly checkpoints: readonly Checkpoint[];
  readonly minimumTokens: number;
}

const UNSUPPORTED =
  'You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.';
const TTL_MS = { '5m': PROMPT_CACHE_TTL_MS, '1h': 60 * 60 * 1_000 } as const;

const blockTokens = (block: BlockIn): number => {
  if (block.text !== undefined) return estimateTokens(block.text);
  if (block.image === undefined) return 0;
  const size = imageSize(new Uint8Array(Buffer.from(block.image.source.bytes, 'base64')));
  return size === null ? 0 : claudeImageTokens(size);
};

/** The request's checkpoints in prompt order (tools, system, messages), with their prefixes. */
const checkpointsOf = (
  modelId: string,
  request: CacheableRequest,
  toolUseSystemPromptTokens: number,
): { checkpoints: Checkpoint[]; toolTokens: number } => {
  // The tool choice decides the tool-use system prompt, so it is part of the prefix too.
  const hash = createHash('sha256')
    .update(modelId)
    .update(JSON.stringify(request.toolConfig.toolChoice ?? null));
  const checkpoints: Checkpoint[] = [];
  // The provider's tool-use system prompt is part of the tools section of the prefix.
  let tokens = toolUseSystemPromptTokens;
  const mark = (field: CacheField, point: CachePoint): void => {
    checkpoints.push({
      field,
      prefixTokens: tokens,
      key: hash.copy().digest('hex'),
      ttlMs: TTL_MS[point.ttl ?? '5m'],
    });
  };
  for (const tool of request.toolConfig.tools) {
    if (tool.toolSpec) {
      const { name, description, inputSchema } = tool.toolSpec;
      const text = typeof description === 'string' ? description : '';
      tokens += estimateToolDefinitionTokens(name, text, inputSchema.json);
      hash.update(JSON.stringify(tool.toolSpec));
    }
    if (tool.cachePoint) mark('tools', tool.cachePoint);
  }
  const toolTokens = tokens;
  const blocks: Array<[CacheField, BlockIn]> = [
    ...(request.system ?? []).map((block): [CacheField, BlockIn] => ['system', block]),
    ...request.messages.flatMap((m) =>
      m.content.map((b): [CacheField, BlockIn] => ['messages', b]),
    ),
  ];
  for (const [field, block] of blocks) {
    if (block.cachePoint) {
      mark(field, block.cachePoint);
      continue;
    }
    tokens += blockTokens(block);
    hash.update(JSON.stringify(block));
  }
  return { checkpoints, toolTokens };
};

/** Published tool-use system prompt tokens for the request's tool choice; 0 when none is published. */
const toolUseTokens = (modelId: string, request: CacheableRequest): number => {
  let overhead: ReturnType<typeof toolUseOverheadFor>;
  try {
    overhead = toolUseOverheadFor(modelId);
  } catch {
    return 0;
  }
  const choice = request.toolConfig.toolChoice;
  const forced = choice?.tool !== undefined || choice?.any !== undefined;
  return overhead === undefined ? 0 : forced ? overhead.forced : overhead.auto;
};

/** The answer's input usage: cache tokens reported apart from `inputTokens`, as Bedrock does. */
export const billedInput = (promptTokens: number, cache: CacheUsage | null): BilledInput => {
  if (cache === null) {
    return { usage: { inputTokens: promptTokens }, totalInputTokens: promptTokens };
  }
  const cached = cache.cacheReadInputTokens + cache.cacheWriteInputTokens;
  const inputTokens = Math.max(0, promptTokens - cached);
  return { usage: { inputTokens, ...cache }, totalInputTokens: inputTokens + cached };
};

/** Prompt-cache entries of one local endpoint, keyed by model and exact prefix. */
export class LocalPromptCache {
  private readonly expiry = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Checks a request's checkpoints before it is answered. Throws
   * ValidationException, as Bedrock does, for a checkpoint on a model without
   * prompt caching, in a field the model does not cache, or beyond the
   * model's checkpoint limit.
   */
  inspect(modelId: string, request: CacheableRequest): InspectedPrompt {
    const { checkpoints, toolTokens } = checkpointsOf(
      modelId,
      request,
      toolUseTokens(modelId, request),
    );
    if (checkpoints.length === 0) return { toolTokens, checkpoints, minimumTokens: 0 };
    const support = promptCacheSupportFor(modelId);
    if (
      support === undefined ||
      checkpoints.length > support.maxCheckpoints ||
      checkpoints.some((c) => !support.fields.includes(c.field))
    ) {
      throw new AwsProtocolError(400, 'ValidationException', UNSUPPORTED);
    }
    return { toolTokens, checkpoints, minimumTokens: support.minimumTokens };
  }

  /**
   * Reads and writes the cache for an answered request: the longest live
   * prefix is read, the rest up to the last cacheable checkpoint is written,
   * and every cacheable checkpoint's TTL restarts. Null without a checkpoint.
   */
  commit(prompt: InspectedPrompt): CacheUsage | null {
    if (prompt.checkpoints.length === 0) return null;
    const now = this.now();
    for (const [key, expires] of this.expiry) if (expires <= now) this.expiry.delete(key);
    // Below the minimum a checkpoint is accepted and caches nothing.
    const cacheable = prompt.checkpoints.filter((c) => c.prefixTokens >= prompt.minimumTokens);
    const hit = cacheable.findLast((c) => this.expiry.has(c.key));
    const longest = cacheable.at(-1);
    const read = hit?.prefixTokens ?? 0;
    const write = longest === undefined ? 0 : longest.prefixTokens - read;
    for (const c of cacheable) this.expiry.set(c.key, now + c.ttlMs);
    return { cacheReadInputTokens: read, cacheWriteInputTokens: write };
  }

  /** Live entries, for tests and the control API. */
  size(): number {
    const now = this.now();
    return [...this.expiry.values()].filter((expires) => expires > now).length;
  }
}
