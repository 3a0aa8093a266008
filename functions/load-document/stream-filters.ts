/**
 * Decoders for the PDF stream filters pdf.js applies while reading text
 * (FlateDecode, LZWDecode, ASCIIHexDecode, ASCII85Decode, RunLengthDecode),
 * each writing into a caller-given output cap so a chain of them can be
 * measured against one decompression budget without ever holding more than
 * the budget in memory.
 */
import { constants } from 'node:buffer';
import { inflateSync } from 'node:zlib';

/** The decoded output would pass the cap; decoding stopped there. */
export class OutputCapExceeded extends Error {
  override readonly name = 'OutputCapExceeded';
}

/** A stream the filter cannot decode; pdf.js reports such streams itself. */
export class UndecodableStream extends Error {
  override readonly name = 'UndecodableStream';
}

export type StreamFilter =
  | 'FlateDecode'
  | 'LZWDecode'
  | 'ASCIIHexDecode'
  | 'ASCII85Decode'
  | 'RunLengthDecode';

/** Full and abbreviated (inline image) names pdf.js accepts, to the filter they mean. */
const FILTER_NAMES: Readonly<Record<string, StreamFilter>> = {
  FlateDecode: 'FlateDecode',
  Fl: 'FlateDecode',
  LZWDecode: 'LZWDecode',
  LZW: 'LZWDecode',
  ASCIIHexDecode: 'ASCIIHexDecode',
  AHx: 'ASCIIHexDecode',
  ASCII85Decode: 'ASCII85Decode',
  A85: 'ASCII85Decode',
  RunLengthDecode: 'RunLengthDecode',
  RL: 'RunLengthDecode',
};

/** The filter a PDF name stands for, or undefined for image and crypt filters (not expanded here). */
export const filterNamed = (name: string): StreamFilter | undefined => FILTER_NAMES[name];

/**
 * Growable output that refuses to pass `cap` bytes. Counting only, it keeps
 * no bytes at all: the last filter of a chain needs only its size.
 */
class CappedOutput {
  private buffer: Uint8Array;
  length = 0;

  constructor(
    private readonly cap: number,
    sizeHint: number,
    private readonly countOnly: boolean,
  ) {
    this.buffer = new Uint8Array(countOnly ? 0 : Math.max(16, Math.min(sizeHint, cap)));
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed > this.cap) throw new OutputCapExceeded();
    if (this.countOnly || needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.min(this.cap, Math.max(needed, this.buffer.length * 2)));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  push(byte: number): void {
    this.reserve(1);
    if (!this.countOnly) this.buffer[this.length] = byte;
    this.length += 1;
  }

  pushAll(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    if (!this.countOnly) this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  fill(byte: number, count: number): void {
    this.reserve(count);
    if (!this.countOnly) this.buffer.fill(byte, this.length, this.length + count);
    this.length += count;
  }

  /** Counts `count` bytes without writing them (counting mode only). */
  skip(count: number): void {
    this.reserve(count);
    this.length += count;
  }

  result(): DecodedStream {
    return { bytes: this.buffer.subarray(0, this.length), length: this.length };
  }
}

const isWhitespace = (byte: number): boolean =>
  byte === 0x20 ||
  byte === 0x0a ||
  byte === 0x0d ||
  byte === 0x09 ||
  byte === 0x0c ||
  byte === 0x00;

const isZlibHeader = (data: Uint8Array): boolean =>
  data.length >= 2 &&
  (data[0] ?? 0) % 16 === 8 &&
  ((data[0] ?? 0) * 256 + (data[1] ?? 0)) % 31 === 0;

const flate = (data: Uint8Array, cap: number): DecodedStream => {
  // pdf.js refuses a stream without a valid zlib header, so it expands nothing.
  if (!isZlibHeader(data)) throw new UndecodableStream('no zlib header');
  try {
    // Z_SYNC_FLUSH: a truncated stream still yields what it holds, as in pdf.js.
    const maxOutputLength = Math.max(1, Math.min(cap, constants.MAX_LENGTH));
    const bytes = inflateSync(data, { maxOutputLength, finishFlush: 2 });
    return { bytes, length: bytes.length };
  } catch (error) {
    if (error instanceof RangeError) throw new OutputCapExceeded();
    throw new UndecodableStream('damaged deflate data');
  }
};

const hexValue = (byte: number): number => {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
};

const asciiHex = (data: Uint8Array, cap: number, countOnly: boolean): DecodedStream => {
  const out = new CappedOutput(cap, data.length / 2, countOnly);
  let high = -1;
  for (const byte of data) {
    if (byte === 0x3e) break; // '>' ends the data
    const value = hexValue(byte);
    if (value < 0) continue; // white space and junk are skipped, as pdf.js does
    if (high < 0) {
      high = value;
    } else {
      out.push(high * 16 + value);
      high = -1;
    }
  }
  if (high >= 0) out.push(high * 16);
  return out.result();
};

const ascii85 = (data: Uint8Array, cap: number, countOnly: boolean): DecodedStream => {
  const out = new CappedOutput(cap, (data.length * 4) / 5, countOnly);
  const group: number[] = [];
  const flush = (count: number) => {
    let value = 0;
    for (let i = 0; i < 5; i += 1) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < count; i += 1) out.push((value >>> (24 - 8 * i)) & 0xff);
    group.length = 0;
  };
  for (const byte of data) {
    if (byte === 0x7e) break; // '~' starts the '~>' end marker
    if (isWhitespace(byte)) continue;
    if (byte === 0x7a && group.length === 0) {
      out.fill(0, 4); // 'z' is four zero bytes: the filter's own expansion
      continue;
    }
    if (byte < 0x21 || byte > 0x75) throw new UndecodableStream('not ASCII85');
    group.push(byte - 0x21);
    if (group.length === 5) flush(4);
  }
  if (group.length > 1) flush(group.length - 1);
  return out.result();
};

const runLength = (data: Uint8Array, cap: number, countOnly: boolean): DecodedStream => {
  const out = new CappedOutput(cap, data.length * 2, countOnly);
  let i = 0;
  while (i < data.length) {
    const length = data[i] ?? 128;
    i += 1;
    if (length === 128) break;
    if (length < 128) {
      out.pushAll(data.subarray(i, i + length + 1));
      i += length + 1;
    } else {
      out.fill(data[i] ?? 0, 257 - length);
      i += 1;
    }
  }
  return out.result();
};

/** LZW as PDF uses it: 9 to 12 bit codes, 256 clears, 257 ends, `EarlyChange` 1 by default. */
const lzw = (
  data: Uint8Array,
  cap: number,
  earlyChange: number,
  countOnly: boolean,
): DecodedStream => {
  const out = new CappedOutput(cap, data.length * 2, countOnly);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  const firstByte = new Uint8Array(4096);
  for (let code = 0; code < 256; code += 1) {
    prefix[code] = -1;
    suffix[code] = code;
    length[code] = 1;
    firstByte[code] = code;
  }
  let next = 258;
  let width = 9;
  let previous = -1;
  let bits = 0;
  let bitCount = 0;
  const scratch = new Uint8Array(4096);

  const emit = (code: number): number => {
    const size = length[code] ?? 0;
    if (countOnly) {
      out.skip(size);
      return firstByte[code] ?? 0;
    }
    let c = code;
    for (let at = size - 1; at >= 0; at -= 1) {
      scratch[at] = suffix[c] ?? 0;
      c = prefix[c] ?? -1;
    }
    out.pushAll(scratch.subarray(0, size));
    return scratch[0] ?? 0;
  };

  for (const byte of data) {
    bits = ((bits << 8) | byte) >>> 0;
    bitCount += 8;
    while (bitCount >= width) {
      const code = (bits >>> (bitCount - width)) & ((1 << width) - 1);
      bitCount -= width;
      if (code === 256) {
        next = 258;
        width = 9;
        previous = -1;
        continue;
      }
      if (code === 257) return out.result();
      if (previous < 0) {
        if (code > 255) throw new UndecodableStream('LZW starts with a table code');
        emit(code);
        previous = code;
        continue;
      }
      let first: number;
      if (code < next) {
        first = emit(code);
      } else if (code === next) {
        first = emit(previous);
        out.push(first);
      } else {
        throw new UndecodableStream('LZW code out of range');
      }
      if (next < 4096) {
        prefix[next] = previous;
        suffix[next] = first;
        length[next] = (length[previous] ?? 0) + 1;
        firstByte[next] = firstByte[previous] ?? 0;
        next += 1;
      }
      if (next + earlyChange >= 1 << width && width < 12) width += 1;
      previous = code;
    }
  }
  return out.result();
};

export interface DecodeOptions {
  /** LZWDecode's `/EarlyChange` (default 1). */
  readonly earlyChange?: number;
  /** Count the output without keeping it (the last filter of a chain); Flate keeps it regardless. */
  readonly countOnly?: boolean;
}

/** A decoded stream; `bytes` is empty when only counted. */
export interface DecodedStream {
  readonly bytes: Uint8Array;
  readonly length: number;
}

/**
 * Decodes `data` with one filter, producing at most `cap` bytes.
 *
 * @throws OutputCapExceeded when the output would pass `cap`
 * @throws UndecodableStream when the data is not valid for the filter
 */
export const decodeStream = (
  filter: StreamFilter,
  data: Uint8Array,
  cap: number,
  options: DecodeOptions = {},
): DecodedStream => {
  const countOnly = options.countOnly ?? false;
  switch (filter) {
    case 'FlateDecode':
      return flate(data, cap);
    case 'ASCIIHexDecode':
      return asciiHex(data, cap, countOnly);
    case 'ASCII85Decode':
      return ascii85(data, cap, countOnly);
    case 'RunLengthDecode':
      return runLength(data, cap, countOnly);
    case 'LZWDecode':
      return lzw(data, cap, options.earlyChange ?? 1, countOnly);
  }
};
