/** cleanText: what untrusted document text looks like once stored or prompted. */
import { describe, expect, it } from 'vitest';
import { cleanText } from '#core/extraction/text.ts';

describe('cleanText', () => {
  it('folds line ends, composes characters and keeps tabs and newlines', () => {
    // "é" as e + combining acute becomes the single code point U+00E9.
    expect(cleanText('Dose:\t5 mg\r\nCafe\u0301\rend')).toBe('Dose:\t5 mg\nCaf\u00e9\nend');
  });

  it('removes bidi overrides and isolates that would reorder what a reader sees', () => {
    expect(cleanText('MRN \u202E4321\u202C and \u2067x\u2069')).toBe('MRN 4321 and x');
  });

  it('removes NUL, other C0 controls and DEL', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007Fe')).toBe('abcde');
  });

  it('leaves right-to-left text itself intact', () => {
    expect(cleanText('שלום سلام')).toBe('שלום سلام');
  });
});
