/**
 * The extractor's answers against the real prompt versions: every synthetic
 * document, rendered with each bundled version, yields a tool input that the
 * version's schema accepts and that normalisation leaves unchanged.
 */
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry, renderPrompt } from '#adapters/prompts/registry.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { extractFields, extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import * as documents from './documents.ts';

const registry = loadPromptRegistry(familyDir());
const cases = registry
  .versions()
  .flatMap((version) => Object.entries(documents).map(([name, text]) => ({ version, name, text })));

describe('rule-based answers to rendered prompts', () => {
  it.each(cases)(
    '$name under v$version passes the version schema unchanged',
    ({ version, text }) => {
      // Prepare
      const prompt = renderPrompt(registry.get(version), text);

      // Act
      const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });
      const result = validateExtraction(prompt.inputSchema, answer);

      // Assess
      expect(result).toEqual({ ok: true, value: answer });
    },
  );

  it('answers the newest version with the same fields as a direct extraction', () => {
    // Prepare
    const newest = registry.versions().at(-1) ?? '';
    const prompt = renderPrompt(registry.get(newest), documents.APS_CLEAN);

    // Act
    const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });

    // Assess: the same fields, and a quote from the document for every value it read.
    const { evidence, ...fields } = { evidence: [], ...answer };
    expect(fields).toEqual(extractFields(documents.APS_CLEAN));
    expect(evidence.length).toBeGreaterThan(10);
    for (const claim of evidence) {
      expect(documents.APS_CLEAN).toContain(claim.quote);
      expect(claim.page).toBeNull();
    }
  });

  it('answers a version without evidence with the fields only', () => {
    const prompt = renderPrompt(registry.get('2.1.0'), documents.APS_CLEAN);
    const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });
    expect(answer).toEqual(extractFields(documents.APS_CLEAN));
  });
});
