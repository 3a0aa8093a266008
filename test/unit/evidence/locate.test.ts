/** Quote location: tolerant of whitespace, case, hyphenation and ligatures, never of content. */
import { describe, expect, it } from 'vitest';
import { fold, foldText } from '#core/evidence/fold.ts';
import { type PageText, pageTextFromItems, spanBox } from '#core/evidence/geometry.ts';
import { locateQuote } from '#core/evidence/locate.ts';

const page = (number: number, text: string): PageText => ({ page: number, text, items: [] });

describe('foldText', () => {
  it('folds ligatures, case, whitespace runs and line-end hyphens, keeping the source index', () => {
    const source = 'Hyper-\ntension  \uFB01NAL';
    const folded = foldText(source);
    expect(folded.text).toBe('hypertension final');
    // The `t` after the broken line points at the source `t`.
    expect(folded.origin[5]).toBe(7);
    expect(source[7]).toBe('t');
  });

  it('keeps a hyphen inside a line and digits as they are', () => {
    expect(fold('Type-2 diabetes, HbA1c 7.2%')).toBe('type-2 diabetes, hba1c 7.2%');
  });
});

describe('locateQuote', () => {
  const pages = [
    page(1, 'Patient: Jane Q. Doe\nDOB: 03/14/1980'),
    page(2, 'Medications:\nMetformin 500 mg twice daily\nLisino-\npril 10 mg daily'),
  ];

  it('finds a verbatim quote as exact, on its page, with its span', () => {
    const found = locateQuote(pages, 'Metformin 500 mg twice daily');
    expect(found).toMatchObject({ page: 2, match: 'exact', text: 'Metformin 500 mg twice daily' });
    expect(pages[1]?.text.slice(found?.start, found?.end)).toBe('Metformin 500 mg twice daily');
  });

  it('finds a quote broken by a line-end hyphen or differing in case as fuzzy, returning the verbatim span', () => {
    const found = locateQuote(pages, 'lisinopril 10 MG daily');
    expect(found?.match).toBe('fuzzy');
    expect(found?.text).toBe('Lisino-\npril 10 mg daily');
  });

  it('does not find a quote that differs in content', () => {
    expect(locateQuote(pages, 'Metformin 850 mg twice daily')).toBeNull();
    expect(locateQuote(pages, 'Atorvastatin 20 mg daily')).toBeNull();
    expect(locateQuote(pages, '')).toBeNull();
  });

  it('needs word boundaries: a letter is not found inside a word', () => {
    expect(locateQuote([page(1, 'Mary Major')], 'M')).toBeNull();
    expect(locateQuote([page(1, 'Sex: M')], 'M')).toMatchObject({ match: 'exact' });
  });

  it('prefers the stated page when the quote occurs on several', () => {
    const twice = [page(1, 'BP 120/80'), page(2, 'BP 120/80')];
    expect(locateQuote(twice, 'BP 120/80', 2)?.page).toBe(2);
    expect(locateQuote(twice, 'BP 120/80')?.page).toBe(1);
  });
});

describe('spanBox', () => {
  const items = [
    { str: 'Name:', x: 72, y: 700, width: 30, height: 10, hasEOL: false },
    { str: 'Jane Doe', x: 110, y: 700, width: 45, height: 10, hasEOL: true },
    { str: 'DOB: 03/14/1980', x: 72, y: 686, width: 80, height: 10, hasEOL: true },
  ];
  const laid = pageTextFromItems(1, items);

  it('joins items with spaces and line breaks and maps a span to the union of the items it covers', () => {
    expect(laid.text).toBe('Name: Jane Doe\nDOB: 03/14/1980\n');
    const found = locateQuote([laid], 'Jane Doe');
    expect(found).not.toBeNull();
    expect(spanBox(laid, found?.start ?? 0, found?.end ?? 0)).toEqual({
      x: 110,
      y: 700,
      width: 45,
      height: 10,
    });
    const both = locateQuote([laid], 'Jane Doe DOB: 03/14/1980');
    expect(both?.match).toBe('fuzzy');
    expect(spanBox(laid, both?.start ?? 0, both?.end ?? 0)).toEqual({
      x: 72,
      y: 686,
      width: 83,
      height: 24,
    });
  });

  it('is null for a page without geometry', () => {
    expect(spanBox(page(1, 'text'), 0, 4)).toBeNull();
  });
});
