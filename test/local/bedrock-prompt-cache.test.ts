/**
 * The local Bedrock stand-in's prompt cache through the real
 * BedrockRuntimeClient: a prefix that reaches the model's minimum is written
 * once and read within the TTL (restarted by each hit), a prefix below the
 * minimum saves nothing, checkpoints Bedrock refuses are refused, and
 * InvokeModel's request is accounted at exactly the prefix it planned.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { planPromptCache } from '#core/prompts/cache-plan.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { buildConverseRequest } from '#functions/invoke-model/converse.ts';
import { type LocalBedrockServer, startBedrockServer } from '#local/bedrock-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SONNET_45 = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TOOL = 'record_fields';
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };
const MINUTE = 60_000;
const CACHE_POINT = { cachePoint: { type: 'default' as const } };

const servers: LocalBedrockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A stand-in whose cache clock the test moves. */
const start = async () => {
  const clock = { now: 1_000_000 };
  const server = await startBedrockServer({
    servedModelId: 'local.rule-based-extractor-v1',
    extractor: () => ({ a: 'x' }),
    now: () => clock.now,
  });
  servers.push(server);
  const bedrock = new BedrockRuntimeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return { clock, bedrock };
};

/** A request whose system prompt is `systemTokens` tokens (4 characters each), closed by a checkpoint. */
const request = (
  systemTokens: number,
  options: { modelId?: string; user?: string; systemChar?: string; toolCache?: boolean } = {},
): ConverseCommandInput => ({
  modelId: options.modelId ?? SONNET_45,
  system: [{ text: (options.systemChar ?? 's').repeat(systemTokens * 4) }, CACHE_POINT],
  messages: [{ role: 'user', content: [{ text: options.user ?? 'document one' }] }],
  toolConfig: {
    tools: [
      { toolSpec: { name: TOOL, description: 'd', inputSchema: { json: SCHEMA } } },
      ...(options.toolCache ? [CACHE_POINT] : []),
    ],
    toolChoice: { tool: { name: TOOL } },
  },
});

// The tool section: ceil(JSON / 4) of the definition plus Sonnet 4.5's forced tool-use prompt (313).
const TOOL_TOKENS =
  Math.ceil(JSON.stringify({ name: TOOL, description: 'd', input_schema: SCHEMA }).length / 4) +
  313;
const USER_TOKENS = Math.ceil('document one'.length / 4);

describe('local prompt cache', () => {
  it('writes a qualifying prefix once and reads it on the next request', async () => {
    // Prepare: tools + system = TOOL_TOKENS + 1,000, above Sonnet 4.5's 1,024
    const { bedrock } = await start();
    const prefix = TOOL_TOKENS + 1_000;
    // Act
    const first = await bedrock.send(new ConverseCommand(request(1_000)));
    const second = await bedrock.send(new ConverseCommand(request(1_000, { user: 'document 2!' })));
    // Assess
    expect(first.usage).toMatchObject({
      inputTokens: USER_TOKENS,
      cacheWriteInputTokens: prefix,
      cacheReadInputTokens: 0,
    });
    expect(second.usage).toMatchObject({
      inputTokens: USER_TOKENS,
      cacheReadInputTokens: prefix,
      cacheWriteInputTokens: 0,
    });
    expect(second.usage?.totalTokens).toBe(
      USER_TOKENS + prefix + (second.usage?.outputTokens ?? 0),
    );
  });

  it('expires a prefix 5 minutes after its last hit, each hit restarting the clock', async () => {
    const { clock, bedrock } = await start();
    const send = async () => (await bedrock.send(new ConverseCommand(request(1_000)))).usage;
    expect((await send())?.cacheWriteInputTokens).toBeGreaterThan(0);
    clock.now += 4 * MINUTE;
    expect((await send())?.cacheReadInputTokens).toBeGreaterThan(0);
    clock.now += 4 * MINUTE; // 8 minutes after the write, 4 after the hit
    expect((await send())?.cacheReadInputTokens).toBeGreaterThan(0);
    clock.now += 5 * MINUTE; // exactly the TTL after the last hit: gone
    const expired = await send();
    expect(expired?.cacheReadInputTokens).toBe(0);
    expect(expired?.cacheWriteInputTokens).toBe(TOOL_TOKENS + 1_000);
  });

  it('reports no saving for a prefix below the minimum, however often it repeats', async () => {
    // Prepare: TOOL_TOKENS + 600 is below 1,024
    const { bedrock } = await start();
    expect(TOOL_TOKENS + 600).toBeLessThan(1_024);
    // Act
    const usages = [];
    for (let i = 0; i < 3; i++) {
      usages.push((await bedrock.send(new ConverseCommand(request(600)))).usage);
    }
    // Assess
    for (const usage of usages) {
      expect(usage).toMatchObject({
        inputTokens: TOOL_TOKENS + 600 + USER_TOKENS,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 0,
      });
    }
  });

  it('misses on a different prefix and reads the shared tools prefix when only the system differs', async () => {
    // Prepare: a tools checkpoint too, so the tools prefix is its own entry (Opus-size minimum not needed)
    const { bedrock } = await start();
    const bigSchema = {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 120 }, (_, i) => [`field${i}`, { type: 'string' }]),
      ),
    };
    const withSchema = (input: ConverseCommandInput): ConverseCommandInput => ({
      ...input,
      toolConfig: {
        ...input.toolConfig,
        tools: [
          { toolSpec: { name: TOOL, description: 'd', inputSchema: { json: bigSchema } } },
          CACHE_POINT,
        ],
      },
    });
    const tools =
      Math.ceil(
        JSON.stringify({ name: TOOL, description: 'd', input_schema: bigSchema }).length / 4,
      ) + 313;
    expect(tools).toBeGreaterThanOrEqual(1_024);
    // Act
    const a = await bedrock.send(new ConverseCommand(withSchema(request(500))));
    const b = await bedrock.send(
      new ConverseCommand(withSchema(request(500, { systemChar: 't' }))),
    );
    // Assess
    expect(a.usage).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: tools + 500 });
    expect(b.usage).toMatchObject({ cacheReadInputTokens: tools, cacheWriteInputTokens: 500 });
  });

  it('refuses checkpoints Bedrock refuses: an uncached model, tools on Nova', async () => {
    const { bedrock } = await start();
    const claude3Haiku = request(1_500, { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' });
    await expect(bedrock.send(new ConverseCommand(claude3Haiku))).rejects.toBeInstanceOf(
      ValidationException,
    );
    const novaTools = request(1_500, { modelId: 'us.amazon.nova-lite-v1:0', toolCache: true });
    await expect(bedrock.send(new ConverseCommand(novaTools))).rejects.toBeInstanceOf(
      ValidationException,
    );
    // Nova's system checkpoint is fine (no published tool-use prompt: the tools count their JSON only).
    const nova = await bedrock.send(
      new ConverseCommand(request(1_500, { modelId: 'us.amazon.nova-lite-v1:0' })),
    );
    expect(nova.usage?.cacheWriteInputTokens).toBe(TOOL_TOKENS - 313 + 1_500);
  });

  it("accounts InvokeModel's request at exactly the prefix it planned (1.1.0 on Claude 3.5 Haiku)", async () => {
    // Prepare
    const { bedrock } = await start();
    const version = bundledPrompts().get('1.1.0');
    const prompt = (text: string) => renderPrompt(version, text);
    const plan = planPromptCache(prompt('a'));
    expect(plan.reason).toBe('cached');
    // Act
    const first = await bedrock.send(
      new ConverseCommand(buildConverseRequest(prompt('Synthetic note one'))),
    );
    const second = await bedrock.send(
      new ConverseCommand(buildConverseRequest(prompt('Synthetic note two, longer'))),
    );
    // Assess
    expect(first.usage?.cacheWriteInputTokens).toBe(plan.cachedPrefixTokens);
    expect(second.usage?.cacheReadInputTokens).toBe(plan.cachedPrefixTokens);
    expect(second.usage?.cacheWriteInputTokens).toBe(0);
  });

  it('sends no cache fields for a request without checkpoints (2.2.0 on Haiku 4.5)', async () => {
    const { bedrock } = await start();
    const prompt = renderPrompt(bundledPrompts().get('2.2.0'), 'Synthetic note');
    const out = await bedrock.send(new ConverseCommand(buildConverseRequest(prompt)));
    expect(out.usage).not.toHaveProperty('cacheReadInputTokens');
    expect(out.usage).not.toHaveProperty('cacheWriteInputTokens');
  });
});
