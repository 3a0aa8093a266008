/**
 * Fax speckle on a two-level bitmap: finds the dark 8-connected components
 * of at most a few pixels, which an OCR engine reads as stray characters
 * (`.`, `,`, `'`), and clears them. Pure: works on a mask of dark pixels, one
 * byte each, so LoadDocument's OCR (over its own 1-bit PNG) and the local
 * stand-in's (over decoded RGBA) share it.
 */

/** Dark 8-connected components of at most this many pixels are fax speckle. */
export const MAX_SPECK_PIXELS = 2;

/**
 * Clears, in place, every dark 8-connected component of `dark` (1 = dark,
 * 0 = light, row-major `width` x `height`) with at most `maxPixels` pixels,
 * calling `clear` with each cleared pixel's index. Returns how many
 * components it cleared.
 */
export const clearSpecks = (
  dark: Uint8Array,
  width: number,
  height: number,
  maxPixels: number = MAX_SPECK_PIXELS,
  clear: (index: number) => void = () => undefined,
): number => {
  const size = width * height;
  if (dark.length !== size) throw new RangeError('the mask does not match the size');
  const seen = new Uint8Array(size);
  const stack = new Int32Array(size);
  const component = new Int32Array(maxPixels + 1);
  let removed = 0;
  for (let start = 0; start < size; start += 1) {
    if (seen[start] === 1 || dark[start] !== 1) continue;
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
          if (seen[next] === 0 && dark[next] === 1) {
            seen[next] = 1;
            stack[top++] = next;
          }
        }
      }
    }
    if (count > maxPixels) continue;
    for (let k = 0; k < count; k += 1) {
      const at = component[k] as number;
      dark[at] = 0;
      clear(at);
    }
    removed += 1;
  }
  return removed;
};
