/**
 * Resource limits LoadDocument cannot be talked out of: every stream filter
 * and chain of them counts against the decompression budget before pdf.js
 * runs, and pdf.js itself runs in a worker whose memory and time are capped,
 * so a bomb the budget misses still ends quickly with bounded memory. Peak
 * memory and elapsed time are measured and printed.
 */
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BadDocumentError } from '#contracts/errors.ts';
import {
  checkInflatedSize,
  DEFAULT_LIMITS,
  type DocumentLimits,
  inspectPdf,
} from '#functions/load-document/pdf-inspection.ts';
import { extractInWorker } from '#functions/load-document/pdf-text-worker.ts';
import { decodeStream, OutputCapExceeded } from '#functions/load-document/stream-filters.ts';
import {
  ascii85,
  asciiHex,
  doubleFlateZeros,
  lzwZeros,
  lzwZerosLength,
  pdfWithContentStream,
  runLengthZeros,
} from '#test/helpers/filter-bombs.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

const MiB = 1024 * 1024;
const measurements: string[] = [];

afterAll(() => {
  // The figures quoted in the docs come from this output.
  console.log(`pdf limits, measured:\n${measurements.join('\n')}`);
});

/** Runs `inspectPdf`, sampling this process's RSS every 10 ms; returns the reason, time and peak growth. */
const measure = async (
  name: string,
  bytes: Uint8Array,
  limits: DocumentLimits = DEFAULT_LIMITS,
) => {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const started = performance.now();
  let reason = 'OK';
  try {
    await inspectPdf(bytes, limits);
  } catch (error) {
    if (!(error instanceof BadDocumentError)) throw error;
    reason = error.reason;
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  const seconds = (performance.now() - started) / 1000;
  const growthMb = (peak - baseline) / MiB;
  measurements.push(
    `  ${name}: ${reason} in ${seconds.toFixed(2)} s, file ${(bytes.length / 1024).toFixed(0)} KiB, ` +
      `peak RSS ${(peak / MiB).toFixed(0)} MiB (+${growthMb.toFixed(0)} MiB)`,
  );
  return { reason, seconds, growthMb };
};

describe('stream decoders', () => {
  it.each([
    ['ASCIIHexDecode', '48 65 6c\n6C 6f>ignored', 'Hello'],
    ['ASCIIHexDecode', '414>', 'A@'],
    ['ASCII85Decode', '87cURD]i,"Ebo7~>', 'Hello World'],
    ['ASCII85Decode', 'z~>', '\0\0\0\0'],
  ] as const)('%s decodes %j', (filter, encoded, decoded) => {
    expect(
      Buffer.from(decodeStream(filter, Buffer.from(encoded, 'latin1'), 1_000).bytes).toString(
        'latin1',
      ),
    ).toBe(decoded);
  });

  it('decodes RunLength literal and repeat runs up to the end marker', () => {
    // Prepare: 3 literal bytes, then 'x' three times, then end of data and junk.
    const data = Buffer.from([2, 0x61, 0x62, 0x63, 254, 0x78, 128, 0x7a]);

    // Act / Assess
    expect(Buffer.from(decodeStream('RunLengthDecode', data, 100).bytes).toString('latin1')).toBe(
      'abcxxx',
    );
  });

  it("decodes the PDF reference's LZW example", () => {
    // Prepare: "-----A---B" as codes 256 45 258 258 65 259 66 257.
    const data = Buffer.from([0x80, 0x0b, 0x60, 0x50, 0x22, 0x0c, 0x0c, 0x85, 0x01]);

    // Act / Assess
    expect(Buffer.from(decodeStream('LZWDecode', data, 100).bytes).toString('latin1')).toBe(
      '-----A---B',
    );
  });

  it('decodes a full LZW table over zeros to the exact length, kept or only counted', () => {
    // Act
    const kept = decodeStream('LZWDecode', lzwZeros(2), 100 * MiB);
    const counted = decodeStream('LZWDecode', lzwZeros(2), 100 * MiB, { countOnly: true });

    // Assess
    expect(kept.length).toBe(lzwZerosLength(2));
    expect(kept.bytes.every((b) => b === 0)).toBe(true);
    expect(counted).toEqual({ bytes: new Uint8Array(0), length: lzwZerosLength(2) });
  });

  it('counts RunLength, ASCIIHex and ASCII85 output exactly without keeping it', () => {
    expect(
      decodeStream('RunLengthDecode', runLengthZeros(1280), 10_000, { countOnly: true }).length,
    ).toBe(1280);
    expect(
      decodeStream('ASCIIHexDecode', Buffer.from('414243>'), 10, { countOnly: true }).length,
    ).toBe(3);
    expect(decodeStream('ASCII85Decode', Buffer.from('zz~>'), 10, { countOnly: true }).length).toBe(
      8,
    );
  });

  it.each([
    ['FlateDecode', deflateSync(Buffer.alloc(10_000))],
    ['ASCIIHexDecode', Buffer.from('00'.repeat(10_000))],
    ['ASCII85Decode', Buffer.from(`${'z'.repeat(2_500)}~>`)],
    ['RunLengthDecode', runLengthZeros(10_000)],
    ['LZWDecode', lzwZeros(1)],
  ] as const)('stops %s at its output cap, kept or only counted', (filter, data) => {
    expect(() => decodeStream(filter, data, 9_999)).toThrow(OutputCapExceeded);
    expect(() => decodeStream(filter, data, 9_999, { countOnly: true })).toThrow(OutputCapExceeded);
  });
});

describe('the decompression budget covers every filter chain', () => {
  const bombs: [string, () => Buffer][] = [
    [
      '[/ASCIIHexDecode /FlateDecode /FlateDecode] (hex in front of a 2 GiB Flate bomb)',
      () =>
        pdfWithContentStream(
          asciiHex(doubleFlateZeros()),
          '/Filter [/ASCIIHexDecode /FlateDecode /FlateDecode]',
        ),
    ],
    [
      '[/AHx /Fl] (abbreviated names, 2 GiB of zeros through one Flate)',
      () =>
        pdfWithContentStream(
          asciiHex(deflateSync(Buffer.alloc(300 * MiB), { level: 9 })),
          '/Filter [/AHx /Fl]',
        ),
    ],
    [
      '[/ASCII85Decode /FlateDecode /FlateDecode]',
      () =>
        pdfWithContentStream(
          ascii85(doubleFlateZeros()),
          '/Filter [/ASCII85Decode /FlateDecode /FlateDecode]',
        ),
    ],
    [
      '[/FlateDecode /RunLengthDecode] (300 MB of runs)',
      () =>
        pdfWithContentStream(
          deflateSync(runLengthZeros(300 * MiB), { level: 9 }),
          '/Filter [/FlateDecode /RunLengthDecode]',
        ),
    ],
    [
      '[/FlateDecode /LZWDecode] (300 MB of LZW tables)',
      () =>
        pdfWithContentStream(
          deflateSync(lzwZeros(41), { level: 9 }),
          '/Filter [/FlateDecode /LZWDecode]',
        ),
    ],
    [
      '/Filter 5 0 R (the chain behind an indirect reference)',
      () =>
        pdfWithContentStream(doubleFlateZeros(), '/Filter 5 0 R', ['[/FlateDecode /FlateDecode]']),
    ],
  ];

  it.each(bombs)(
    '%s ends DECOMPRESSION_LIMIT within seconds and under a memory bound',
    async (name, make) => {
      // Prepare
      const bomb = make();

      // Act
      const { reason, seconds, growthMb } = await measure(name, bomb);

      // Assess: the budget, not the machine, stopped it.
      expect(reason).toBe('DECOMPRESSION_LIMIT');
      expect(seconds).toBeLessThan(10);
      expect(growthMb).toBeLessThan((DEFAULT_LIMITS.maxInflatedBytes / MiB) * 1.5);
    },
    60_000,
  );

  it('passes an ordinary record whose text sits behind a chain, and counts every stage', async () => {
    // Prepare
    const content = Buffer.from('BT /F1 12 Tf 72 712 Td (Blood pressure 120/80, pulse 72) Tj ET');
    const encoded = asciiHex(deflateSync(content));
    const pdf = pdfWithContentStream(encoded, '/Filter [/ASCIIHexDecode /FlateDecode]');

    // Act
    const total = checkInflatedSize(pdf, DEFAULT_LIMITS.maxInflatedBytes);

    // Assess: the hex stage plus the Flate stage.
    expect(total).toBe(deflateSync(content).length + content.length);
  });
});

describe('pdf.js in a capped worker', () => {
  it('stops a bomb the budget never saw: the worker memory cap ends it', async () => {
    // Prepare: straight to the worker, as an input the budget misses would arrive.
    const bomb = pdfWithContentStream(
      asciiHex(doubleFlateZeros()),
      '/Filter [/ASCIIHexDecode /FlateDecode /FlateDecode]',
    );
    const limits = { maxPages: 100, heapMb: 128, rssGrowthMb: 256, deadlineMs: 20_000 };
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const started = performance.now();

    // Act
    const outcome = await extractInWorker(bomb, limits).then(
      (run) => `replied ${run.reply.kind}`,
      (error: unknown) => (error instanceof BadDocumentError ? error.reason : String(error)),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    // Assess
    expect(['DECOMPRESSION_LIMIT', 'TOO_LARGE']).toContain(outcome);
    expect(seconds).toBeLessThan(25);
    // The watch samples every 20 ms, so it may overshoot the cap by one interval's growth.
    expect((peak - baseline) / MiB).toBeLessThan(256 + 256);
    measurements.push(
      `  budget bypassed, worker caps only (heap 128 MiB, RSS growth 256 MiB): ${outcome} in ${seconds.toFixed(2)} s, ` +
        `peak RSS ${(peak / MiB).toFixed(0)} MiB (+${((peak - baseline) / MiB).toFixed(0)} MiB)`,
    );
  }, 60_000);

  it('ends TOO_LARGE at the deadline', async () => {
    // Prepare
    const pdf = await recordPdf();

    // Act
    const { reason } = await measure('deadline of 1 ms', pdf, {
      ...DEFAULT_LIMITS,
      parseDeadlineMs: 1,
    });

    // Assess
    expect(reason).toBe('TOO_LARGE');
  });

  it('extracts an ordinary record through the worker, and measures it', async () => {
    // Prepare
    const pdf = await recordPdf();

    // Act
    const { reason, seconds } = await measure('ordinary record', pdf);
    const { text, pageCount } = await inspectPdf(pdf);

    // Assess
    expect(reason).toBe('OK');
    expect(seconds).toBeLessThan(10);
    expect(pageCount).toBe(1);
    expect(text.length).toBeGreaterThan(100);
  });
});
