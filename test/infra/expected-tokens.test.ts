/**
 * Admission reserves each model call at the stage's expected tokens: those
 * figures must cover the 90th percentile of what a released prompt version
 * really sends and gets back, or admission under-reserves and the quota
 * throttles. Measured here on synthetic documents (a seed the figures were
 * not read from): input by the request estimate, output by the rule-based
 * stand-in's answers.
 */
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { estimateTokens, renderPrompt } from '#core/prompts/render.ts';
import { estimateToolRequestTokens } from '#core/prompts/token-estimate.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { STAGES } from '#infra/config.ts';
import { STAGE_CAPACITY } from '#infra/model-capacity.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';

const DOCUMENTS = 30;

const p90 = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 0;
};

describe('expected tokens per model call', () => {
  it('cover the 90th percentile of every released prompt version on its model', async () => {
    const registry = bundledPrompts();
    const texts: string[] = [];
    for (let i = 0; i < DOCUMENTS; i += 1) {
      const type = CORPUS_DOCUMENT_TYPES[i % CORPUS_DOCUMENT_TYPES.length] ?? 'office_note';
      const document = await generateDocument('admission-tokens', i + 1, type);
      texts.push((await inspectPdf(document.pdf)).text);
    }
    const checked: string[] = [];
    for (const version of registry.versions()) {
      const prompt = registry.get(version);
      const inputs: number[] = [];
      const outputs: number[] = [];
      for (const text of texts) {
        const rendered = renderPrompt(prompt, text);
        // The rendered prompt carries exactly what the request estimate reads.
        inputs.push(estimateToolRequestTokens(rendered).inputTokens);
        const answer = extractFromPrompt({
          userText: rendered.user,
          inputSchema: rendered.inputSchema,
        });
        outputs.push(estimateTokens(JSON.stringify(answer)));
      }
      for (const stage of STAGES) {
        const model = STAGE_CAPACITY[stage][prompt.metadata.modelId];
        expect(model, `${stage} has capacity for ${prompt.metadata.modelId}`).toBeDefined();
        expect(model?.expectedInputTokens, `${stage} ${version} input`).toBeGreaterThanOrEqual(
          p90(inputs),
        );
        expect(model?.expectedOutputTokens, `${stage} ${version} output`).toBeGreaterThanOrEqual(
          Math.min(p90(outputs), prompt.metadata.inference.maxTokens),
        );
      }
      checked.push(version);
    }
    // Every released version was measured, and 2.2.0's answers are the long ones.
    expect(checked).toEqual(registry.versions());
    expect(checked).toContain('2.2.0');
  }, 90_000);
});
