/**
 * Local Bedrock runtime endpoint: answers `POST /model/<modelId>/converse` in
 * the Converse wire shape, backed by a deterministic rule-based extractor that
 * is labelled in every response as not a language model. It injects latency,
 * throttling, 5xx, model timeouts, malformed output and max_tokens truncation
 * from a seeded PRNG so fault tests are repeatable. Image blocks (scanned
 * pages) are read by an injected image reader (OCR) and their text takes the
 * image's place in the message; answers then say that OCR was used, and a
 * page out of OCR time makes the call a model timeout (image-blocks.ts).
 * Usage counts the prompt as Bedrock bills a forced tool call (tool
 * definitions and the published tool-use system prompt included), and
 * `cachePoint` blocks are accounted by `local/bedrock/prompt-cache.ts`.
 *
 * Plain HTTP/1.1: the Bedrock runtime client defaults to HTTP/2, so clients
 * must pass `requestHandler: new NodeHttpHandler()` from `@smithy/node-http-handler`.
 *
 * Control API on the same port: `GET /_local/stats`, `DELETE /_local/stats`,
 * `GET /_local/faults`, `POST /_local/faults` (JSON body replaces the settings),
 * `GET /_local/quota` (settings and per-model usage), `POST /_local/quota`.
 * With a quota (local/bedrock/quota.ts) a call beyond a model's requests or
 * tokens per minute answers 429 ThrottlingException as Bedrock does.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import * as z from 'zod';
import { claudeImageTokens } from '#core/extraction/vision-limits.ts';
import {
  type BedrockFaults,
  type BedrockServerOptions,
  type BedrockStats,
  CONVERSE_PATH,
  type ConverseExtractionRequest,
  type ConverseOutcome,
  converseRequestSchema,
  createPrng,
  DEFAULT_MAX_TOKENS,
  decodeModelId,
  ENGINE_LABEL,
  emptyOutcomes,
  estimateTokens,
  type Faults,
  faultsSchema,
  isGone,
  type LocalBedrockServer,
  type LocalExtractor,
  MAX_REQUEST_BYTES,
} from '#local/bedrock/converse-wire.ts';
import { isFault, sendFault } from '#local/bedrock/fault-replies.ts';
import {
  type DecodedImage,
  decodeImages,
  type ImageReader,
  type ImageReading,
  type OcrSummary,
  ocrTimeoutError,
  pageTimedOut,
  summarise,
  userTextOf,
} from '#local/bedrock/image-blocks.ts';
import {
  type BilledInput,
  billedInput,
  type InspectedPrompt,
  LocalPromptCache,
} from '#local/bedrock/prompt-cache.ts';
import { LocalQuota, type QuotaSettings } from '#local/bedrock/quota.ts';
import {
  AwsProtocolError,
  closeServer,
  listenOnLoopback,
  parseJsonBody,
  readBody,
  sendJson,
  sendRestJsonError,
} from './aws-json-protocol.ts';
import { listenerServe, serveInProcess } from './in-process-http.ts';

export type {
  BedrockFaults,
  BedrockServerOptions,
  BedrockStats,
  ConverseExtractionRequest,
  ConverseOutcome,
  LocalBedrockServer,
  LocalExtractor,
} from '#local/bedrock/converse-wire.ts';
export type { ImageReader, ImageReading } from '#local/bedrock/image-blocks.ts';

type Draw =
  | 'pass'
  | 'throttled'
  | 'service_unavailable'
  | 'internal_error'
  | 'model_timeout'
  | 'malformed_text'
  | 'malformed_input';

class BedrockEmulator {
  private faults: Faults;
  private random: () => number;
  private calls = 0;
  private byOutcome = emptyOutcomes();
  private byModelId = new Map<string, number>();
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private toolUseCounter = 0;

  constructor(
    private readonly extractor: LocalExtractor,
    private readonly servedModelId: string,
    faults: BedrockFaults,
    private readonly imageReader?: ImageReader,
    private readonly imageReaderLabel = 'image reader',
    readonly quota = new LocalQuota({ enabled: false }),
    private readonly cache = new LocalPromptCache(),
  ) {
    this.faults = faultsSchema.parse(faults);
    this.random = createPrng(this.faults.seed);
  }

  setFaults(faults: unknown): Faults {
    this.faults = faultsSchema.parse(faults);
    this.random = createPrng(this.faults.seed);
    return this.faults;
  }

  stats(): BedrockStats {
    return {
      calls: this.calls,
      byOutcome: { ...this.byOutcome },
      byModelId: Object.fromEntries(this.byModelId),
    };
  }

  resetStats(): void {
    this.calls = 0;
    this.byOutcome = emptyOutcomes();
    this.byModelId = new Map();
    this.quota.resetStats();
  }

  /** Ends every pending latency wait so a stopped server leaves no timers behind. */
  cancelWaits(): void {
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
    this.waits.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/_local/')) {
        await this.control(req, res, path);
        return;
      }
      const match = CONVERSE_PATH.exec(path);
      const encodedModelId = match?.[1];
      if (req.method !== 'POST' || encodedModelId === undefined) {
        throw new AwsProtocolError(404, 'UnknownOperationException', 'unknown operation');
      }
      await this.converse(req, res, decodeModelId(encodedModelId));
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof AwsProtocolError) sendRestJsonError(res, error);
      else
        sendRestJsonError(
          res,
          new AwsProtocolError(500, 'InternalServerException', 'internal error'),
        );
    }
  }

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/_local/stats' && req.method === 'GET') {
      sendJson(res, 200, this.stats());
    } else if (path === '/_local/stats' && req.method === 'DELETE') {
      this.resetStats();
      sendJson(res, 200, this.stats());
    } else if (path === '/_local/faults' && req.method === 'GET') {
      sendJson(res, 200, this.faults);
    } else if (path === '/_local/faults' && req.method === 'POST') {
      const parsed = faultsSchema.safeParse(parseJsonBody(await readBody(req, 64 * 1024)));
      if (!parsed.success) {
        throw new AwsProtocolError(400, 'ValidationException', z.prettifyError(parsed.error));
      }
      sendJson(res, 200, this.setFaults(parsed.data));
    } else if (path === '/_local/quota' && req.method === 'GET') {
      sendJson(res, 200, { settings: this.quota.current, usage: this.quota.stats() });
    } else if (path === '/_local/quota' && req.method === 'POST') {
      try {
        this.quota.configure(parseJsonBody(await readBody(req, 64 * 1024)));
      } catch (error) {
        if (error instanceof AwsProtocolError) throw error;
        throw new AwsProtocolError(400, 'ValidationException', 'invalid quota settings');
      }
      sendJson(res, 200, { settings: this.quota.current, usage: this.quota.stats() });
    } else {
      throw new AwsProtocolError(404, 'UnknownOperationException', 'unknown control operation');
    }
  }

  private count(modelId: string, outcome: ConverseOutcome): void {
    this.calls += 1;
    this.byOutcome[outcome] += 1;
    this.byModelId.set(modelId, (this.byModelId.get(modelId) ?? 0) + 1);
  }

  /** Two draws per call, always, so one call's outcome never shifts the next call's. */
  private draw(): Draw {
    const pick = this.random();
    const variant = this.random();
    const { throttleRate, serverErrorRate, timeoutRate, malformedRate } = this.faults;
    let bound = throttleRate;
    if (pick < bound) return 'throttled';
    bound += serverErrorRate;
    if (pick < bound) return variant < 0.5 ? 'service_unavailable' : 'internal_error';
    bound += timeoutRate;
    if (pick < bound) return 'model_timeout';
    bound += malformedRate;
    if (pick < bound) return variant < 0.5 ? 'malformed_text' : 'malformed_input';
    return 'pass';
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wait = {
        timer: setTimeout(() => {
          this.waits.delete(wait);
          resolve();
        }, ms),
        resolve,
      };
      this.waits.add(wait);
    });
  }

  private async converse(
    req: IncomingMessage,
    res: ServerResponse,
    modelId: string,
  ): Promise<void> {
    const startedAt = Date.now();
    let body: unknown;
    try {
      body = parseJsonBody(await readBody(req, MAX_REQUEST_BYTES));
    } catch (error) {
      this.count(modelId, 'invalid_request');
      throw error;
    }
    const parsed = converseRequestSchema.safeParse(body);
    if (!parsed.success) {
      this.count(modelId, 'invalid_request');
      throw new AwsProtocolError(
        400,
        'ValidationException',
        `The local model answers only Converse requests with text messages and a toolConfig: ${z.prettifyError(parsed.error)}`,
      );
    }
    const request = parsed.data;
    const tools = request.toolConfig.tools.flatMap((tool) =>
      tool.toolSpec ? [tool.toolSpec] : [],
    );
    const forced = request.toolConfig.toolChoice?.tool?.name;
    const tool = forced === undefined ? tools[0] : tools.find((t) => t.name === forced);
    if (tool === undefined) {
      this.count(modelId, 'invalid_request');
      throw new AwsProtocolError(
        400,
        'ValidationException',
        'toolChoice names a tool that is not in tools',
      );
    }

    let images: DecodedImage[];
    let prompt: InspectedPrompt;
    try {
      images = decodeImages(request.messages);
      prompt = this.cache.inspect(modelId, request);
    } catch (error) {
      this.count(modelId, 'invalid_request');
      throw error;
    }
    if (images.length > 0 && this.imageReader === undefined) {
      this.count(modelId, 'invalid_request');
      throw new AwsProtocolError(
        400,
        'ValidationException',
        'This local model was started without an image reader and cannot read image blocks',
      );
    }

    const draw = this.draw();
    const admission = this.quota.check(modelId);
    if (admission.kind !== 'admitted') {
      this.refuse(res, modelId, admission.kind === 'outage' ? 'outage' : admission.dimension);
      return;
    }
    await this.delay(this.faults.latencyMs);
    if (isGone(res)) return;

    if (isFault(draw)) {
      this.count(modelId, draw);
      sendFault(res, draw);
      return;
    }

    const system = (request.system ?? []).flatMap((block) =>
      block.text === undefined ? [] : [block.text],
    );
    const maxTokens = request.inferenceConfig?.maxTokens ?? DEFAULT_MAX_TOKENS;
    const extractionRequest: ConverseExtractionRequest = {
      modelId,
      system: system.join('\n'),
      userText: userTextOf(request.messages, new Map()),
      toolName: tool.name,
      inputSchema: tool.inputSchema.json,
      maxTokens,
    };
    const imageTokens = images.reduce((sum, image) => sum + claudeImageTokens(image), 0);
    // The whole prompt as Bedrock bills it (tools and tool-use system prompt, system, user,
    // images); the answer's `usage.inputTokens` leaves out what the prompt cache read or wrote.
    const inputTokens =
      prompt.toolTokens +
      estimateTokens(extractionRequest.system) +
      estimateTokens(extractionRequest.userText) +
      imageTokens;
    const billed = billedInput(inputTokens, this.cache.commit(prompt));

    if (draw === 'malformed_text') {
      const text = 'I was unable to complete the requested form from this document.';
      this.count(modelId, 'malformed');
      this.quota.charge(modelId, inputTokens, estimateTokens(text));
      this.reply(res, startedAt, [{ text }], 'end_turn', billed, estimateTokens(text));
      return;
    }

    let extraction: unknown;
    let ocr: OcrSummary | null = null;
    try {
      let read = extractionRequest;
      if (images.length > 0 && this.imageReader) {
        const readings = new Map<DecodedImage['block'], ImageReading>();
        for (const image of images) readings.set(image.block, await this.imageReader(image.bytes));
        if (pageTimedOut(readings.values())) throw ocrTimeoutError();
        read = { ...read, userText: userTextOf(request.messages, readings) };
        ocr = summarise([...readings.values()], this.imageReaderLabel);
      }
      extraction = await this.extractor(read);
    } catch (error) {
      this.count(modelId, error instanceof AwsProtocolError ? 'model_timeout' : 'extractor_error');
      if (error instanceof AwsProtocolError) throw error;
      throw new AwsProtocolError(500, 'InternalServerException', 'the local extractor failed');
    }
    if (isGone(res)) return;
    const outputJson = JSON.stringify(extraction ?? null);
    const outputTokens = estimateTokens(outputJson);
    const toolUseId = `tooluse_local_${++this.toolUseCounter}`;

    if (draw === 'malformed_input') {
      // A tool call whose input is the JSON as a string: violates any object schema.
      this.count(modelId, 'malformed');
      const content = [{ toolUse: { toolUseId, name: tool.name, input: outputJson } }];
      this.quota.charge(modelId, inputTokens, outputTokens);
      this.reply(res, startedAt, content, 'end_turn', billed, outputTokens, ocr);
      return;
    }
    if (outputTokens > maxTokens) {
      // Cut off mid tool call: no usable input survives, as with a real truncated tool call.
      this.count(modelId, 'max_tokens');
      const content = [{ toolUse: { toolUseId, name: tool.name, input: {} } }];
      this.quota.charge(modelId, inputTokens, maxTokens);
      this.reply(res, startedAt, content, 'max_tokens', billed, maxTokens, ocr);
      return;
    }
    this.count(modelId, 'success');
    const content = [{ toolUse: { toolUseId, name: tool.name, input: extraction ?? null } }];
    this.quota.charge(modelId, inputTokens, outputTokens);
    this.reply(res, startedAt, content, 'tool_use', billed, outputTokens, ocr);
  }

  /** Quota refusals answer at once, as Bedrock does, without the injected latency. */
  private refuse(
    res: ServerResponse,
    modelId: string,
    why: 'requests' | 'tokens' | 'outage',
  ): void {
    const fault = why === 'outage' ? 'service_unavailable' : 'throttled';
    this.count(modelId, fault);
    sendFault(
      res,
      fault,
      why === 'tokens' ? 'Too many tokens, please wait before trying again.' : undefined,
    );
  }

  private reply(
    res: ServerResponse,
    startedAt: number,
    content: readonly object[],
    stopReason: 'tool_use' | 'end_turn' | 'max_tokens',
    input: BilledInput,
    outputTokens: number,
    ocr: OcrSummary | null = null,
  ): void {
    sendJson(res, 200, {
      output: { message: { role: 'assistant', content } },
      stopReason,
      usage: { ...input.usage, outputTokens, totalTokens: input.totalInputTokens + outputTokens },
      metrics: { latencyMs: Date.now() - startedAt },
      additionalModelResponseFields: {
        // Result rows keep servedBy: they say OCR read the document, not only the rules.
        servedBy: ocr ? `${this.servedModelId}+ocr` : this.servedModelId,
        engine: ocr ? `${ENGINE_LABEL}, over OCR text (${ocr.engine})` : ENGINE_LABEL,
        usageEstimated: true,
        ...(ocr ? { ocr } : {}),
      },
    });
  }
}

/**
 * Starts the local Converse endpoint on 127.0.0.1. Throws (before binding)
 * when the fault settings are invalid.
 */
export const startBedrockServer = async (
  options: BedrockServerOptions,
): Promise<LocalBedrockServer> => {
  const emulator = new BedrockEmulator(
    options.extractor,
    options.servedModelId,
    options.faults ?? {},
    options.imageReader,
    options.imageReaderLabel,
    new LocalQuota(options.quota ?? { enabled: false }),
    new LocalPromptCache(options.now),
  );
  const listener: RequestListener = (req, res) => {
    void emulator.handle(req, res);
  };
  const server = createServer(listener);
  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  // This process's SDK clients reach it without a socket; other processes over TCP.
  const unserve = serveInProcess(endpoint, listenerServe(listener));
  return {
    endpoint,
    stats: () => emulator.stats(),
    setFaults: (faults) => {
      emulator.setFaults(faults);
    },
    resetStats: () => emulator.resetStats(),
    setQuota: (settings: QuotaSettings) => {
      emulator.quota.configure(settings);
    },
    quotaUsage: () => emulator.quota.stats(),
    stop: async () => {
      unserve();
      emulator.cancelWaits();
      await closeServer(server);
    },
  };
};
