/**
 * The review page's pure logic: evidence boxes from PDF points to canvas
 * pixels under pdf.js viewport transforms, the review order of values,
 * path labels, values at paths, typed editing and latest decisions.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedDecision } from '#contracts/review-api.ts';
import {
  boxesOnPage,
  boxToRect,
  editText,
  kindOf,
  latestDecisions,
  leafPaths,
  parsePath,
  parseValue,
  pathLabel,
  reviewFields,
  showValue,
  valueAt,
} from '../../console/src/review-model.ts';

/** pdf.js's viewport transform for an unrotated page: scale, flip y, shift by the view box. */
const unrotated = (scale: number, viewBox: [number, number, number, number]) => ({
  transform: [scale, 0, 0, -scale, -viewBox[0] * scale, viewBox[3] * scale],
});

describe('boxToRect', () => {
  it('flips a box from bottom-left points to top-left pixels at the viewport scale', () => {
    // Prepare: a US Letter page at 1.5x, a box 72 pt from the left, 700 pt up, 100 x 12 pt.
    const viewport = unrotated(1.5, [0, 0, 612, 792]);

    // Act
    const rect = boxToRect({ x: 72, y: 700, width: 100, height: 12 }, viewport);

    // Assess: top = (792 - 712) * 1.5
    expect(rect).toEqual({ left: 108, top: 120, width: 150, height: 18 });
  });

  it('honours a MediaBox that does not start at the origin', () => {
    const viewport = unrotated(2, [10, 20, 622, 812]);

    const rect = boxToRect({ x: 10, y: 800, width: 50, height: 12 }, viewport);

    expect(rect).toEqual({ left: 0, top: 0, width: 100, height: 24 });
  });

  it('gives a positive rectangle under a page rotated by 90 degrees', () => {
    // pdf.js's transform for rotation 90 at scale 1 on a 612 x 792 page: [0, 1, 1, 0, 0, 0].
    const viewport = { transform: [0, 1, 1, 0, 0, 0] };

    const rect = boxToRect({ x: 72, y: 700, width: 100, height: 12 }, viewport);

    expect(rect).toEqual({ left: 700, top: 72, width: 12, height: 100 });
  });
});

const extraction = {
  patient: { name: 'Ada Example', dateOfBirth: '1971-03-14', sex: null },
  medications: [
    { name: 'Lisinopril', dose: 10 },
    { name: 'Metformin', dose: 500 },
  ],
  allergies: ['penicillin'],
  notes: [],
};

describe('paths', () => {
  it('splits dotted paths with array indexes', () => {
    expect(parsePath('medications[1].dose')).toEqual(['medications', 1, 'dose']);
    expect(parsePath('allergies[0]')).toEqual(['allergies', 0]);
  });

  it('reads the value at a path, undefined when absent', () => {
    expect(valueAt(extraction, 'medications[1].dose')).toBe(500);
    expect(valueAt(extraction, 'allergies[0]')).toBe('penicillin');
    expect(valueAt(extraction, 'patient.sex')).toBeNull();
    expect(valueAt(extraction, 'medications[5].dose')).toBeUndefined();
    expect(valueAt(null, 'patient.name')).toBeUndefined();
  });

  it('lists every scalar and null leaf in document order, skipping empty arrays', () => {
    expect(leafPaths(extraction)).toEqual([
      'patient.name',
      'patient.dateOfBirth',
      'patient.sex',
      'medications[0].name',
      'medications[0].dose',
      'medications[1].name',
      'medications[1].dose',
      'allergies[0]',
    ]);
  });

  it('labels paths in words with 1-based item numbers', () => {
    expect(pathLabel('medications[0].dose')).toBe('Medications 1 › dose');
    expect(pathLabel('patient.dateOfBirth')).toBe('Patient › date of birth');
    expect(pathLabel('allergies[1]')).toBe('Allergies 2');
    expect(pathLabel('vital_signs.blood_pressure')).toBe('Vital signs › blood pressure');
  });
});

describe('reviewFields', () => {
  it('puts flagged values without confidence first, then lowest confidence, empty ones last', () => {
    // Prepare
    const confidence = {
      'patient.name': 0.95,
      'patient.dateOfBirth': 0.4,
      'medications[0].name': 0.9,
      'medications[0].dose': 0.9,
      'medications[1].name': 0.6,
      'medications[1].dose': 0.7,
      'allergies[0]': 0.99,
    };
    const flags = [
      {
        path: 'patient.dateOfBirth',
        reason: 'LOW_CONFIDENCE' as const,
        confidence: 0.4,
        threshold: 0.8,
      },
      {
        path: 'encounter.date',
        reason: 'MISSING_REQUIRED' as const,
        confidence: null,
        threshold: null,
      },
      {
        path: 'medications[0].dose',
        reason: 'UNGROUNDED' as const,
        confidence: 0.9,
        threshold: null,
      },
    ];

    // Act
    const order = reviewFields(extraction, confidence, flags);

    // Assess
    expect(order.map((f) => f.path)).toEqual([
      'encounter.date',
      'patient.dateOfBirth',
      'medications[1].name',
      'medications[1].dose',
      'medications[0].dose',
      'medications[0].name',
      'patient.name',
      'allergies[0]',
      'patient.sex',
    ]);
    expect(order[0]).toEqual({
      path: 'encounter.date',
      value: null,
      confidence: null,
      flags: [flags[1]],
    });
    expect(order[1]?.value).toBe('1971-03-14');
  });

  it('answers an empty list for an extraction with nothing in it', () => {
    expect(reviewFields(null, {}, [])).toEqual([]);
  });
});

describe('value editing', () => {
  it('starts the editor with the type and text of the current value', () => {
    expect([kindOf('x'), kindOf(12), kindOf(null), kindOf(true)]).toEqual([
      'string',
      'number',
      'string',
      'string',
    ]);
    expect([editText(null), editText(12.5), editText('a')]).toEqual(['', '12.5', 'a']);
  });

  it('parses text, numbers and empty values, and says why a number is not one', () => {
    expect(parseValue('string', '  Lisinopril  ')).toEqual({ ok: true, value: 'Lisinopril' });
    expect(parseValue('number', ' 20 ')).toEqual({ ok: true, value: 20 });
    expect(parseValue('number', '-0.5e1')).toEqual({ ok: true, value: -5 });
    expect(parseValue('null', 'anything')).toEqual({ ok: true, value: null });
    expect(parseValue('number', '10 mg')).toMatchObject({ ok: false });
    expect(parseValue('number', '')).toMatchObject({ ok: false });
    expect(parseValue('number', '0x10')).toMatchObject({ ok: false });
    expect(parseValue('number', '1e999')).toEqual({ ok: false, error: 'Too large a number.' });
    expect(parseValue('string', '   ')).toMatchObject({ ok: false });
  });

  it('prints values for the page', () => {
    expect([showValue(null), showValue('a'), showValue(3), showValue(true)]).toEqual([
      '(empty)',
      'a',
      '3',
      'true',
    ]);
  });
});

describe('decisions and boxes', () => {
  it("keeps each path's latest decision", () => {
    const decisions: RecordedDecision[] = [
      { decision: { path: 'a', action: 'accept' }, reviewer: 'r1', at: 't1', previous: null },
      { decision: { path: 'b', action: 'accept' }, reviewer: 'r1', at: 't2', previous: null },
      {
        decision: { path: 'a', action: 'correct', value: 3 },
        reviewer: 'r2',
        at: 't3',
        previous: 2,
      },
    ];

    const latest = latestDecisions(decisions);

    expect([...latest.keys()]).toEqual(['a', 'b']);
    expect(latest.get('a')?.reviewer).toBe('r2');
    expect(latest.get('a')?.decision).toEqual({ path: 'a', action: 'correct', value: 3 });
  });

  it('picks the boxes of one page, leaving out ungrounded values', () => {
    const box = { x: 1, y: 2, width: 3, height: 4 };
    const evidence = {
      a: { page: 1, quote: 'x', bbox: box, match: 'exact' as const },
      b: { page: 2, quote: 'y', bbox: box, match: 'fuzzy' as const },
      c: { page: null, quote: 'z', bbox: null, match: 'ungrounded' as const },
      d: { page: 1, quote: 'w', bbox: null, match: 'exact' as const },
    };

    expect(boxesOnPage(evidence, 1)).toEqual([{ path: 'a', box }]);
    expect(boxesOnPage(evidence, 2)).toEqual([{ path: 'b', box }]);
  });
});
