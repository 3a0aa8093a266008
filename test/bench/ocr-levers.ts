/**
 * Benchmark: the OCR-fields bench with OCR levers switched by environment
 * variables, to measure one at a time: LONG_EDGE (render long edge, px),
 * PSM (tesseract page segmentation mode), PIS (preserve_interword_spaces),
 * DPI (user_defined_dpi), DESPECKLE (whiten dark components of at most this
 * many pixels before OCR). One tesseract worker, pages read one at a time.
 * Run: `LONG_EDGE=2200 DESPECKLE=2 npx tsx test/bench/ocr-levers.ts <dir> [prefix,prefix]`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { createWorker, OEM, type PSM } from 'tesseract.js';
import { type DocumentEvaluation, evaluateDocument, summarise } from '#core/evaluation/index.ts';
import { cleanOcrText } from '#core/extraction/ocr-repair.ts';
import { DEFAULT_RENDER_OPTIONS, renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { languageDataDir, MIN_OCR_CONFIDENCE } from '#local/bedrock/ocr.ts';
import { extractFields, fieldsFromSchema } from '#local/bedrock/rule-extractor.ts';

const [dir, prefix = ''] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npx tsx test/bench/ocr-levers.ts <dir> [prefixes]');
const env = process.env;
const longEdge = Number(env.LONG_EDGE ?? DEFAULT_RENDER_OPTIONS.longEdgePx);
const despeckle = Number(env.DESPECKLE ?? 0);
const params: Record<string, string> = {};
if (env.PSM) params.tessedit_pageseg_mode = env.PSM;
if (env.PIS) params.preserve_interword_spaces = env.PIS;
if (env.DPI) params.user_defined_dpi = env.DPI;

const versionDir = 'prompts/medical-record/v2.1.0';
const metadata = JSON.parse(await readFile(join(versionDir, 'metadata.json'), 'utf8'));
const fields = fieldsFromSchema(
  JSON.parse(await readFile(join(versionDir, 'schema.json'), 'utf8')),
);
const files = (await readdir(dir))
  .filter((file) => file.endsWith('.pdf') && prefix.split(',').some((p) => file.startsWith(p)))
  .sort();

const worker = await createWorker('eng', OEM.LSTM_ONLY, {
  langPath: languageDataDir(),
  gzip: true,
  cacheMethod: 'none',
});
if (Object.keys(params).length > 0) {
  await worker.setParameters(params as { tessedit_pageseg_mode?: PSM });
}

/** Whitens dark 8-connected components of at most `max` pixels (and their grey rim). */
const removeSpeckle = async (image: Uint8Array, max: number): Promise<Buffer> => {
  const picture = await loadImage(Buffer.from(image));
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const { width, height } = canvas;
  const pixels = context.getImageData(0, 0, width, height);
  const data = pixels.data;
  const dark = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i += 1) dark[i] = (data[i * 4] ?? 255) < 128 ? 1 : 0;
  const seen = new Uint8Array(width * height);
  const stack: number[] = [];
  const component: number[] = [];
  for (let start = 0; start < dark.length; start += 1) {
    if (dark[start] === 0 || seen[start] === 1) continue;
    component.length = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const at = stack.pop() as number;
      component.push(at);
      const x = at % width;
      const y = (at - x) / width;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const next = ny * width + nx;
          if (dark[next] === 1 && seen[next] === 0) {
            seen[next] = 1;
            stack.push(next);
          }
        }
      }
    }
    if (component.length > max) continue;
    for (const at of component) {
      const x = at % width;
      const y = (at - x) / width;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const next = ny * width + nx;
          if (dark[next] === 1 && next !== at) continue;
          data[next * 4] = 255;
          data[next * 4 + 1] = 255;
          data[next * 4 + 2] = 255;
        }
      }
    }
  }
  context.putImageData(pixels, 0, 0);
  return canvas.toBuffer('image/png');
};

const evaluations: Array<{ id: string; evaluation: DocumentEvaluation }> = [];
const ocrMs: number[] = [];
let unreadable = 0;
for (const file of files) {
  const bytes = await readFile(join(dir, file));
  const { pages } = await inspectPdf(bytes);
  const imagePages = pages.filter((page) => page.kind === 'image').map((page) => page.page);
  const rendered = await renderPages(bytes, imagePages, {
    ...DEFAULT_RENDER_OPTIONS,
    longEdgePx: longEdge,
    pageTimeoutMs: 120_000,
    documentTimeoutMs: 600_000,
  });
  const texts: string[] = [];
  for (const image of rendered) {
    const started = performance.now();
    const input =
      despeckle > 0 ? await removeSpeckle(image.data, despeckle) : Buffer.from(image.data);
    const result = await worker.recognize(input);
    ocrMs.push(performance.now() - started);
    const readable = result.data.confidence >= MIN_OCR_CONFIDENCE;
    if (!readable) unreadable += 1;
    texts.push(
      `[Page ${image.page} of ${pages.length}: scanned image, attached as the image block that follows]`,
      readable ? cleanOcrText(result.data.text) : '',
    );
  }
  const id = file.replace(/\.pdf$/, '');
  const truth = JSON.parse(await readFile(join(dir, `${id}.truth.json`), 'utf8'));
  const predicted = extractFields(texts.join('\n'), { fields });
  evaluations.push({ id, evaluation: evaluateDocument(metadata.fields, truth, predicted) });
}
await worker.terminate();

const round = (value: number) => Math.round(value * 1000) / 1000;
const summary = summarise(evaluations.map((entry) => entry.evaluation));
const byType = new Map<string, DocumentEvaluation[]>();
for (const entry of evaluations) {
  const type = entry.id.split('-')[0] ?? entry.id;
  byType.set(type, [...(byType.get(type) ?? []), entry.evaluation]);
}
console.log(
  JSON.stringify({
    lever: { longEdge, despeckle, ...params },
    documents: evaluations.length,
    pages: ocrMs.length,
    unreadable,
    microF1: round(summary.micro.f1),
    byType: Object.fromEntries([...byType].map(([t, l]) => [t, round(summarise(l).micro.f1)])),
    labs: round(summary.fields.labs?.f1 ?? Number.NaN),
    meds: round(summary.fields.medications?.f1 ?? Number.NaN),
    ocrMsPerPage: Math.round(ocrMs.reduce((s, m) => s + m, 0) / Math.max(ocrMs.length, 1)),
  }),
);
