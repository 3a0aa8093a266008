/**
 * Benchmark: milliseconds per page of both OCR readings of a scan — LoadDocument's
 * (word boxes for the geometry sidecar, page-ocr.ts) and the local stand-in's
 * (local/bedrock/ocr.ts) — on the same rendered page images, one page at a
 * time, and the process's peak RSS after rendering and after both readings.
 * Without the stack; budgets raised so every page is read.
 * Run: `npx tsx test/bench/scan-ocr-pages.ts <pdf>...` (synthetic scans only).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { withOcrGeometry } from '#functions/load-document/page-ocr.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { DEFAULT_LIMITS, inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { ocrPage, stopOcr } from '#local/bedrock/ocr.ts';

const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

for (const path of process.argv.slice(2)) {
  const bytes = new Uint8Array(await readFile(path));
  const startMb = peakMb();
  const { geometry } = await inspectPdf(bytes, DEFAULT_LIMITS);
  const imagePages = geometry.pages.filter((page) => page.kind === 'image').map((p) => p.page);
  const rendered = await renderPages(bytes, imagePages);
  const renderedMb = peakMb();
  const loadDocument = await withOcrGeometry(geometry, rendered, {
    pageMs: 600_000,
    documentMs: 3_600_000,
  });
  const standIn: number[] = [];
  for (const image of rendered) standIn.push((await ocrPage(image.data)).ms);
  await stopOcr();
  console.log(
    JSON.stringify({
      file: basename(path),
      images: rendered.map((image) => `${image.format} ${image.width}x${image.height}`),
      renderMs: rendered.map((image) => image.renderMs),
      loadDocumentOcrMs: loadDocument.pageMs,
      standInOcrMs: standIn,
      peakRssMb: { start: startMb, afterRender: renderedMb, afterOcr: peakMb() },
    }),
  );
}
