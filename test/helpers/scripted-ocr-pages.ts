/**
 * Page images for scripted OCR engines: each image's first byte says how
 * long the engine takes to read it (x10 ms; 255 makes it throw), so the
 * budget and engine-pool tests script timings without real OCR.
 */
import type { OcrPageImage } from '#functions/load-document/page-ocr.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const pages = (...tensOfMs: number[]): OcrPageImage[] =>
  tensOfMs.map((tens, index) => ({
    page: index + 1,
    data: Uint8Array.of(tens),
    widthPx: 100,
    heightPx: 100,
    view: [0, 0, 100, 100],
  }));
