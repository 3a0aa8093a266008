/**
 * Prepares a page image for OCR in the local stand-in: upscaling (smoothed)
 * so small print reaches the glyph size tesseract reads best (a 1568 px
 * Letter page is about 140 dpi; tesseract is tuned near 300), then a global
 * threshold that keeps only dark pixels. A fax's isolated speckle, averaged
 * to light grey when the page is rendered down to 1568 px, drops out, while
 * strokes stay black. Measured on a 1-bit faxed lab page: without it
 * tesseract read `9.9` as `99` and `fL` as `iL`. The image Bedrock gets is
 * unchanged: only the OCR input is prepared.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface OcrPreparation {
  /** Factor applied to both edges before recognition (1 = none). */
  readonly scale: number;
  /**
   * Grey level (0-255) under which an upscaled pixel becomes black, every
   * other pixel white; null keeps the grey image.
   */
  readonly threshold: number | null;
}

export const DEFAULT_OCR_PREPARATION: OcrPreparation = { scale: 2, threshold: 80 };

/** PNG or JPEG bytes in, PNG bytes out, prepared for recognition. */
export const prepareForOcr = async (
  image: Uint8Array,
  preparation: OcrPreparation = DEFAULT_OCR_PREPARATION,
): Promise<Uint8Array> => {
  if (preparation.scale === 1 && preparation.threshold === null) return image;
  const decoded = await loadImage(Buffer.from(image));
  const width = Math.round(decoded.width * preparation.scale);
  const height = Math.round(decoded.height * preparation.scale);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(decoded, 0, 0, width, height);
  if (preparation.threshold !== null) {
    const pixels = context.getImageData(0, 0, width, height);
    const rgba = pixels.data;
    for (let o = 0; o < rgba.length; o += 4) {
      const grey = 0.299 * (rgba[o] ?? 0) + 0.587 * (rgba[o + 1] ?? 0) + 0.114 * (rgba[o + 2] ?? 0);
      const value = grey < preparation.threshold ? 0 : 255;
      rgba[o] = value;
      rgba[o + 1] = value;
      rgba[o + 2] = value;
      rgba[o + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
  }
  return new Uint8Array(canvas.toBuffer('image/png'));
};
