/**
 * Benchmark: how many of the stand-in's quotes on scanned pages Score can
 * confirm in LoadDocument's own OCR of the same page images, and which it
 * cannot (printed side by side with the nearest line of the page's OCR
 * text), without the stack. Each PDF's image pages are rendered as
 * LoadDocument renders them, read once for the geometry sidecar
 * (page-ocr.ts) and once by the stand-in's OCR (local/bedrock/ocr.ts), the
 * stand-in answers prompt 2.2.0 with quotes and Score grounds them.
 * Synthetic documents only: the printed quotes are their generated text.
 * Run: `npx tsx test/bench/ocr-grounding.ts <pdf>...`.
 */
import { readFile } from 'node:fs/promises';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { imagePageMarker } from '#contracts/page-manifest.ts';
import { splitEvidence } from '#core/evidence/claims.ts';
import { leafValues } from '#core/evidence/paths.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { EVIDENCE_PROPERTY, renderPrompt } from '#core/prompts/render.ts';
import { withOcrGeometry } from '#functions/load-document/page-ocr.ts';
import { DEFAULT_RENDER_OPTIONS, renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { groundDocument, pageTexts } from '#functions/score/grounding.ts';
import { ocrPage, stopOcr } from '#local/bedrock/ocr.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: npx tsx test/bench/ocr-grounding.ts <pdf>...');
const version = bundledPrompts().get('2.2.0');
// Budgets raised: this measures matching, not deadlines.
const slow = { ...DEFAULT_RENDER_OPTIONS, pageTimeoutMs: 120_000, documentTimeoutMs: 600_000 };
/** The OCR line sharing the most words with the quote, to show beside it. */
const nearestLine = (lines: readonly string[], quote: string): string => {
  const words = new Set(quote.toLowerCase().split(/\s+/));
  let best = '(no line)';
  let bestShared = 0;
  for (const line of lines) {
    const shared = line
      .toLowerCase()
      .split(/\s+/)
      .filter((word) => words.has(word)).length;
    if (shared > bestShared) [best, bestShared] = [line, shared];
  }
  return best;
};

let values = 0;
let grounded = 0;
let fuzzy = 0;
const groundFile = async (file: string): Promise<void> => {
  const bytes = new Uint8Array(await readFile(file));
  const inspected = await inspectPdf(bytes);
  const imagePages = inspected.pages.filter((p) => p.kind === 'image').map((p) => p.page);
  const rendered = await renderPages(bytes, imagePages, slow);
  const { geometry } = await withOcrGeometry(inspected.geometry, rendered, {
    pageMs: 120_000,
    documentMs: 600_000,
  });
  const texts: string[] = [];
  for (const page of inspected.pages) {
    const image = rendered.find((r) => r.page === page.page);
    if (image === undefined) {
      texts.push(page.text);
      continue;
    }
    texts.push(imagePageMarker(page.page, inspected.pages.length));
    texts.push((await ocrPage(image.data, 120_000)).text);
  }
  const prompt = renderPrompt(version, texts.join('\n'));
  const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });
  const split = splitEvidence(answer, EVIDENCE_PROPERTY);
  const validated = validateExtraction(version.schema, split.fields);
  if (!validated.ok) throw new Error(`invalid answer: ${validated.errors.join('; ')}`);
  const outcome = groundDocument({
    version,
    fields: validated.value,
    evidence: {
      version: 1,
      asked: true,
      claims: split.evidence.flatMap((claim) =>
        typeof claim === 'object' && claim !== null && 'path' in claim && 'quote' in claim
          ? [{ path: String(claim.path), quote: String(claim.quote), page: null }]
          : [],
      ),
      malformedClaims: 0,
      normalisedPaths: [],
      stopReason: 'tool_use',
    },
    geometry,
    missingRequired: scoreCompleteness(version.metadata.fields, validated.value).missing,
  });
  const lines = pageTexts(geometry).flatMap((page) => page.text.split('\n'));
  const misses: string[] = [];
  for (const { path } of leafValues(validated.value)) {
    values += 1;
    const evidence = outcome.grounding.evidence[path];
    if (evidence?.match === 'fuzzy') fuzzy += 1;
    if (evidence && evidence.match !== 'ungrounded') {
      grounded += 1;
      continue;
    }
    const quote = evidence?.quote ?? '';
    const near = nearestLine(lines, quote);
    misses.push(`  ${path}: ${JSON.stringify(quote)}\n    ocr: ${JSON.stringify(near.trim())}`);
  }
  console.log(
    `${file}: ${outcome.groundedCount}/${outcome.valueCount} grounded, review ${outcome.grounding.review.required}`,
  );
  if (misses.length > 0) console.log(misses.join('\n'));
};
for (const file of files) {
  try {
    await groundFile(file);
  } catch (error) {
    console.log(`${file}: not read (${error instanceof Error ? error.message : String(error)})`);
  }
}
await stopOcr();
console.log(JSON.stringify({ documents: files.length, values, grounded, fuzzy }));
