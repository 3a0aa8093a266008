/**
 * The local Converse endpoint's quota through the real BedrockRuntimeClient:
 * requests and tokens per minute per model, the 429 ThrottlingException the
 * SDK classifies as throttling, refill after the (scaled) minute, output
 * tokens burning down the token quota, outages as 503, and the control API.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { isThrottlingError } from '@smithy/service-error-classification';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuotaSettings } from '#local/bedrock/quota.ts';
import { type LocalBedrockServer, startBedrockServer } from '#local/bedrock-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const LIMITED = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const OTHER = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const TOOL = 'record_fields';
const EXTRACTION = { diagnoses: ['hypertension', 'type 2 diabetes mellitus'] };

const servers: LocalBedrockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const start = async (quota: QuotaSettings) => {
  const server = await startBedrockServer({
    servedModelId: 'local.rule-based-extractor-v1',
    extractor: () => EXTRACTION,
    quota,
  });
  servers.push(server);
  const bedrock = new BedrockRuntimeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return { server, bedrock };
};

const input = (modelId: string): ConverseCommandInput => ({
  modelId,
  messages: [{ role: 'user', content: [{ text: 'Synthetic record: Diagnosis: hypertension.' }] }],
  toolConfig: {
    tools: [{ toolSpec: { name: TOOL, inputSchema: { json: { type: 'object' } } } }],
    toolChoice: { tool: { name: TOOL } },
  },
});

const call = async (bedrock: BedrockRuntimeClient, modelId = LIMITED) => {
  try {
    const out = await bedrock.send(new ConverseCommand(input(modelId)));
    return { ok: true as const, out };
  } catch (error) {
    return {
      ok: false as const,
      error: error as Error & { $metadata?: { httpStatusCode?: number } },
    };
  }
};

describe('local Bedrock quota', () => {
  it('throttles past the requests per minute with the wire shape the SDK classifies as throttling', async () => {
    const { server, bedrock } = await start({
      models: { [LIMITED]: { requestsPerMinute: 3, tokensPerMinute: 1_000_000 } },
      minuteMs: 60_000,
    });
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await call(bedrock));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    const refused = results[3];
    if (refused?.ok !== false) throw new Error('expected a refusal');
    expect(refused.error.name).toBe('ThrottlingException');
    expect(refused.error.message).toBe('Too many requests, please wait before trying again.');
    expect(refused.error.$metadata?.httpStatusCode).toBe(429);
    expect(isThrottlingError(refused.error as never)).toBe(true);
    // Another model has its own quota (here: none listed and no fallback, so unlimited).
    expect((await call(bedrock, OTHER)).ok).toBe(true);
    expect(server.quotaUsage()[LIMITED]).toMatchObject({ admitted: 3, throttled: 2 });
    expect(server.stats().byOutcome.throttled).toBe(2);
  });

  it('refills after the scaled minute', async () => {
    const { bedrock } = await start({
      models: { [LIMITED]: { requestsPerMinute: 2, tokensPerMinute: 1_000_000 } },
      minuteMs: 200,
    });
    expect((await call(bedrock)).ok).toBe(true);
    expect((await call(bedrock)).ok).toBe(true);
    expect((await call(bedrock)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await call(bedrock)).ok).toBe(true);
  });

  it('charges input + 5x output and throttles on tokens once the bucket is in debt', async () => {
    const { server, bedrock } = await start({
      models: {
        [LIMITED]: { requestsPerMinute: 100, tokensPerMinute: 10, outputTokenBurnDown: 5 },
      },
    });
    const first = await call(bedrock);
    if (!first.ok) throw first.error;
    const usage = first.out.usage;
    const burned = (usage?.inputTokens ?? 0) + 5 * (usage?.outputTokens ?? 0);
    expect(burned).toBeGreaterThan(10);
    expect(server.quotaUsage()[LIMITED]?.tokensBurned).toBe(burned);
    const second = await call(bedrock);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.name).toBe('ThrottlingException');
      expect(second.error.message).toBe('Too many tokens, please wait before trying again.');
    }
  });

  it('answers ServiceUnavailableException during an injected outage, then recovers', async () => {
    const { server, bedrock } = await start({ outageUntil: Date.now() + 60_000 });
    const down = await call(bedrock);
    expect(down.ok).toBe(false);
    if (!down.ok) {
      expect(down.error.name).toBe('ServiceUnavailableException');
      expect(down.error.$metadata?.httpStatusCode).toBe(503);
    }
    server.setQuota({ outageUntil: 0 });
    expect((await call(bedrock)).ok).toBe(true);
  });

  it('is replaced and read through the control API, and refuses invalid settings', async () => {
    const { server, bedrock } = await start({ enabled: false });
    const post = (body: unknown) =>
      fetch(`${server.endpoint}/_local/quota`, { method: 'POST', body: JSON.stringify(body) });
    expect(
      (await post({ models: { [LIMITED]: { requestsPerMinute: 1, tokensPerMinute: 5e5 } } }))
        .status,
    ).toBe(200);
    expect((await call(bedrock)).ok).toBe(true);
    expect((await call(bedrock)).ok).toBe(false);
    expect((await post({ models: { [LIMITED]: { requestsPerMinute: -1 } } })).status).toBe(400);
    const read = (await (await fetch(`${server.endpoint}/_local/quota`)).json()) as {
      usage: Record<string, { admitted: number; throttled: number }>;
    };
    expect(read.usage[LIMITED]).toMatchObject({ admitted: 1, throttled: 1 });
  });
});
