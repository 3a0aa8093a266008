/**
 * The Converse wire of the local Bedrock stand-in: the request and fault
 * schemas, the public option and result types, the fault PRNG and the token
 * estimate the server uses. No I/O: the server in `local/bedrock-server.ts`
 * reads requests and writes answers.
 */
import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import { BEDROCK_IMAGE_LIMITS } from '#core/extraction/vision-limits.ts';
import { AwsProtocolError } from '../aws-json-protocol.ts';
import type { ImageReader } from './image-blocks.ts';
import { cachePointSchema } from './prompt-cache.ts';
import type { ModelUsage, QuotaSettings } from './quota.ts';

/** What the extractor sees of one Converse request. */
export interface ConverseExtractionRequest {
  /** Model id from the URL, decoded (e.g. `anthropic.claude-3-5-sonnet-20240620-v1:0`). */
  readonly modelId: string;
  /** System prompt blocks joined with a newline. */
  readonly system: string;
  /** Text blocks of the user messages joined with a newline. */
  readonly userText: string;
  /** Name of the forced tool (or the first tool when none is forced). */
  readonly toolName: string;
  /** The tool's `inputSchema.json` (the prompt version's output JSON Schema). */
  readonly inputSchema: unknown;
  /** `inferenceConfig.maxTokens`, default 4096. */
  readonly maxTokens: number;
}

/** Produces the tool input (the extraction) for a request. */
export type LocalExtractor = (request: ConverseExtractionRequest) => Promise<unknown> | unknown;

/**
 * Fault settings. Rates are probabilities per Converse call and must add up
 * to at most 1; the same seed gives the same outcome sequence.
 */
export interface BedrockFaults {
  /** Delay before every Converse answer, faults included. */
  readonly latencyMs?: number;
  readonly throttleRate?: number;
  /** Half 503 ServiceUnavailableException, half 500 InternalServerException. */
  readonly serverErrorRate?: number;
  /** Half a text block instead of a tool call, half a tool call whose input is a JSON string. */
  readonly malformedRate?: number;
  readonly timeoutRate?: number;
  readonly seed?: number;
}

/** Outcome of one Converse call, as counted by {@link LocalBedrockServer.stats}. */
export type ConverseOutcome =
  | 'success'
  | 'throttled'
  | 'service_unavailable'
  | 'internal_error'
  | 'model_timeout'
  | 'malformed'
  | 'max_tokens'
  | 'invalid_request'
  | 'extractor_error';

/** Counters since start or the last reset. */
export interface BedrockStats {
  readonly calls: number;
  readonly byOutcome: Readonly<Record<ConverseOutcome, number>>;
  readonly byModelId: Readonly<Record<string, number>>;
}

/** Options of {@link startBedrockServer}. */
export interface BedrockServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  readonly extractor: LocalExtractor;
  /** Reported as `additionalModelResponseFields.servedBy`. */
  readonly servedModelId: string;
  readonly faults?: BedrockFaults;
  /** Reads image blocks; without one, a request with images is refused. */
  readonly imageReader?: ImageReader;
  /** Names the image reader in answers, e.g. the OCR engine and model. */
  readonly imageReaderLabel?: string;
  /** Per-model request and token quotas; absent means unlimited capacity. */
  readonly quota?: QuotaSettings;
  /** Clock of the prompt cache's TTL (milliseconds); default `Date.now`. */
  readonly now?: () => number;
}

/** A running local Bedrock runtime endpoint. */
export interface LocalBedrockServer {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  readonly endpoint: string;
  stats(): BedrockStats;
  /** Replaces the fault settings and restarts the PRNG from their seed; throws on invalid settings. */
  setFaults(faults: BedrockFaults): void;
  resetStats(): void;
  /** Replaces the quota settings (refilling every bucket); throws on invalid settings. */
  setQuota(settings: QuotaSettings): void;
  /** Admitted and throttled calls and tokens burned, per model, since start or the last reset. */
  quotaUsage(): Record<string, ModelUsage>;
  /** Closes the port, dropping calls still waiting on injected latency. */
  stop(): Promise<void>;
}

export const DEFAULT_MAX_TOKENS = 4096;
export const DEFAULT_SEED = 1;
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const THROTTLING_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';
export const ENGINE_LABEL = 'rule-based extractor (not a language model)';
export const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;

const rate = z.number().min(0).max(1).default(0);
export const faultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000).default(0),
    throttleRate: rate,
    serverErrorRate: rate,
    malformedRate: rate,
    timeoutRate: rate,
    seed: z.number().int().default(DEFAULT_SEED),
  })
  .strict()
  .refine(
    (f) => f.throttleRate + f.serverErrorRate + f.malformedRate + f.timeoutRate <= 1 + 1e-9,
    'fault rates must add up to at most 1',
  );
export type Faults = z.infer<typeof faultsSchema>;

export const converseRequestSchema = z.looseObject({
  system: z
    .array(z.looseObject({ text: z.string().optional(), cachePoint: cachePointSchema.optional() }))
    .optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'assistant']),
        content: z.array(
          z.looseObject({
            text: z.string().optional(),
            cachePoint: cachePointSchema.optional(),
            image: z
              .looseObject({
                format: z.enum(BEDROCK_IMAGE_LIMITS.formats),
                source: z.looseObject({ bytes: z.base64() }),
              })
              .optional(),
          }),
        ),
      }),
    )
    .min(1),
  toolConfig: z.looseObject({
    tools: z
      .array(
        z.looseObject({
          toolSpec: z
            .looseObject({
              name: z.string().min(1),
              description: z.string().optional(),
              inputSchema: z.looseObject({ json: z.unknown() }),
            })
            .optional(),
          cachePoint: cachePointSchema.optional(),
        }),
      )
      .refine((tools) => tools.some((tool) => tool.toolSpec !== undefined), 'no toolSpec in tools'),
    toolChoice: z.looseObject({ tool: z.looseObject({ name: z.string() }).optional() }).optional(),
  }),
  inferenceConfig: z.looseObject({ maxTokens: z.number().int().min(1).optional() }).optional(),
});

/** mulberry32: tiny, fast and deterministic; quality is ample for fault sampling. */
export const createPrng = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Token estimate used for usage and max_tokens: one token per four characters. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export const emptyOutcomes = (): Record<ConverseOutcome, number> => ({
  success: 0,
  throttled: 0,
  service_unavailable: 0,
  internal_error: 0,
  model_timeout: 0,
  malformed: 0,
  max_tokens: 0,
  invalid_request: 0,
  extractor_error: 0,
});

/** The client went away (or the server is stopping): nothing left to answer. */
export const isGone = (res: ServerResponse): boolean =>
  res.destroyed || res.writableEnded || (res.socket?.destroyed ?? true);

export const decodeModelId = (encoded: string): string => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new AwsProtocolError(400, 'ValidationException', 'modelId is not valid URL encoding');
  }
};
