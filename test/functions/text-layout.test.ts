/** LoadDocument's text layout: wide gaps become tabs, word spaces stay spaces, pages merge like unpdf's. */
import { describe, expect, it } from 'vitest';
import {
  layoutPage,
  mergePageTexts,
  type TextItemLike,
} from '#functions/load-document/text-layout.ts';

function item(str: string, x: number, width: number, hasEOL = false): TextItemLike {
  return {
    str,
    hasEOL,
    transform: [1, 0, 0, 1, x, 700],
    width,
    height: str.trim() === '' ? 0 : 10,
  };
}

describe('layoutPage', () => {
  it('turns a whitespace item as wide as a column gap into a tab', () => {
    const text = layoutPage([
      item('Patient:', 54, 35),
      item(' ', 89, 2.3),
      item('Ada Quill', 91, 40),
      item(' ', 131, 180),
      item('DOB:', 314, 24, true),
    ]);
    expect(text).toBe('Patient: Ada Quill\tDOB:\n');
  });

  it('adds a tab when the next item starts across a gap without a whitespace item', () => {
    expect(layoutPage([item('Birthdate', 54, 40), item('Sex', 300, 15, true)])).toBe(
      'Birthdate\tSex\n',
    );
    expect(layoutPage([item('Hemo', 54, 20), item('globin', 75, 30, true)])).toBe('Hemoglobin\n');
  });

  it('merges pages with one newline, collapsing spaces but keeping tabs', () => {
    // A page's closing newline plus the joining one leave a blank line, as unpdf does.
    expect(mergePageTexts(['a   b \t c\n', 'd'])).toBe('a b\tc\n\nd');
  });
});
