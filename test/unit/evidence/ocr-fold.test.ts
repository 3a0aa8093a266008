/**
 * OCR-tolerant grounding: on pages whose text came from OCR, quotes are
 * matched across OCR's character confusions (as `fuzzy`, boxed from the OCR
 * word boxes), and still not across content; text-layer pages keep strict
 * matching.
 */
import { describe, expect, it } from 'vitest';
import { type PageText, pageTextFromItems } from '#core/evidence/geometry.ts';
import { groundExtraction } from '#core/evidence/ground.ts';
import { locateQuote } from '#core/evidence/locate.ts';
import { ocrFold, ocrFoldText } from '#core/evidence/ocr-fold.ts';

/** One positioned item per word, one line per entry, as LoadDocument's OCR writes them. */
const pageOf = (lines: readonly string[], source: 'ocr' | 'pdf-text'): PageText => {
  const items = lines.flatMap((line, row) => {
    const words = line.split(' ');
    let x = 72;
    return words.map((word, index) => {
      const item = {
        str: word,
        x,
        y: 700 - 14 * row,
        width: word.length * 6,
        height: 10,
        hasEOL: index === words.length - 1,
      };
      x += (word.length + 1) * 6;
      return item;
    });
  });
  return { ...pageTextFromItems(1, items), source };
};

/** What LoadDocument's OCR read where the stand-in's OCR repaired `(I10)` and `lb`. */
const OCR_LINES = [
  'Patient: Jane Doe DOB: 03/14/1980',
  'Vitals: BP 138/88, HR 76, Wt 182 Ib',
  'Assessment: Essential hypertension (110); Type 2 diabetes mellitus (E11.9)',
  'Medications: Metformin 5OO mg twice daily; Lisinopril 10 mg daily',
];

describe('ocrFold', () => {
  it('folds each documented confusion class to one character', () => {
    expect(ocrFold('(I10) (110) (l10) (|10)')).toBe('(1101(1101(1101(1101');
    expect(ocrFold('[ ] Current')).toBe(ocrFold('[ | Current'));
    expect(ocrFold('_ Cholecalciferol')).toBe(ocrFold('- Cholecalciferol'));
    expect(ocrFold('182 lb')).toBe(ocrFold('182 Ib'));
    expect(ocrFold('5OO mg')).toBe(ocrFold('500 mg'));
    expect(ocrFold('S/5 B/8 Z/2')).toBe('5/58/82/2');
    expect(ocrFold('Metformin')).toBe(ocrFold('Metforrnin'));
    expect(ocrFold('E11,9;')).toBe(ocrFold('E11.9:'));
  });

  it('keeps other letters and digits apart', () => {
    expect(ocrFold('850 mg')).not.toBe(ocrFold('500 mg'));
    expect(ocrFold('Lisinopril')).not.toBe(ocrFold('Losartan'));
    expect(ocrFold('7')).not.toBe(ocrFold('1'));
  });

  it('maps every folded character back to its source span, a digraph to both letters', () => {
    const source = 'Metforrnin 5OO';
    const folded = ocrFoldText(source);
    const m = folded.text.indexOf('m', 1);
    expect(source.slice(folded.origin[m], folded.originEnd[m])).toBe('rn');
    expect(source.slice(folded.origin.at(-1), folded.originEnd.at(-1))).toBe('O');
  });
});

describe('locateQuote on OCR text', () => {
  const ocrPage = pageOf(OCR_LINES, 'ocr');
  const textPage = pageOf(OCR_LINES, 'pdf-text');

  it('finds a quote that differs from the OCR only in confusions, as fuzzy, with the verbatim span', () => {
    const found = locateQuote([ocrPage], 'Essential hypertension (I10)');
    expect(found).toMatchObject({ page: 1, match: 'fuzzy', text: 'Essential hypertension (110)' });
    expect(locateQuote([ocrPage], 'Wt 182 lb')).toMatchObject({
      match: 'fuzzy',
      text: 'Wt 182 Ib',
    });
    expect(locateQuote([ocrPage], 'Metformin 500 mg twice daily')?.text).toBe(
      'Metformin 5OO mg twice daily',
    );
  });

  it('checks word boundaries in the page text, though the folded text has no spaces', () => {
    expect(locateQuote([ocrPage], 'HR 76')).toMatchObject({ match: 'exact' });
    expect(locateQuote([pageOf(['Born 1976'], 'ocr')], '76')).toBeNull();
    expect(locateQuote([pageOf(['Tobacco use: [ ] Current'], 'ocr')], '[] Current')).toMatchObject({
      match: 'fuzzy',
      text: '[ ] Current',
    });
  });

  it('keeps exact matches exact', () => {
    expect(locateQuote([ocrPage], 'Jane Doe')).toMatchObject({ match: 'exact' });
  });

  it('does not find content the page does not hold', () => {
    expect(locateQuote([ocrPage], 'Metformin 850 mg twice daily')).toBeNull();
    expect(locateQuote([ocrPage], 'Warfarin 5 mg daily')).toBeNull();
    expect(locateQuote([ocrPage], 'Lisinopril 20 mg daily')).toBeNull();
  });

  it('keeps strict matching on text-layer pages', () => {
    expect(locateQuote([textPage], 'Essential hypertension (I10)')).toBeNull();
    expect(locateQuote([textPage], 'Wt 182 lb')).toBeNull();
    expect(locateQuote([{ ...textPage, source: undefined }], 'Wt 182 lb')).toBeNull();
  });
});

describe('groundExtraction on a scanned page', () => {
  const ground = (page: PageText) =>
    groundExtraction({
      fields: {
        diagnoses: [{ description: 'Essential hypertension', icd10: 'I10' }],
        medications: [
          { name: 'Metformin', dose: '500 mg' },
          { name: 'Zylotrexamine', dose: '35 mg' },
        ],
      },
      pages: [page],
      claims: [
        { path: 'diagnoses[0].description', quote: 'Essential hypertension (I10)', page: 1 },
        { path: 'diagnoses[0].icd10', quote: 'Essential hypertension (I10)', page: 1 },
        { path: 'medications[0].name', quote: 'Metformin 500 mg twice daily', page: 1 },
        { path: 'medications[0].dose', quote: 'Metformin 500 mg', page: 1 },
        // A fabricated medication with a fabricated quote.
        { path: 'medications[1].name', quote: 'Zylotrexamine 35 mg every 9 hours', page: 1 },
        { path: 'medications[1].dose', quote: 'Zylotrexamine 35 mg', page: 1 },
      ],
      fieldSettings: {},
      missingRequired: [],
    });

  it('confirms confused quotes as fuzzy, boxed on the OCR words, and refuses the fabricated one', () => {
    const result = ground(pageOf(OCR_LINES, 'ocr'));
    const icd = result.evidence['diagnoses[0].icd10'];
    expect(icd).toMatchObject({ page: 1, match: 'fuzzy', quote: 'Essential hypertension (110)' });
    // Words 2-4 of the third line, at its baseline.
    expect(icd?.bbox).toEqual({ x: 144, y: 672, width: 174, height: 10 });
    expect(result.evidence['medications[0].dose']?.match).toBe('fuzzy');
    expect(result.evidence['medications[1].name']).toMatchObject({
      match: 'ungrounded',
      bbox: null,
    });
    expect(result.evidence['medications[1].dose']?.match).toBe('ungrounded');
    // The ICD code's quote holds `(110)`, which under OCR folding holds `I10`.
    expect(result.confidence['diagnoses[0].icd10']).toBeGreaterThan(
      result.confidence['medications[1].name'] ?? 1,
    );
    expect(result.review.flags.map((flag) => `${flag.path} ${flag.reason}`)).toEqual([
      'medications[1].name UNGROUNDED',
      'medications[1].dose UNGROUNDED',
    ]);
  });

  it('leaves the same quotes ungrounded on a text-layer page that reads that way', () => {
    const result = ground(pageOf(OCR_LINES, 'pdf-text'));
    expect(result.evidence['diagnoses[0].icd10']?.match).toBe('ungrounded');
    expect(result.evidence['medications[0].dose']?.match).toBe('ungrounded');
    expect(result.groundedCount).toBe(0);
  });
});
