/**
 * The scan simulator: any PDF becomes an image-only PDF of the same pages
 * (no text layer, every page an image page), deterministically per seed.
 */
import { describe, expect, it } from 'vitest';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { generateDocument } from '#local/corpus/generate.ts';
import { Random } from '#local/corpus/random.ts';
import { DEFAULT_SCAN_OPTIONS, faxStamp, scanPdf } from '#local/corpus/scan.ts';

describe('scanPdf', () => {
  it('turns a generated document into image pages only, page for page, the same for the same seed', async () => {
    // Prepare
    const source = await generateDocument('scan-test', 1, 'lab_report');
    const before = await inspectPdf(source.pdf);
    const options = { ...DEFAULT_SCAN_OPTIONS, dpi: 150, fax: true, stamp: true, seed: 's' };

    // Act
    const scanned = await scanPdf(source.pdf, options);
    const again = await scanPdf(source.pdf, options);
    const other = await scanPdf(source.pdf, { ...options, seed: 't' });
    const after = await inspectPdf(scanned);

    // Assess
    expect(before.pages.every((page) => page.kind === 'text')).toBe(true);
    expect(after.pageCount).toBe(before.pageCount);
    expect(after.pages.map((page) => page.kind)).toEqual(before.pages.map(() => 'image'));
    expect(after.text).toBe('');
    expect(scanned.equals(again)).toBe(true);
    expect(scanned.equals(other)).toBe(false);
  }, 60_000);

  it('refuses a resolution outside what scanners and faxes use', async () => {
    const source = await generateDocument('scan-test', 2, 'office_note');
    await expect(scanPdf(source.pdf, { ...DEFAULT_SCAN_OPTIONS, dpi: 600 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('faxStamp', () => {
  it('prints date, sender and page n/m like a fax header', () => {
    const stamp = faxStamp(new Random('x'), 3);
    expect(stamp(2)).toMatch(/^FAX {2}2026-11-\d\d \d\d:\d\d {2}FROM \+1 555 01\d\d {2}P\.02\/03$/);
  });
});
