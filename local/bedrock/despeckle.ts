/**
 * Despeckling for the local stand-in's OCR: a page image with only two grey
 * levels (a 1-bit fax page, which LoadDocument sends as a two-level PNG) has
 * its isolated dark specks of 1-2 pixels whitened before recognition, where
 * tesseract would read them as stray characters. Any other image (a grey
 * scan's JPEG) passes through unchanged.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

/** Dark 8-connected components of at most this many pixels are fax speckle. */
export const MAX_SPECK_PIXELS = 2;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether every pixel of RGBA data is pure black or pure white and opaque. */
export const isTwoLevel = (rgba: Uint8ClampedArray | Uint8Array): boolean => {
  for (let i = 0; i < rgba.length; i += 4) {
    const value = rgba[i];
    if ((value !== 0 && value !== 255) || rgba[i + 1] !== value || rgba[i + 2] !== value) {
      return false;
    }
    if (rgba[i + 3] !== 255) return false;
  }
  return true;
};

/**
 * Whitens, in place, every black 8-connected component of two-level RGBA
 * data that has at most `maxPixels` pixels. Returns how many it whitened.
 */
export const removeSpecks = (
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  maxPixels: number = MAX_SPECK_PIXELS,
): number => {
  const size = width * height;
  if (rgba.length !== size * 4) throw new RangeError('pixel data does not match the size');
  const seen = new Uint8Array(size);
  const stack = new Int32Array(size);
  const component = new Int32Array(maxPixels + 1);
  let removed = 0;
  for (let start = 0; start < size; start += 1) {
    if (seen[start] === 1 || rgba[start * 4] !== 0) continue;
    let top = 0;
    let count = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const at = stack[--top] as number;
      if (count <= maxPixels) component[count] = at;
      count += 1;
      const x = at % width;
      const y = (at - x) / width;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (seen[next] === 0 && rgba[next * 4] === 0) {
            seen[next] = 1;
            stack[top++] = next;
          }
        }
      }
    }
    if (count > maxPixels) continue;
    for (let k = 0; k < count; k += 1) {
      const at = (component[k] as number) * 4;
      rgba[at] = 255;
      rgba[at + 1] = 255;
      rgba[at + 2] = 255;
    }
    removed += 1;
  }
  return removed;
};

export interface PreparedImage {
  /** The image to recognise: the input itself, or a despeckled PNG. */
  readonly image: Uint8Array;
  /** Whether the image had two levels and was despeckled. */
  readonly despeckled: boolean;
  /** Specks whitened. */
  readonly specks: number;
}

/** Despeckles a two-level PNG; returns any other image as it is (JPEG is never two-level). */
export const prepareForOcr = async (image: Uint8Array): Promise<PreparedImage> => {
  const unchanged = { image, despeckled: false, specks: 0 };
  if (!PNG_SIGNATURE.every((byte, i) => image[i] === byte)) return unchanged;
  const picture = await loadImage(Buffer.from(image));
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  if (!isTwoLevel(pixels.data)) return unchanged;
  const specks = removeSpecks(pixels.data, canvas.width, canvas.height);
  context.putImageData(pixels, 0, 0);
  return { image: new Uint8Array(canvas.toBuffer('image/png')), despeckled: true, specks };
};
