/**
 * Child process of page-ocr-engines.test.ts: reads one small rendered line
 * of text through LoadDocument's OCR on the process's warm engines, stops
 * nothing, and prints, once its event loop has drained, what it read and
 * the engines it still holds.
 */
import { createCanvas } from '@napi-rs/canvas';
import { isOcrMiss, ocrPageGeometry } from '#functions/load-document/page-ocr.ts';
import { warmOcrEngines } from '#functions/load-document/page-ocr-engines.ts';

const canvas = createCanvas(600, 80);
const context = canvas.getContext('2d');
context.fillStyle = '#ffffff';
context.fillRect(0, 0, 600, 80);
context.fillStyle = '#000000';
context.font = '32px sans-serif';
context.fillText('Synthetic test record', 20, 52);

const results = await ocrPageGeometry([
  {
    page: 1,
    data: new Uint8Array(canvas.toBuffer('image/png')),
    widthPx: 600,
    heightPx: 80,
    view: [0, 0, 432, 57.6],
  },
]);
const read = results.map((result) => (isOcrMiss(result) ? result.reason : 'read'));
process.once('beforeExit', () => {
  console.log(JSON.stringify({ read, atExit: warmOcrEngines.stats() }));
});
