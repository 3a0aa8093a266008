/** The forced-tool request estimate: every part counted, figures worked out by hand. */
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { estimateTokens, renderPrompt } from '#core/prompts/render.ts';
import {
  estimateToolDefinitionTokens,
  estimateToolRequestTokens,
  toolUseOverheadFor,
} from '#core/prompts/token-estimate.ts';

describe('estimateToolRequestTokens', () => {
  it('adds the tool definition and the published tool-use system prompt', () => {
    // Prepare: `{"name":"t","description":"d","input_schema":{"type":"object"}}` is 63 characters.
    const request = {
      modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      system: 'abcd',
      user: 'abcdefgh',
      toolName: 't',
      toolDescription: 'd',
      inputSchema: { type: 'object' },
    };

    // Act
    const estimate = estimateToolRequestTokens(request);

    // Assess: 1 + 2 + ceil(63 / 4) = 16, plus 313 for a forced tool on Haiku 4.5.
    expect(estimate).toEqual({
      systemTokens: 1,
      userTokens: 2,
      toolDefinitionTokens: 16,
      toolUseSystemPromptTokens: 313,
      overheadPublished: true,
      inputTokens: 332,
    });
  });

  it('uses the auto figure when the tool is not forced', () => {
    // Act
    const estimate = estimateToolRequestTokens({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      system: '',
      user: '',
      toolName: 't',
      toolDescription: 'd',
      inputSchema: { type: 'object' },
      toolChoice: 'auto',
    });

    // Assess: Claude 3.5 Haiku publishes 264 (auto) and 340 (any, tool).
    expect(estimate.toolUseSystemPromptTokens).toBe(264);
    expect(estimate.inputTokens).toBe(16 + 264);
  });

  it('counts no overhead, and says so, for a model without a published figure', () => {
    // Act
    const estimate = estimateToolRequestTokens({
      modelId: 'us.amazon.nova-pro-v1:0',
      system: 'abcd',
      user: '',
      toolName: 't',
      toolDescription: 'd',
      inputSchema: { type: 'object' },
    });

    // Assess
    expect(estimate.overheadPublished).toBe(false);
    expect(estimate.toolUseSystemPromptTokens).toBe(0);
    expect(toolUseOverheadFor('us.amazon.nova-pro-v1:0')).toBeUndefined();
  });

  it('closes most of the gap of a system-and-user-only estimate for v2.0.0', () => {
    // Prepare: a one-page document of 2,400 characters.
    const rendered = renderPrompt(bundledPrompts().get('2.0.0'), 'x'.repeat(2_400));
    const textOnly = estimateTokens(rendered.system) + estimateTokens(rendered.user);

    // Act
    const estimate = estimateToolRequestTokens({
      modelId: rendered.modelId,
      system: rendered.system,
      user: rendered.user,
      toolName: rendered.toolName,
      toolDescription: rendered.toolDescription,
      inputSchema: rendered.inputSchema,
    });

    // Assess: the schema alone is over a thousand tokens, and the text-only
    // estimate misses more than a third of the input.
    expect(estimate.toolDefinitionTokens).toBe(
      estimateToolDefinitionTokens(
        rendered.toolName,
        rendered.toolDescription,
        rendered.inputSchema,
      ),
    );
    expect(estimate.toolDefinitionTokens).toBeGreaterThan(1_000);
    expect(estimate.inputTokens).toBe(textOnly + estimate.toolDefinitionTokens + 313);
    expect(1 - textOnly / estimate.inputTokens).toBeGreaterThan(0.33);
  });
});
