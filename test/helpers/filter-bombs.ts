/**
 * Hostile PDFs for the decompression limits: one content stream behind a
 * chosen filter chain (text filters in front of Flate, LZW, RunLength, an
 * indirect /Filter), built in memory from the 2 GiB double-Flate stream of
 * the committed bomb fixture or from encoders written here.
 */
import { decompressionBombPdf } from './pdf-fixtures.ts';

/** The raw stream of the committed fixture: [/FlateDecode /FlateDecode] over 2 GiB of zeros. */
export const doubleFlateZeros = (): Buffer => {
  const pdf = decompressionBombPdf();
  const text = pdf.toString('latin1');
  const start = text.indexOf('stream\n') + 'stream\n'.length;
  const end = text.lastIndexOf('\nendstream');
  return pdf.subarray(start, end);
};

/** A one-page PDF whose content stream is `data` with dictionary entries `filter` (e.g. `/Filter /FlateDecode`). */
export const pdfWithContentStream = (
  data: Buffer,
  filter: string,
  extraObjects: readonly string[] = [],
): Buffer => {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  const size = () => parts.reduce((n, p) => n + p.length, 0);
  objects.forEach((body, i) => {
    offsets.push(size());
    parts.push(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`));
  });
  offsets.push(size());
  parts.push(Buffer.from(`4 0 obj\n<< /Length ${data.length} ${filter} >>\nstream\n`));
  parts.push(data, Buffer.from('\nendstream\nendobj\n'));
  extraObjects.forEach((body, i) => {
    offsets.push(size());
    parts.push(Buffer.from(`${i + 5} 0 obj\n${body}\nendobj\n`));
  });
  const xref = size();
  const count = offsets.length + 1;
  const entries = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${count}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
};

/** ASCIIHexDecode's encoding, with line breaks as producers write it. */
export const asciiHex = (data: Buffer): Buffer =>
  Buffer.from(`${data.toString('hex').replace(/(.{128})/g, '$1\n')}>`, 'latin1');

/** ASCII85Decode's encoding (`z` for zero groups), ending in `~>`. */
export const ascii85 = (data: Buffer): Buffer => {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const chunk = Buffer.alloc(4);
    data.copy(chunk, 0, i, Math.min(i + 4, data.length));
    const n = Math.min(4, data.length - i);
    let value = chunk.readUInt32BE(0);
    if (value === 0 && n === 4) {
      out += 'z';
      continue;
    }
    const digits: string[] = [];
    for (let d = 0; d < 5; d += 1) {
      digits.unshift(String.fromCharCode((value % 85) + 33));
      value = Math.floor(value / 85);
    }
    out += digits.slice(0, n + 1).join('');
  }
  return Buffer.from(`${out}~>`, 'latin1');
};

/** RunLengthDecode data that expands to `bytes` zeros (128 per two-byte run). */
export const runLengthZeros = (bytes: number): Buffer => {
  const runs = Math.ceil(bytes / 128);
  const out = Buffer.alloc(runs * 2 + 1);
  for (let i = 0; i < runs; i += 1) out[i * 2] = 129; // 257 - 129 = 128 copies of the next byte
  out[runs * 2] = 128; // end of data
  return out;
};

/**
 * LZWDecode data (EarlyChange 1) for `cycles` runs of the code table over
 * zeros: each code is the previous one plus a zero, so one table of 4,096
 * codes (about 5.5 KB) expands to about 7.4 MB.
 */
export const lzwZeros = (cycles: number): Buffer => {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  const emit = (code: number, width: number) => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      bytes.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  let width = 9;
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    emit(256, width);
    width = 9;
    emit(0, width);
    for (let next = 258; next < 4095; ) {
      emit(next, width);
      next += 1;
      if (next + 1 >= 1 << width && width < 12) width += 1;
    }
  }
  emit(257, width);
  if (bits > 0) bytes.push((acc << (8 - bits)) & 0xff);
  return Buffer.from(bytes);
};

/** Zeros an LZW stream of `cycles` tables expands to: 1 + (2 + 3 + ... + 3838) per table. */
export const lzwZerosLength = (cycles: number): number => cycles * (1 + ((2 + 3838) * 3837) / 2);
