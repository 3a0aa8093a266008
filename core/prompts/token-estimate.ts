/**
 * Input-token estimate of one forced-tool Converse request as Bedrock bills
 * it: the system prompt, the user message, the tool definition (name,
 * description, JSON Schema) and the tool-use system prompt the provider adds
 * whenever tools are sent. Used where no real `usage` exists (the local
 * stand-in, the cost model); on AWS the model's reported usage always wins.
 */
import { parseModelId } from '#core/extraction/cost.ts';
import { estimateTokens } from './render.ts';

/** How the request lets the model pick a tool (`toolChoice` in Converse). */
export type ToolChoice = 'auto' | 'any' | 'tool';

/** Tokens the provider adds for tool use, by tool choice. */
export interface ToolUseOverhead {
  /** `auto` (and `none` on the Anthropic API). */
  readonly auto: number;
  /** `any` or one named tool (MedExtract always forces one tool). */
  readonly forced: number;
}

/**
 * Tool-use system prompt tokens Anthropic publishes per model (Claude docs,
 * "Tool use with Claude", section "Pricing", table "Tool use system prompt
 * token count"; read 2026-12-01). Bedrock bills the same Anthropic models the
 * same way through Converse. Keyed by base model id (no inference-profile
 * prefix). Amazon publishes no such figure for Nova, so Nova models are absent
 * and count zero, which {@link estimateToolRequestTokens} reports.
 */
export const TOOL_USE_SYSTEM_PROMPT_TOKENS: Readonly<Record<string, ToolUseOverhead>> = {
  'anthropic.claude-haiku-4-5-20251001-v1:0': { auto: 346, forced: 313 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { auto: 346, forced: 313 },
  'anthropic.claude-sonnet-4-6': { auto: 346, forced: 313 },
  'anthropic.claude-opus-4-5-20251101-v1:0': { auto: 346, forced: 313 },
  'anthropic.claude-opus-4-6-v1': { auto: 346, forced: 313 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { auto: 346, forced: 313 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { auto: 346, forced: 313 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { auto: 346, forced: 313 },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { auto: 294, forced: 261 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { auto: 264, forced: 340 },
  'anthropic.claude-3-haiku-20240307-v1:0': { auto: 264, forced: 340 },
};

/** What one forced-tool request sends, as far as tokens go. */
export interface ToolRequestText {
  /** Model id as sent: base id, inference-profile id or ARN. */
  readonly modelId: string;
  readonly system: string;
  /** The user message (the rendered template with the document inside). */
  readonly user: string;
  readonly toolName: string;
  readonly toolDescription: string;
  /** The tool's input JSON Schema. */
  readonly inputSchema: unknown;
  /** Default `tool`: MedExtract forces its one tool. */
  readonly toolChoice?: ToolChoice;
}

/** The estimate and where each part comes from. */
export interface ToolRequestEstimate {
  readonly systemTokens: number;
  readonly userTokens: number;
  /** The tool definition as the provider receives it: name, description, schema. */
  readonly toolDefinitionTokens: number;
  /** The provider's tool-use system prompt; 0 when the model has no published figure. */
  readonly toolUseSystemPromptTokens: number;
  /** False when the model has no published tool-use overhead (counted as 0). */
  readonly overheadPublished: boolean;
  readonly inputTokens: number;
}

/**
 * The tool definition's tokens: its name, description and schema serialised
 * compactly, the way the provider receives the `tools` parameter.
 */
export function estimateToolDefinitionTokens(
  toolName: string,
  toolDescription: string,
  inputSchema: unknown,
): number {
  return estimateTokens(
    JSON.stringify({ name: toolName, description: toolDescription, input_schema: inputSchema }),
  );
}

/** Published tool-use overhead for a model id (any prefix), or undefined. */
export function toolUseOverheadFor(modelId: string): ToolUseOverhead | undefined {
  const { baseModelId } = parseModelId(modelId);
  return Object.hasOwn(TOOL_USE_SYSTEM_PROMPT_TOKENS, baseModelId)
    ? TOOL_USE_SYSTEM_PROMPT_TOKENS[baseModelId]
    : undefined;
}

/**
 * Input tokens of one forced-tool request: system + user + tool definition
 * (each ceil(characters / 4)) + the provider's tool-use system prompt.
 */
export function estimateToolRequestTokens(request: ToolRequestText): ToolRequestEstimate {
  const systemTokens = estimateTokens(request.system);
  const userTokens = estimateTokens(request.user);
  const toolDefinitionTokens = estimateToolDefinitionTokens(
    request.toolName,
    request.toolDescription,
    request.inputSchema,
  );
  const overhead = toolUseOverheadFor(request.modelId);
  const choice = request.toolChoice ?? 'tool';
  const toolUseSystemPromptTokens =
    overhead === undefined ? 0 : choice === 'auto' ? overhead.auto : overhead.forced;
  return {
    systemTokens,
    userTokens,
    toolDefinitionTokens,
    toolUseSystemPromptTokens,
    overheadPublished: overhead !== undefined,
    inputTokens: systemTokens + userTokens + toolDefinitionTokens + toolUseSystemPromptTokens,
  };
}
