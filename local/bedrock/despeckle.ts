/**
 * Despeckling for the local stand-in's OCR: a page image with only two grey
 * levels (a 1-bit fax page, which LoadDocument sends as a two-level PNG) has
 * its isolated dark specks of 1-2 pixels whitened before recognition, where
 * tesseract would read them as stray characters. Any other image (a grey
 * scan's JPEG) passes through unchanged.
 */
import { clearSpecks, MAX_SPECK_PIXELS } from '#core/extraction/specks.ts';

export { MAX_SPECK_PIXELS };

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
 * data that has at most `maxPixels` pixels (core/extraction/specks.ts).
 * Returns how many it whitened.
 */
export const removeSpecks = (
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  maxPixels: number = MAX_SPECK_PIXELS,
): number => {
  const size = width * height;
  if (rgba.length !== size * 4) throw new RangeError('pixel data does not match the size');
  const dark = new Uint8Array(size);
  for (let at = 0; at < size; at += 1) dark[at] = rgba[at * 4] === 0 ? 1 : 0;
  return clearSpecks(dark, width, height, maxPixels, (at) => {
    rgba[at * 4] = 255;
    rgba[at * 4 + 1] = 255;
    rgba[at * 4 + 2] = 255;
  });
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
  // The canvas (a native library) loads with the first PNG page, not with every stack.
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
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
