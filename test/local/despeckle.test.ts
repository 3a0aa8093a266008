/**
 * Despeckling before OCR: on a two-level bitmap, black 8-connected
 * components of 1-2 pixels are whitened and everything else is left exactly
 * as it was; images that are not two-level (grey PNG, JPEG) pass unchanged.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { isTwoLevel, prepareForOcr, removeSpecks } from '#local/bedrock/despeckle.ts';
import { summarise } from '#local/bedrock/image-blocks.ts';

/** RGBA data from rows of '#' (black) and '.' (white). */
const bitmap = (rows: readonly string[]) => {
  const width = rows[0]?.length ?? 0;
  const data = new Uint8ClampedArray(width * rows.length * 4);
  rows.forEach((row, y) => {
    [...row].forEach((cell, x) => {
      const at = (y * width + x) * 4;
      const value = cell === '#' ? 0 : 255;
      data.set([value, value, value, 255], at);
    });
  });
  return { data, width, height: rows.length };
};

const rowsOf = ({ data, width, height }: ReturnType<typeof bitmap>): string[] =>
  Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => (data[(y * width + x) * 4] === 0 ? '#' : '.')).join(''),
  );

describe('removeSpecks', () => {
  it('whitens components of 1-2 pixels (diagonals connect) and keeps larger ones exactly', () => {
    const image = bitmap([
      '#.......##',
      '.........#',
      '...#......',
      '....#.....',
      '..........',
      '.###...#.#',
      '.......#..',
      '#.........',
    ]);

    const removed = removeSpecks(image.data, image.width, image.height, 2);

    expect(removed).toBe(5);
    expect(rowsOf(image)).toEqual([
      '........##',
      '.........#',
      '..........',
      '..........',
      '..........',
      '.###......',
      '..........',
      '..........',
    ]);
    expect(isTwoLevel(image.data)).toBe(true);
  });

  it('leaves a bitmap without specks untouched, byte for byte', () => {
    const image = bitmap(['###.', '#...', '....', '.###']);
    const before = Uint8ClampedArray.from(image.data);

    expect(removeSpecks(image.data, image.width, image.height)).toBe(0);
    expect(image.data).toEqual(before);
  });

  it('refuses pixel data that does not match the size', () => {
    expect(() => removeSpecks(new Uint8ClampedArray(12), 2, 2)).toThrow(RangeError);
  });
});

describe('isTwoLevel', () => {
  it('is true only when every pixel is opaque pure black or white', () => {
    const image = bitmap(['#.', '.#']);
    expect(isTwoLevel(image.data)).toBe(true);
    image.data[4] = 128;
    image.data[5] = 128;
    image.data[6] = 128;
    expect(isTwoLevel(image.data)).toBe(false);
  });
});

describe('prepareForOcr', () => {
  const encode = (draw: (data: Uint8ClampedArray) => void, type: 'image/png' | 'image/jpeg') => {
    const canvas = createCanvas(8, 8);
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(8, 8);
    pixels.data.fill(255);
    draw(pixels.data);
    context.putImageData(pixels, 0, 0);
    return new Uint8Array(
      type === 'image/png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', 90),
    );
  };
  const speck = (data: Uint8ClampedArray) => data.set([0, 0, 0, 255], (3 * 8 + 3) * 4);

  it('despeckles a two-level PNG', async () => {
    const prepared = await prepareForOcr(encode(speck, 'image/png'));
    expect(prepared).toMatchObject({ despeckled: true, specks: 1 });
  });

  it('passes a grey PNG and a JPEG through unchanged', async () => {
    const greyPng = encode((data) => {
      speck(data);
      data.set([128, 128, 128, 255], 0);
    }, 'image/png');
    const jpeg = encode(speck, 'image/jpeg');

    const fromGrey = await prepareForOcr(greyPng);
    const fromJpeg = await prepareForOcr(jpeg);

    expect(fromGrey).toEqual({ image: greyPng, despeckled: false, specks: 0 });
    expect(fromJpeg).toEqual({ image: jpeg, despeckled: false, specks: 0 });
  });
});

describe('the OCR summary in the answer', () => {
  it('says how many pages were despeckled', () => {
    const page = { text: 'x', confidence: 90, readable: true, ms: 1 };
    const summary = summarise([{ ...page, despeckled: true }, page], 'stub OCR');
    expect(summary).toMatchObject({ pages: 2, despeckledPages: 1 });
  });
});
