/**
 * Bedrock Converse for one rendered prompt: the request with a single forced
 * tool whose input schema is the prompt version's JSON Schema (and cache
 * checkpoints after the stable prefix where the model's minimum allows), the
 * reading of the answer, and the mapping of Bedrock failures to the named
 * errors the state machine retries or catches.
 */
import type { ConverseCommandInput, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import {
  ModelOutputInvalidError,
  ModelOutputTruncatedError,
  ModelRequestRejectedError,
  ModelThrottledError,
  ModelTimeoutError,
  ModelUnavailableError,
} from '#contracts/errors.ts';
import { planPromptCache } from '#core/prompts/cache-plan.ts';
import type { RenderedPrompt } from '#core/prompts/types.ts';

const CACHE_POINT = { cachePoint: { type: 'default' } } as const;

/**
 * The document is sent as text inside the delimited block, never as a named
 * attachment. Tools and system are the same for every document of a version,
 * so each gets a cache checkpoint when `planPromptCache` says it qualifies.
 */
export const buildConverseRequest = (prompt: RenderedPrompt): ConverseCommandInput => {
  const cached = new Set(planPromptCache(prompt).checkpoints.map((c) => c.field));
  return {
    modelId: prompt.modelId,
    system: [{ text: prompt.system }, ...(cached.has('system') ? [CACHE_POINT] : [])],
    messages: [{ role: 'user', content: [{ text: prompt.user }] }],
    inferenceConfig: { maxTokens: prompt.maxTokens, temperature: prompt.temperature },
    toolConfig: {
      tools: [
        {
          toolSpec: {
            name: prompt.toolName,
            description: prompt.toolDescription,
            // The SDK's DocumentType is a JSON value; the schema is plain JSON.
            inputSchema: { json: JSON.parse(JSON.stringify(prompt.inputSchema)) },
          },
        },
        ...(cached.has('tools') ? [CACHE_POINT] : []),
      ],
      toolChoice: { tool: { name: prompt.toolName } },
    },
  };
};

export interface ModelAnswer {
  readonly toolInput: unknown;
  /** Input tokens neither read from nor written to the prompt cache. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheWriteInputTokens: number;
  /** What produced the answer: the local stand-in names itself here. */
  readonly servedBy: string | null;
  readonly usageEstimated: boolean;
}

const readServedBy = (
  response: ConverseCommandOutput,
): { servedBy: string | null; estimated: boolean } => {
  const extra = response.additionalModelResponseFields;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    const servedBy =
      'servedBy' in extra && typeof extra.servedBy === 'string' ? extra.servedBy : null;
    const estimated = 'usageEstimated' in extra && extra.usageEstimated === true;
    return { servedBy, estimated };
  }
  return { servedBy: null, estimated: false };
};

/** The forced tool's input, or a named error for truncated or malformed answers. */
export const readAnswer = (response: ConverseCommandOutput, toolName: string): ModelAnswer => {
  if (response.stopReason === 'max_tokens') {
    throw new ModelOutputTruncatedError('Model output hit the max_tokens limit');
  }
  const toolUse = response.output?.message?.content?.find(
    (block) => block.toolUse?.name === toolName,
  )?.toolUse;
  if (!toolUse || toolUse.input === undefined) {
    throw new ModelOutputInvalidError(
      `Model answered without calling ${toolName} (stop reason ${response.stopReason ?? 'none'})`,
    );
  }
  const { servedBy, estimated } = readServedBy(response);
  return {
    toolInput: toolUse.input,
    inputTokens: response.usage?.inputTokens ?? 0,
    outputTokens: response.usage?.outputTokens ?? 0,
    cacheReadInputTokens: response.usage?.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: response.usage?.cacheWriteInputTokens ?? 0,
    servedBy,
    usageEstimated: estimated,
  };
};

const THROTTLED = new Set([
  'ThrottlingException',
  'ModelNotReadyException',
  'TooManyRequestsException',
]);
const UNAVAILABLE = new Set([
  'ServiceUnavailableException',
  'InternalServerException',
  'InternalFailure',
  'ModelStreamErrorException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);
const REJECTED = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'ModelErrorException',
  'UnrecognizedClientException',
]);

const statusOf = (error: Error): number | undefined => {
  if ('$metadata' in error && typeof error.$metadata === 'object' && error.$metadata !== null) {
    const meta = error.$metadata;
    if ('httpStatusCode' in meta && typeof meta.httpStatusCode === 'number')
      return meta.httpStatusCode;
  }
  return undefined;
};

/** Maps an SDK or network error to the named error the ASL matches. */
export const toModelError = (error: unknown): Error => {
  if (!(error instanceof Error)) return new ModelUnavailableError('Unknown model failure');
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const name = code ?? error.name;
  if (THROTTLED.has(name)) return new ModelThrottledError(name);
  // The client's own request timeout counts as a model timeout: retried once, not six times.
  if (name === 'ModelTimeoutException' || error.name === 'TimeoutError')
    return new ModelTimeoutError(name);
  if (UNAVAILABLE.has(name) || UNAVAILABLE.has(error.name)) return new ModelUnavailableError(name);
  if (REJECTED.has(name)) return new ModelRequestRejectedError(name);
  const status = statusOf(error);
  if (status === 429) return new ModelThrottledError(`HTTP ${status}`);
  if (status !== undefined && status >= 500) return new ModelUnavailableError(`HTTP ${status}`);
  if (status !== undefined && status >= 400) return new ModelRequestRejectedError(`HTTP ${status}`);
  return error;
};
