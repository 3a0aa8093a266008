/**
 * The rule-based extractor over a generated, labelled corpus: PDFs rendered by
 * the corpus generator, text extracted with unpdf as the pipeline does, scored
 * with the v2.0.0 comparators. Guards against rules that regress on layouts
 * the hand-written documents do not cover.
 */
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { evaluateDocument, summarise } from '#core/evaluation/index.ts';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';

const DOCUMENTS = 24;
const SEED = 'rule-extractor-accuracy';
// Measured 0.99+ micro F1 on this seed; the bar leaves room for generator changes.
const MIN_MICRO_F1 = 0.95;
const MIN_FIELD_F1 = 0.85;

describe('rule-based extractor on a generated corpus', () => {
  it(`scores at least ${MIN_MICRO_F1} micro F1 and ${MIN_FIELD_F1} F1 on every v2.0.0 field`, async () => {
    // Prepare
    const fields = loadPromptRegistry(familyDir()).get('2.0.0').metadata.fields;
    const evaluations = [];
    for (let index = 1; index <= DOCUMENTS; index += 1) {
      const type =
        CORPUS_DOCUMENT_TYPES[(index - 1) % CORPUS_DOCUMENT_TYPES.length] ?? 'office_note';
      const document = await generateDocument(SEED, index, type);
      const { text } = await extractText(new Uint8Array(document.pdf), { mergePages: true });

      // Act
      const predicted = extractFields(text);
      evaluations.push(evaluateDocument(fields, document.truth, predicted));
    }
    const summary = summarise(evaluations);

    // Assess
    const weakFields = Object.entries(summary.fields)
      .filter(([, field]) => field.f1 < MIN_FIELD_F1)
      .map(([path, field]) => `${path} ${field.f1.toFixed(3)}`);
    expect(weakFields).toEqual([]);
    expect(summary.micro.f1).toBeGreaterThanOrEqual(MIN_MICRO_F1);
    expect(summary.documentCount).toBe(DOCUMENTS);
    // CPU-bound (40 generated documents): generous on a loaded machine, never a speed check.
  }, 120_000);
});
