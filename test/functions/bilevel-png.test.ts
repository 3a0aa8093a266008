/**
 * Despeckling the render worker's 1-bit PNG before LoadDocument's OCR: dark
 * specks of 1-2 pixels are cleared and everything else stays as it was; a
 * real fax render comes back two-level, same size, with no specks left; a
 * PNG of another shape and a JPEG are left to be read unchanged.
 */
import { crc32, deflateSync } from 'node:zlib';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it, vi } from 'vitest';
import { despeckleBilevelPng } from '#functions/load-document/bilevel-png.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { isTwoLevel, removeSpecks } from '#local/bedrock/despeckle.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

const chunk = (type: string, body: Buffer): Buffer => {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
};

/** A PNG from rows of '#' (black) and '.' (white), at `bitDepth` 1 (packed) or 8. */
const png = (rows: readonly string[], bitDepth: 1 | 8 = 1): Uint8Array => {
  const width = rows[0]?.length ?? 0;
  const rowBytes = bitDepth === 1 ? Math.ceil(width / 8) : width;
  const raw = Buffer.alloc((rowBytes + 1) * rows.length);
  rows.forEach((row, y) => {
    [...row].forEach((cell, x) => {
      if (cell === '#') return;
      const at = y * (rowBytes + 1) + 1;
      if (bitDepth === 1) raw[at + (x >> 3)] = (raw[at + (x >> 3)] ?? 0) | (0x80 >> (x & 7));
      else raw[at + x] = 255;
    });
  });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(rows.length, 4);
  header.set([bitDepth, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

const decode = async (image: Uint8Array) => {
  const picture = await loadImage(Buffer.from(image));
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  return context.getImageData(0, 0, picture.width, picture.height);
};

const rowsOf = async (image: Uint8Array): Promise<string[]> => {
  const { data, width, height } = await decode(image);
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => (data[(y * width + x) * 4] === 0 ? '#' : '.')).join(''),
  );
};

describe('despeckleBilevelPng', () => {
  it('clears 1-2 pixel specks and keeps strokes, pixel for pixel', async () => {
    const rows = ['#.........', '.....###..', '..##.###..', '.....###..', '.........#'];
    const result = despeckleBilevelPng(png(rows));
    expect(result?.specks).toBe(3);
    expect(await rowsOf(result?.png ?? new Uint8Array())).toEqual([
      '..........',
      '.....###..',
      '.....###..',
      '.....###..',
      '..........',
    ]);
  });

  it('leaves a PNG of another shape and a JPEG to be read unchanged', () => {
    expect(despeckleBilevelPng(png(['#..', '...'], 8))).toBeNull();
    expect(despeckleBilevelPng(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]))).toBeNull();
  });

  it('despeckles a real fax render: two-level, same size, no specks left', async () => {
    const fax = await scanPdf(await recordPdf(), {
      ...DEFAULT_SCAN_OPTIONS,
      dpi: 150,
      fax: true,
      seed: 'bilevel-png',
    });
    const [page] = await renderPages(new Uint8Array(fax), [1]);
    expect(page?.bilevel).toBe(true);
    const result = despeckleBilevelPng(page?.data ?? new Uint8Array());
    expect(result?.specks).toBeGreaterThan(0);
    const after = await decode(result?.png ?? new Uint8Array());
    expect([after.width, after.height]).toEqual([page?.width, page?.height]);
    expect(isTwoLevel(after.data)).toBe(true);
    expect(removeSpecks(after.data, after.width, after.height)).toBe(0);
  });
});
