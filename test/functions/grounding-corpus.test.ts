/**
 * Grounding over the synthetic corpus, checked by an independent reader: the
 * pipeline's path (pdf.js in the capped worker, the layout with tabs, the
 * geometry sidecar) produces the text, the rule-based stand-in answers
 * prompt 2.2.0 with quotes, Score's grounding verifies them; then pdf.js is
 * opened again in this thread and each page's text content is read directly
 * (items joined with spaces, no layout, no cleaning) to check that every
 * grounded quote is on the page the evidence names and that the text items
 * inside its box spell it. Invented values must come out ungrounded.
 */
import { getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import type { Grounding } from '#contracts/evidence.ts';
import { splitEvidence } from '#core/evidence/claims.ts';
import { leafValues } from '#core/evidence/paths.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { EVIDENCE_PROPERTY, renderPrompt } from '#core/prompts/render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { groundDocument } from '#functions/score/grounding.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { LAYOUT_FAMILIES } from '#local/corpus/families.ts';
import { generateFamilyDocument } from '#local/corpus/family-corpus.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';

const DOCUMENTS = 16;
const SEED = 'grounding-corpus';
const MIN_VERIFIED_SHARE = 0.95;

/** The independent reader's normal form: NFKC, lower case, no whitespace at all. */
const squash = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

interface IndependentItem {
  readonly str: string;
  readonly cx: number;
  readonly cy: number;
}

/** Each page's items as pdf.js reports them, read afresh in this thread. */
const readIndependently = async (pdf: Buffer) => {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const pages: { text: string; items: IndependentItem[] }[] = [];
  for (let number = 1; number <= doc.numPages; number += 1) {
    const content = await (await doc.getPage(number)).getTextContent();
    const items = content.items.flatMap((item) =>
      'str' in item
        ? [
            {
              str: item.str,
              cx: (item.transform[4] ?? 0) + item.width / 2,
              cy: (item.transform[5] ?? 0) + item.height / 2,
            },
          ]
        : [],
    );
    pages.push({ text: items.map((item) => item.str).join(' '), items });
  }
  await doc.cleanup();
  return pages;
};

const answerWithQuotes = async (pdf: Buffer) => {
  const version = bundledPrompts().get('2.2.0');
  const inspected = await inspectPdf(new Uint8Array(pdf));
  const prompt = renderPrompt(version, inspected.text);
  const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });
  const split = splitEvidence(answer, EVIDENCE_PROPERTY);
  const validated = validateExtraction(version.schema, split.fields);
  if (!validated.ok) throw new Error(`invalid answer: ${validated.errors.join('; ')}`);
  return { version, inspected, fields: validated.value, claims: split.evidence };
};

const ground = (
  answered: Awaited<ReturnType<typeof answerWithQuotes>>,
  fields: unknown,
  claims: readonly unknown[],
): Grounding =>
  groundDocument({
    version: answered.version,
    fields,
    evidence: {
      version: 1,
      asked: true,
      claims: claims.flatMap((claim) =>
        typeof claim === 'object' && claim !== null && 'path' in claim && 'quote' in claim
          ? [{ path: String(claim.path), quote: String(claim.quote), page: null }]
          : [],
      ),
      malformedClaims: 0,
      normalisedPaths: [],
      stopReason: 'tool_use',
    },
    geometry: answered.inspected.geometry,
    missingRequired: scoreCompleteness(answered.version.metadata.fields, fields).missing,
  }).grounding;

describe('grounding on the synthetic corpus, checked by an independent pdf.js reading', () => {
  it(`finds at least ${MIN_VERIFIED_SHARE * 100}% of non-null values on their stated page, boxes on the quoted text`, async () => {
    let values = 0;
    let verified = 0;
    let boxed = 0;
    let boxVerified = 0;
    let exact = 0;
    const misses: string[] = [];
    const reviewReasons: string[] = [];
    let sentToReview = 0;
    for (let index = 1; index <= DOCUMENTS; index += 1) {
      const type =
        CORPUS_DOCUMENT_TYPES[(index - 1) % CORPUS_DOCUMENT_TYPES.length] ?? 'lab_report';
      const document = await generateDocument(SEED, index, type);
      const answered = await answerWithQuotes(document.pdf);
      const grounding = ground(answered, answered.fields, answered.claims);
      const independent = await readIndependently(document.pdf);
      if (grounding.review.required) sentToReview += 1;
      reviewReasons.push(...grounding.review.flags.map((flag) => `${flag.reason}:${flag.path}`));
      for (const { path } of leafValues(answered.fields)) {
        values += 1;
        const evidence = grounding.evidence[path];
        if (!evidence || evidence.page === null) {
          misses.push(`${document.id} ${path}: ungrounded`);
          continue;
        }
        if (evidence.match === 'exact') exact += 1;
        const page = independent[evidence.page - 1];
        const quote = squash(evidence.quote);
        if (page && quote.length > 0 && squash(page.text).includes(quote)) verified += 1;
        else misses.push(`${document.id} ${path}: not on page ${evidence.page}`);
        if (evidence.bbox && page) {
          boxed += 1;
          const { x, y, width, height } = evidence.bbox;
          const inside = page.items.filter(
            (item) =>
              item.cx >= x - 1 &&
              item.cx <= x + width + 1 &&
              item.cy >= y - 1 &&
              item.cy <= y + height + 1,
          );
          const spelled = squash(inside.map((item) => item.str).join(''));
          // On the quoted text and tight around it, not a box over half the page.
          if (spelled.includes(quote) && spelled.length <= quote.length * 1.5 + 10)
            boxVerified += 1;
          else misses.push(`${document.id} ${path}: box does not hold the quote`);
        }
      }
    }
    const share = verified / values;
    console.info(
      `grounding corpus: ${values} values, ${verified} verified on their page (${(share * 100).toFixed(1)}%), ` +
        `${exact} exact, ${boxVerified}/${boxed} boxes hold their quote; ${sentToReview}/${DOCUMENTS} documents need review ` +
        `(${reviewReasons.slice(0, 12).join(', ')}); misses: ${misses.slice(0, 12).join(' | ')}`,
    );
    expect(values).toBeGreaterThan(DOCUMENTS * 10);
    expect(share).toBeGreaterThanOrEqual(MIN_VERIFIED_SHARE);
    expect(boxed).toBe(verified);
    expect(boxVerified).toBe(boxed);
  }, 120_000);

  it('grounds the values of every layout family (forms, narratives, tables, multipage notes) on their page', async () => {
    let values = 0;
    let verified = 0;
    const misses: string[] = [];
    for (const family of LAYOUT_FAMILIES) {
      const document = await generateFamilyDocument(SEED, 1, family);
      const answered = await answerWithQuotes(document.pdf);
      const grounding = ground(answered, answered.fields, answered.claims);
      const independent = await readIndependently(document.pdf);
      for (const { path } of leafValues(answered.fields)) {
        values += 1;
        const evidence = grounding.evidence[path];
        const page = evidence?.page ? independent[evidence.page - 1] : undefined;
        const quote = squash(evidence?.quote ?? '');
        if (page && quote.length > 0 && squash(page.text).includes(quote)) verified += 1;
        else misses.push(`${family.name} ${path}`);
      }
    }
    console.info(
      `grounding layout families: ${values} values, ${verified} verified on their page ` +
        `(${((verified / values) * 100).toFixed(1)}%); misses: ${misses.slice(0, 12).join(' | ')}`,
    );
    expect(values).toBeGreaterThan(LAYOUT_FAMILIES.length * 10);
    expect(verified / values).toBeGreaterThanOrEqual(MIN_VERIFIED_SHARE);
  }, 120_000);

  it('flags a fabricated medication and a value with no support as ungrounded', async () => {
    const document = await generateDocument(SEED, 1, 'office_note');
    const answered = await answerWithQuotes(document.pdf);
    const fields = structuredClone(answered.fields) as { medications: unknown[] };
    const invented = fields.medications.length;
    fields.medications.push({ name: 'Zylotrexamine', dose: '35 mg', frequency: 'every 9 hours' });
    const grounding = ground(answered, fields, [
      ...answered.claims,
      // The invented medication comes with an invented quote.
      { path: `medications[${invented}].name`, quote: 'Zylotrexamine 35 mg every 9 hours' },
    ]);
    for (const property of ['name', 'dose', 'frequency']) {
      expect(grounding.evidence[`medications[${invented}].${property}`]?.match).toBe('ungrounded');
    }
    expect(grounding.review.required).toBe(true);
    expect(grounding.review.flags).toContainEqual(
      expect.objectContaining({ path: `medications[${invented}].name`, reason: 'UNGROUNDED' }),
    );
    expect(grounding.confidence[`medications[${invented}].name`]).toBeLessThan(0.2);
  }, 60_000);
});
