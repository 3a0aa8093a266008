/**
 * OCR input preparation in the local stand-in: the page is upscaled and
 * thresholded, so a fax's light-grey speckle drops out while dark strokes
 * stay black, and the output is a PNG at the scaled size.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { imageSize } from '#local/bedrock/image-size.ts';
import { DEFAULT_OCR_PREPARATION, prepareForOcr } from '#local/bedrock/ocr-preprocess.ts';

/** A white 40x20 JPEG with a black bar at x 5-14 and a light-grey dot at (30, 10). */
const page = (): Uint8Array => {
  const canvas = createCanvas(40, 20);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 40, 20);
  context.fillStyle = '#000000';
  context.fillRect(5, 5, 10, 10);
  context.fillStyle = '#a0a0a0';
  context.fillRect(29, 9, 3, 3);
  return new Uint8Array(canvas.toBuffer('image/png'));
};

const greyAt = async (png: Uint8Array, x: number, y: number): Promise<number> => {
  const { loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return context.getImageData(x, y, 1, 1).data[0] ?? -1;
};

describe('prepareForOcr', () => {
  it('upscales by the factor and keeps dark strokes while light speckle turns white', async () => {
    // Act
    const prepared = await prepareForOcr(page(), DEFAULT_OCR_PREPARATION);

    // Assess
    const scale = DEFAULT_OCR_PREPARATION.scale;
    expect(imageSize(prepared)).toEqual({ width: 40 * scale, height: 20 * scale });
    expect(await greyAt(prepared, 10 * scale, 10 * scale)).toBe(0);
    expect(await greyAt(prepared, 30 * scale, 10 * scale)).toBe(255);
    expect(await greyAt(prepared, 2 * scale, 2 * scale)).toBe(255);
  });

  it('keeps grey levels without a threshold and returns the input unchanged with nothing to do', async () => {
    const input = page();
    const grey = await prepareForOcr(input, { scale: 1, threshold: null });
    expect(grey).toBe(input);
    const scaled = await prepareForOcr(input, { scale: 2, threshold: null });
    const dot = await greyAt(scaled, 60, 20);
    expect(dot).toBeGreaterThan(100);
    expect(dot).toBeLessThan(255);
  });
});
