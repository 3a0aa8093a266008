/**
 * The local Converse endpoint driven through the real BedrockRuntimeClient:
 * response shape and usage estimate, each injected fault as the SDK's typed
 * exception, deterministic fault rates, max_tokens, and the control API.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  type BedrockFaults,
  type ConverseExtractionRequest,
  type LocalBedrockServer,
  startBedrockServer,
} from '#local/bedrock-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const MODEL_ID = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const SERVED_BY = 'local.rule-based-extractor-v1';
const SYSTEM_TEXT = 'You extract underwriting fields.';
const USER_TEXT = 'Synthetic record: Diagnosis: hypertension.';
const TOOL = 'record_fields';
const SCHEMA = {
  type: 'object',
  properties: { diagnoses: { type: 'array', items: { type: 'string' } } },
  required: ['diagnoses'],
};
const EXTRACTION = { diagnoses: ['hypertension'] };

const servers: LocalBedrockServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const start = async (
  faults?: BedrockFaults,
): Promise<{
  server: LocalBedrockServer;
  bedrock: BedrockRuntimeClient;
  seen: ConverseExtractionRequest[];
}> => {
  const seen: ConverseExtractionRequest[] = [];
  const server = await startBedrockServer({
    servedModelId: SERVED_BY,
    faults,
    extractor: (request) => {
      seen.push(request);
      return EXTRACTION;
    },
  });
  servers.push(server);
  const bedrock = new BedrockRuntimeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return { server, bedrock, seen };
};

const converseInput = (maxTokens = 1024): ConverseCommandInput => ({
  modelId: MODEL_ID,
  system: [{ text: SYSTEM_TEXT }],
  inferenceConfig: { maxTokens, temperature: 0 },
  messages: [{ role: 'user', content: [{ text: USER_TEXT }] }],
  toolConfig: {
    tools: [
      { toolSpec: { name: TOOL, description: 'Record the fields', inputSchema: { json: SCHEMA } } },
    ],
    toolChoice: { tool: { name: TOOL } },
  },
});

/** Outcome of one call as the caller sees it: the SDK exception name, or the stop reason. */
const outcomeOf = async (bedrock: BedrockRuntimeClient): Promise<string> => {
  try {
    const out = await bedrock.send(new ConverseCommand(converseInput()));
    return out.stopReason ?? 'missing';
  } catch (error) {
    return error instanceof Error ? error.name : 'non-error';
  }
};

const failureOf = async (
  bedrock: BedrockRuntimeClient,
): Promise<{ name: string; status: number | undefined }> => {
  try {
    await bedrock.send(new ConverseCommand(converseInput()));
  } catch (error) {
    const status = z
      .object({ $metadata: z.object({ httpStatusCode: z.number().optional() }) })
      .safeParse(error);
    return {
      name: error instanceof Error ? error.name : 'non-error',
      status: status.success ? status.data.$metadata.httpStatusCode : undefined,
    };
  }
  return { name: 'resolved', status: 200 };
};

const tally = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

const statsSchema = z.object({
  calls: z.number(),
  byOutcome: z.record(z.string(), z.number()),
  byModelId: z.record(z.string(), z.number()),
});

const toolUseOf = (out: ConverseCommandOutput) => out.output?.message?.content?.[0]?.toolUse;

describe('local Bedrock Converse endpoint', () => {
  it('answers a forced tool call in the Converse shape with estimated usage', async () => {
    // Prepare
    const { bedrock, seen } = await start();

    // Act
    const out = await bedrock.send(new ConverseCommand(converseInput(512)));

    // Assess
    const toolUse = toolUseOf(out);
    // System, user and the tool definition at ceil(characters / 4), plus the 261-token
    // tool-use system prompt Anthropic publishes for Claude 3.5 Sonnet with a forced tool.
    const toolJson = JSON.stringify({
      name: TOOL,
      description: 'Record the fields',
      input_schema: SCHEMA,
    });
    const inputTokens =
      Math.ceil(SYSTEM_TEXT.length / 4) +
      Math.ceil(USER_TEXT.length / 4) +
      Math.ceil(toolJson.length / 4) +
      261;
    const outputTokens = Math.ceil(JSON.stringify(EXTRACTION).length / 4);
    expect(out.stopReason).toBe('tool_use');
    expect(out.output?.message?.role).toBe('assistant');
    expect(toolUse?.name).toBe(TOOL);
    expect(toolUse?.input).toEqual(EXTRACTION);
    expect(toolUse?.toolUseId).toMatch(/^tooluse_/);
    expect(out.usage).toEqual({
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
    });
    expect(out.metrics?.latencyMs).toBeTypeOf('number');
    expect(out.additionalModelResponseFields).toEqual({
      servedBy: SERVED_BY,
      engine: 'rule-based extractor (not a language model)',
      usageEstimated: true,
    });
    expect(seen).toEqual([
      {
        modelId: MODEL_ID,
        system: SYSTEM_TEXT,
        userText: USER_TEXT,
        toolName: TOOL,
        inputSchema: SCHEMA,
        maxTokens: 512,
      },
    ]);
  });

  it.each([
    [{ throttleRate: 1 }, 'ThrottlingException', 429],
    [{ timeoutRate: 1 }, 'ModelTimeoutException', 408],
  ])('maps fault %j to the SDK exception %s', async (faults, name, status) => {
    // Prepare
    const { bedrock, seen } = await start(faults);

    // Act
    const failure = await failureOf(bedrock);

    // Assess
    expect(failure).toEqual({ name, status });
    expect(seen).toHaveLength(0);
  });

  it('splits server errors between ServiceUnavailableException (503) and InternalServerException (500)', async () => {
    // Prepare
    const { bedrock } = await start({ serverErrorRate: 1, seed: 7 });

    // Act
    const failures: { name: string; status: number | undefined }[] = [];
    for (let call = 0; call < 40; call++) failures.push(await failureOf(bedrock));

    // Assess
    const byName = tally(failures.map((f) => `${f.name}:${f.status}`));
    expect(Object.keys(byName).sort()).toEqual([
      'InternalServerException:500',
      'ServiceUnavailableException:503',
    ]);
    expect(
      (byName['InternalServerException:500'] ?? 0) +
        (byName['ServiceUnavailableException:503'] ?? 0),
    ).toBe(40);
  });

  it('returns malformed answers as text or a string tool input with stopReason end_turn', async () => {
    // Prepare
    const { bedrock } = await start({ malformedRate: 1, seed: 3 });

    // Act
    const outputs: ConverseCommandOutput[] = [];
    for (let call = 0; call < 20; call++)
      outputs.push(await bedrock.send(new ConverseCommand(converseInput())));

    // Assess
    const kinds = outputs.map((out) => {
      const block = out.output?.message?.content?.[0];
      if (block?.text !== undefined) return 'text';
      return typeof block?.toolUse?.input === 'string' ? 'string-input' : 'other';
    });
    expect(outputs.every((out) => out.stopReason === 'end_turn')).toBe(true);
    expect(Object.keys(tally(kinds)).sort()).toEqual(['string-input', 'text']);
  });

  it('stops with max_tokens when the output estimate exceeds maxTokens', async () => {
    // Prepare
    const { server, bedrock } = await start();

    // Act
    const out = await bedrock.send(new ConverseCommand(converseInput(2)));

    // Assess
    expect(out.stopReason).toBe('max_tokens');
    expect(out.usage?.outputTokens).toBe(2);
    expect(toolUseOf(out)?.input).toEqual({});
    expect(server.stats().byOutcome.max_tokens).toBe(1);
  });

  it('honours fault rates deterministically over 1,000 calls and counts them', async () => {
    // Prepare
    const { server, bedrock } = await start({ throttleRate: 0.3, seed: 42 });

    // Act
    const first: string[] = [];
    for (let call = 0; call < 1000; call++) first.push(await outcomeOf(bedrock));
    const stats = server.stats();
    server.setFaults({ throttleRate: 0.3, seed: 42 });
    const replay: string[] = [];
    for (let call = 0; call < 100; call++) replay.push(await outcomeOf(bedrock));

    // Assess
    const counts = tally(first);
    const throttled = counts.ThrottlingException ?? 0;
    expect(throttled).toBeGreaterThanOrEqual(260);
    expect(throttled).toBeLessThanOrEqual(340);
    expect(counts.tool_use).toBe(1000 - throttled);
    expect(stats.calls).toBe(1000);
    expect(stats.byOutcome.throttled).toBe(throttled);
    expect(stats.byOutcome.success).toBe(1000 - throttled);
    expect(stats.byModelId).toEqual({ [MODEL_ID]: 1000 });
    expect(replay).toEqual(first.slice(0, 100));
  });

  it('serves stats and fault settings over the control API', async () => {
    // Prepare
    const { server, bedrock } = await start();
    await outcomeOf(bedrock);

    // Act
    const changed = await fetch(`${server.endpoint}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttleRate: 1 }),
    });
    const afterChange = await outcomeOf(bedrock);
    const invalid = await fetch(`${server.endpoint}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttleRate: 0.8, timeoutRate: 0.8 }),
    });
    const stats = statsSchema.parse(await (await fetch(`${server.endpoint}/_local/stats`)).json());
    const reset = statsSchema.parse(
      await (await fetch(`${server.endpoint}/_local/stats`, { method: 'DELETE' })).json(),
    );

    // Assess
    expect(changed.status).toBe(200);
    expect(afterChange).toBe('ThrottlingException');
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(stats.calls).toBe(2);
    expect(stats.byOutcome).toMatchObject({ success: 1, throttled: 1 });
    expect(stats.byModelId).toEqual({ [MODEL_ID]: 2 });
    expect(reset.calls).toBe(0);
    expect(server.stats().calls).toBe(0);
  });

  it('stops promptly while a call waits on injected latency', async () => {
    // Prepare
    const { server, bedrock } = await start({ latencyMs: 600_000 });
    const pending = outcomeOf(bedrock);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    await server.stop();

    // Assess
    expect(await pending).not.toBe('tool_use');
    expect(server.stats().calls).toBe(0);
  });

  it('rejects unknown routes and requests without a tool', async () => {
    // Prepare
    const { server, bedrock } = await start();
    const { toolConfig: _dropped, ...withoutTool } = converseInput();

    // Act
    const unknown = await fetch(`${server.endpoint}/model/${encodeURIComponent(MODEL_ID)}/invoke`, {
      method: 'POST',
      body: '{}',
    });
    const noTool = await bedrock.send(new ConverseCommand(withoutTool)).then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.name : 'non-error'),
    );

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(noTool).toBe('ValidationException');
    expect(server.stats().byOutcome.invalid_request).toBe(1);
  });
});
