/**
 * Benchmark: LoadDocument's OCR time per one-page scanned document with an
 * engine started for each document (as before warm engines) and with one
 * warm engine carried from document to document (page-ocr-engines.ts), on
 * distinct scans of the synthetic record (distinct bytes, so no reading is
 * remembered), alternating the two ways. Wall ms and process CPU ms (the
 * engine's thread included) per document, medians.
 * Run: `npx tsx test/bench/ocr-warm-engines.ts [documents per way, default 4]`.
 */

import {
  isOcrMiss,
  type OcrPageImage,
  ocrPageGeometry,
} from '#functions/load-document/page-ocr.ts';
import { createOcrEnginePool, tesseractEngine } from '#functions/load-document/page-ocr-engines.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

const documents = Number(process.argv[2] ?? 4);
const budget = { pageMs: 600_000, documentMs: 3_600_000, startMs: 600_000 };
const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
};

const record = await recordPdf();
const pageOf = async (seed: string): Promise<OcrPageImage> => {
  const [image] = await renderPages(await scanPdf(record, { ...DEFAULT_SCAN_OPTIONS, seed }), [1]);
  if (!image) throw new Error('no page rendered');
  return {
    page: 1,
    data: image.data,
    widthPx: image.width,
    heightPx: image.height,
    view: [0, 0, 612, 792],
  };
};
const pages = await Promise.all(
  Array.from({ length: documents * 2 }, (_, index) => pageOf(`warm-bench-${index}`)),
);
const warm = createOcrEnginePool(tesseractEngine, { idleMs: 600_000, maxIdle: 1 });
const runs = {
  coldEngine: { wall: [] as number[], cpu: [] as number[] },
  warmEngine: { wall: [] as number[], cpu: [] as number[] },
};
for (let index = 0; index < documents; index += 1) {
  for (const way of ['coldEngine', 'warmEngine'] as const) {
    const page = pages[index * 2 + (way === 'coldEngine' ? 0 : 1)] as OcrPageImage;
    const startedCpu = cpuMs();
    const started = performance.now();
    const [result] = await ocrPageGeometry(
      [page],
      budget,
      way === 'coldEngine' ? tesseractEngine : warm,
    );
    if (!result || isOcrMiss(result)) throw new Error(`page not read: ${JSON.stringify(result)}`);
    runs[way].wall.push(performance.now() - started);
    runs[way].cpu.push(cpuMs() - startedCpu);
  }
}
await warm.stop();
console.log(
  JSON.stringify({
    documents,
    // The first warm document starts the engine; the rest find it warm.
    coldEngine: { wallMs: median(runs.coldEngine.wall), cpuMs: median(runs.coldEngine.cpu) },
    warmEngine: { wallMs: median(runs.warmEngine.wall), cpuMs: median(runs.warmEngine.cpu) },
    perDocumentCpuMs: {
      coldEngine: runs.coldEngine.cpu.map(Math.round),
      warmEngine: runs.warmEngine.cpu.map(Math.round),
    },
    starts: warm.stats().starts,
  }),
);
