/** `medextract process` arguments: files, folders and patterns expanded, non-PDFs refused before upload. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '#cli/output.ts';
import { expandPdfArguments, pdfProblem } from '#cli/process-inputs.ts';

const PDF = '%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'medextract-inputs-'));
  writeFileSync(join(dir, 'a.pdf'), PDF);
  writeFileSync(join(dir, 'B.PDF'), PDF);
  writeFileSync(join(dir, 'notes.txt'), 'plain text');
  // Junk before the header is allowed within the first KiB, as the pipeline allows it.
  writeFileSync(join(dir, 'prefixed.pdf'), `${'x'.repeat(100)}${PDF}`);
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'c.pdf'), PDF);
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'readme.pdf'), '# not a pdf');
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'zero'));
  writeFileSync(join(dir, 'zero', 'zero.pdf'), '');
});

const refusal = (args: string[]): string => {
  try {
    expandPdfArguments(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('expandPdfArguments', () => {
  it('expands a folder to its .pdf files in any case, sorted, not recursively', () => {
    expect(expandPdfArguments([dir])).toEqual(
      [join(dir, 'B.PDF'), join(dir, 'a.pdf'), join(dir, 'prefixed.pdf')].sort(),
    );
  });

  it('expands a pattern in the file name, case-insensitively, and drops duplicates', () => {
    expect(expandPdfArguments([join(dir, '*.pdf'), join(dir, 'a.pdf')])).toEqual(
      [join(dir, 'B.PDF'), join(dir, 'a.pdf'), join(dir, 'prefixed.pdf')].sort(),
    );
    expect(expandPdfArguments([join(dir, '?.pdf')])).toEqual(
      [join(dir, 'B.PDF'), join(dir, 'a.pdf')].sort(),
    );
  });

  it('keeps explicit files in argument order', () => {
    expect(expandPdfArguments([join(dir, 'nested', 'c.pdf'), join(dir, 'a.pdf')])).toEqual([
      join(dir, 'nested', 'c.pdf'),
      join(dir, 'a.pdf'),
    ]);
  });

  it('refuses a non-PDF by its header, naming the argument by position only', () => {
    const message = refusal([join(dir, 'a.pdf'), join(dir, 'notes.txt')]);
    expect(message).toBe('argument 2: not a PDF (no %PDF- header in the first 1024 bytes)');
    expect(message).not.toContain('notes');
  });

  it('refuses a .pdf file inside a folder that is not a PDF', () => {
    expect(refusal([join(dir, 'bad')])).toBe(
      'argument 1, a matching file: not a PDF (no %PDF- header in the first 1024 bytes)',
    );
  });

  it('refuses an empty file, a missing path, an empty folder and a pattern matching nothing', () => {
    expect(refusal([join(dir, 'zero', 'zero.pdf')])).toBe('argument 1: empty file');
    expect(refusal([join(dir, 'missing.pdf')])).toBe('argument 1: no such file or folder');
    expect(refusal([join(dir, 'empty')])).toBe('argument 1: the folder has no .pdf files');
    expect(refusal([join(dir, '*.docx')])).toBe('argument 1: the pattern matches no file');
    expect(refusal([join(dir, '*', 'c.pdf')])).toBe(
      'argument 1: wildcards are supported in the file name only, not in folders',
    );
  });
});

describe('pdfProblem', () => {
  it('accepts a header after leading bytes and rejects one past the first KiB', () => {
    expect(pdfProblem(join(dir, 'prefixed.pdf'))).toBeNull();
    const late = join(dir, 'late.bin');
    writeFileSync(late, `${'x'.repeat(2000)}${PDF}`);
    expect(pdfProblem(late)).toMatch(/^not a PDF/);
  });
});
