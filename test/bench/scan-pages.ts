/**
 * Benchmark: the vision path per page on a folder of PDFs (for example a
 * corpus written with `npm run corpus -- --scanned`): LoadDocument's page
 * classification, rendering in the capped worker, and the local stand-in's
 * OCR, each timed per page, with the render worker's peak RSS.
 * Run: `npm run bench:scan -- <dir>`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { OCR_ENGINE, ocrPage, stopOcr } from '#local/bedrock/ocr.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: npm run bench:scan -- <folder of PDFs>');
const files = (await readdir(dir)).filter((file) => file.endsWith('.pdf')).sort();

const inspectMs: number[] = [];
const renderMs: number[] = [];
const ocrMs: number[] = [];
const confidence: number[] = [];
const imageBytes: number[] = [];
let unreadable = 0;
let peakRss = process.memoryUsage().rss;

for (const file of files) {
  const bytes = await readFile(join(dir, file));
  let started = performance.now();
  const { pages } = await inspectPdf(bytes);
  inspectMs.push((performance.now() - started) / pages.length);
  const imagePages = pages.filter((page) => page.kind === 'image').map((page) => page.page);
  started = performance.now();
  const rendered = await renderPages(bytes, imagePages);
  if (rendered.length > 0) renderMs.push((performance.now() - started) / rendered.length);
  for (const image of rendered) {
    imageBytes.push(image.data.byteLength);
    const result = await ocrPage(image.data);
    ocrMs.push(result.ms);
    confidence.push(result.confidence);
    if (!result.readable) unreadable += 1;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}
await stopOcr();

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(sorted.length, 1);
  return {
    n: sorted.length,
    mean: Math.round(mean),
    p50: Math.round(at(0.5)),
    p95: Math.round(at(0.95)),
  };
};

console.log(
  JSON.stringify(
    {
      documents: files.length,
      ocrEngine: OCR_ENGINE,
      inspectMsPerPage: stats(inspectMs),
      renderMsPerPage: stats(renderMs),
      ocrMsPerPage: stats(ocrMs),
      ocrConfidence: stats(confidence),
      unreadablePages: unreadable,
      imageBytes: stats(imageBytes),
      peakRssMb: Math.round(peakRss / 1e6),
    },
    null,
    2,
  ),
);
