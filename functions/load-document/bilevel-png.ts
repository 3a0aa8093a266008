/**
 * Despeckles the 1-bit PNG the render worker writes for a fax page before
 * LoadDocument's OCR reads it, as the local stand-in does before its own
 * OCR (ADR 32), so the two readings of one page see the same pixels and fax
 * speckle is not read as stray `.` or `,` in the grounding text (ADR 35).
 * Only the PNG shape the worker writes is read (1-bit greyscale, one row
 * filter `None` each, no interlace); anything else is returned as null and
 * read unchanged. The image sent to the model is not touched.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { clearSpecks } from '#core/extraction/specks.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Chunk {
  readonly type: string;
  readonly body: Buffer;
}

const chunksOf = (png: Buffer): Chunk[] | null => {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) return null;
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    if (at + 12 + length > png.length) return null;
    chunks.push({
      type: png.toString('latin1', at + 4, at + 8),
      body: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
};

const chunk = (type: string, body: Buffer): Buffer => {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
};

/** The PNG with its specks cleared, or null when it is not a 1-bit greyscale PNG of the worker's shape. */
export const despeckleBilevelPng = (
  png: Uint8Array,
): { png: Uint8Array; specks: number } | null => {
  const chunks = chunksOf(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  const header = chunks?.find((part) => part.type === 'IHDR')?.body;
  if (!chunks || !header || header.length !== 13) return null;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  // bit depth 1, greyscale, deflate, filter method 0, no interlace
  if (!header.subarray(8).equals(Buffer.from([1, 0, 0, 0, 0]))) return null;
  const rowBytes = Math.ceil(width / 8);
  let raw: Buffer;
  try {
    raw = inflateSync(
      Buffer.concat(chunks.filter((part) => part.type === 'IDAT').map((part) => part.body)),
    );
  } catch {
    return null;
  }
  if (raw.length !== (rowBytes + 1) * height) return null;
  const dark = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (rowBytes + 1);
    if (raw[row] !== 0) return null;
    for (let x = 0; x < width; x += 1) {
      // A set bit is white in a greyscale PNG.
      dark[y * width + x] = ((raw[row + 1 + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) === 0 ? 1 : 0;
    }
  }
  const specks = clearSpecks(dark, width, height, undefined, (at) => {
    const x = at % width;
    const y = (at - x) / width;
    const index = y * (rowBytes + 1) + 1 + (x >> 3);
    raw[index] = (raw[index] ?? 0) | (0x80 >> (x & 7));
  });
  if (specks === 0) return { png, specks };
  return {
    png: Buffer.concat([
      SIGNATURE,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
    specks,
  };
};
