/**
 * Benchmark: field F1 of the local stand-in's OCR path on a labelled folder
 * of scanned PDFs, without the stack: each document's image pages are
 * classified and rendered as LoadDocument does, read by the stand-in's OCR
 * (preparation, tesseract.js, clean-up, confidence threshold), put in page
 * order under the same page lines the prompt uses, run through the same
 * rules and scored against the truth with prompt 2.1.0's comparators. Pages
 * are read one at a time, so a loaded machine slows the run instead of
 * timing pages out. Run: `npx tsx test/bench/ocr-fields.ts <dir> [prefix]`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DocumentEvaluation, evaluateDocument, summarise } from '#core/evaluation/index.ts';
import { DEFAULT_RENDER_OPTIONS, renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { OCR_ENGINE, ocrPage, stopOcr } from '#local/bedrock/ocr.ts';
import {
  describeExtractor,
  extractFields,
  fieldsFromSchema,
} from '#local/bedrock/rule-extractor.ts';

const [dir, prefix = ''] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npx tsx test/bench/ocr-fields.ts <dir> [prefix]');
const versionDir = 'prompts/medical-record/v2.1.0';
const metadata = JSON.parse(await readFile(join(versionDir, 'metadata.json'), 'utf8'));
const fields = fieldsFromSchema(
  JSON.parse(await readFile(join(versionDir, 'schema.json'), 'utf8')),
);
const files = (await readdir(dir))
  .filter((file) => file.endsWith('.pdf') && file.startsWith(prefix))
  .sort();

const evaluations: Array<{ id: string; evaluation: DocumentEvaluation }> = [];
const ocrMs: number[] = [];
let unreadable = 0;
for (const file of files) {
  const bytes = await readFile(join(dir, file));
  const { pages } = await inspectPdf(bytes);
  const imagePages = pages.filter((page) => page.kind === 'image').map((page) => page.page);
  // Budgets raised as for OCR below: this measures fields, not deadlines.
  const rendered = await renderPages(bytes, imagePages, {
    ...DEFAULT_RENDER_OPTIONS,
    pageTimeoutMs: 120_000,
    documentTimeoutMs: 600_000,
  });
  const texts: string[] = [];
  for (const image of rendered) {
    // Twice the stand-in's budget: on a loaded machine a page is slow, not unreadable.
    const reading = await ocrPage(image.data, 120_000);
    ocrMs.push(reading.ms);
    if (!reading.readable) unreadable += 1;
    texts.push(
      `[Page ${image.page} of ${pages.length}: scanned image, attached as the image block that follows]`,
      reading.text,
    );
  }
  const id = file.replace(/\.pdf$/, '');
  const truth = JSON.parse(await readFile(join(dir, `${id}.truth.json`), 'utf8'));
  const predicted = extractFields(texts.join('\n'), { fields });
  evaluations.push({ id, evaluation: evaluateDocument(metadata.fields, truth, predicted) });
}
await stopOcr();

const round = (value: number) => Math.round(value * 1000) / 1000;
const summary = summarise(evaluations.map((entry) => entry.evaluation));
const byType = new Map<string, DocumentEvaluation[]>();
for (const entry of evaluations) {
  const type = entry.id.split('-')[0] ?? entry.id;
  byType.set(type, [...(byType.get(type) ?? []), entry.evaluation]);
}
console.log(
  JSON.stringify(
    {
      extractor: describeExtractor().split('\n')[0],
      ocr: OCR_ENGINE,
      documents: evaluations.length,
      pages: ocrMs.length,
      unreadablePages: unreadable,
      microF1: round(summary.micro.f1),
      precision: round(summary.micro.precision),
      recall: round(summary.micro.recall),
      counts: {
        tp: summary.micro.tp,
        fa: summary.micro.fa,
        fd: summary.micro.fd,
        fn: summary.micro.fn,
      },
      byType: Object.fromEntries(
        [...byType].map(([type, list]) => [type, round(summarise(list).micro.f1)]),
      ),
      fields: Object.fromEntries(
        Object.entries(summary.fields).map(([path, field]) => [path, round(field.f1)]),
      ),
      ocrMsPerPage: Math.round(ocrMs.reduce((sum, ms) => sum + ms, 0) / Math.max(ocrMs.length, 1)),
    },
    null,
    2,
  ),
);
