/**
 * InvokeModel and Bedrock prompt caching: cache checkpoints go after the tool
 * definition and the system prompt only for models that cache and prefixes
 * that reach the model's minimum, and the cache tokens Bedrock reports are
 * passed on as reported.
 */

import { Readable } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { PROMPT_CACHE_SUPPORT } from '#core/extraction/prompt-cache.ts';
import { planPromptCache } from '#core/prompts/cache-plan.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { estimateToolDefinitionTokens } from '#core/prompts/token-estimate.ts';
import type { RenderedPrompt } from '#core/prompts/types.ts';
import { loadEvent } from '#events/index.ts';
import { buildConverseRequest } from '#functions/invoke-model/converse.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { SAMPLE_V2 } from '#test/helpers/sample-extraction.ts';

const SONNET_45 = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU_45 = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const CLAUDE_3_HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA_LITE = 'us.amazon.nova-lite-v1:0';

const rendered = (version: string, modelId?: string): RenderedPrompt => {
  const prompt = renderPrompt(bundledPrompts().get(version), 'Office Note\nBP 120/80');
  return modelId ? { ...prompt, modelId } : prompt;
};

describe('cache checkpoints in the Converse request', () => {
  it('closes the tool definition and the system prompt when both prefixes reach the minimum', () => {
    // Prepare: 2.2.0 on Sonnet 4.5 (minimum 1,024): tools ~1,936, tools + system ~3,236 tokens
    const prompt = rendered('2.2.0', SONNET_45);
    // Act
    const request = buildConverseRequest(prompt);
    // Assess
    expect(request.system).toEqual([{ text: prompt.system }, { cachePoint: { type: 'default' } }]);
    expect(request.toolConfig?.tools).toHaveLength(2);
    expect(request.toolConfig?.tools?.[0]?.toolSpec?.name).toBe(prompt.toolName);
    expect(request.toolConfig?.tools?.[1]).toEqual({ cachePoint: { type: 'default' } });
    // The document is never part of a cached prefix.
    expect(JSON.stringify(request.messages)).not.toContain('cachePoint');
  });

  it('sends no checkpoint when the prefix is below the minimum (2.2.0 on Claude Haiku 4.5)', () => {
    // Prepare
    const prompt = rendered('2.2.0');
    expect(prompt.modelId).toBe(HAIKU_45);
    const plan = planPromptCache(prompt);
    // Assess: the whole stable prefix is under Haiku 4.5's 4,096 tokens
    expect(plan).toMatchObject({ reason: 'below-minimum', minimumTokens: 4_096 });
    expect(plan.stablePrefixTokens).toBeLessThan(4_096);
    expect(JSON.stringify(buildConverseRequest(prompt))).not.toContain('cachePoint');
  });

  it('sends no checkpoint for a model without prompt caching on Bedrock', () => {
    const prompt = rendered('2.2.0', CLAUDE_3_HAIKU);
    expect(planPromptCache(prompt).reason).toBe('model-not-supported');
    expect(JSON.stringify(buildConverseRequest(prompt))).not.toContain('cachePoint');
  });

  it('never closes the tools field on Amazon Nova, which caches system and messages only', () => {
    const prompt = rendered('2.2.0', NOVA_LITE);
    const request = buildConverseRequest(prompt);
    expect(request.system?.at(-1)).toEqual({ cachePoint: { type: 'default' } });
    expect(request.toolConfig?.tools).toHaveLength(1);
  });

  it('places a checkpoint at exactly the minimum and not one token below it', () => {
    // Prepare: a system prompt sized so tools + tool-use prompt + system lands on the minimum
    const minimum =
      PROMPT_CACHE_SUPPORT['anthropic.claude-sonnet-4-5-20250929-v1:0']?.minimumTokens;
    expect(minimum).toBe(1_024);
    const small = { ...rendered('1.0.0', SONNET_45), inputSchema: { type: 'object' } };
    // Sonnet 4.5's published tool-use system prompt for a forced tool is 313 tokens.
    const smallTools =
      estimateToolDefinitionTokens(small.toolName, small.toolDescription, small.inputSchema) + 313;
    const systemFor = (tokens: number) => 'x'.repeat(tokens * 4);
    // Act
    const at = planPromptCache({ ...small, system: systemFor(1_024 - smallTools) });
    const below = planPromptCache({ ...small, system: systemFor(1_023 - smallTools) });
    // Assess
    expect(at.checkpoints).toEqual([{ field: 'system', prefixTokens: 1_024 }]);
    expect(below.checkpoints).toEqual([]);
    expect(below.reason).toBe('below-minimum');
  });
});

const bedrock = mockClient(BedrockRuntimeClient);
const s3 = mockClient(S3Client);

const answer = (usage: ConverseCommandOutput['usage']): ConverseCommandOutput => ({
  $metadata: {},
  output: {
    message: {
      role: 'assistant',
      content: [
        {
          toolUse: {
            toolUseId: 't1',
            name: 'record_medical_record',
            input: JSON.parse(JSON.stringify(SAMPLE_V2)),
          },
        },
      ],
    },
  },
  stopReason: 'tool_use',
  usage,
  metrics: { latencyMs: 900 },
});

describe('invoke-model handler and cache usage', () => {
  let handler: typeof import('#functions/invoke-model/handler.ts')['handler'];
  beforeAll(async () => {
    setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'WARN' });
    ({ handler } = await import('#functions/invoke-model/handler.ts'));
  });
  beforeEach(() => {
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: sdkStreamMixin(Readable.from([Buffer.from('Office Note\nBP 120/80')])),
    }));
    s3.on(PutObjectCommand).resolves({});
  });
  afterEach(() => {
    bedrock.reset();
    s3.reset();
  });

  it('records the cache reads and writes Bedrock reports, not an estimate', async () => {
    // Prepare
    bedrock.on(ConverseCommand).resolves(
      answer({
        inputTokens: 812,
        outputTokens: 300,
        cacheReadInputTokens: 2_950,
        cacheWriteInputTokens: 17,
        totalTokens: 4_079,
      }),
    );
    // Act
    const output = await handler(loadEvent('tasks/invoke-model'), testContext('invoke-model'));
    // Assess
    expect(output).toMatchObject({
      inputTokens: 812,
      outputTokens: 300,
      cacheReadInputTokens: 2_950,
      cacheWriteInputTokens: 17,
    });
  });

  it('records zero cache tokens when the usage has none', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(answer({ inputTokens: 1_234, outputTokens: 321, totalTokens: 1_555 }));
    const output = await handler(loadEvent('tasks/invoke-model'), testContext('invoke-model'));
    expect(output).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
  });
});
