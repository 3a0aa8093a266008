/**
 * Field paths and decisions, pure: paths parse into keys and indexes, read
 * and write only values that exist (a write copies), and decisions apply in
 * order with the value each replaced; the first unknown path stops them.
 */
import { describe, expect, it } from 'vitest';
import { emptyRollup } from '#contracts/metrics-items.ts';
import { applyDecisions } from '#core/review/decisions.ts';
import { parseFieldPath, readFieldPath, writeFieldPath } from '#core/review/field-path.ts';
import { summarise } from '#services/metrics.ts';

const fields = {
  patient: { name: 'A. Example', mrn: null },
  medications: [{ name: 'Lisinopril', dose: '10 mg' }],
  allergies: ['penicillin', 'latex'],
};

describe('field paths', () => {
  it('parses dotted keys with array indexes and refuses anything else', () => {
    expect(parseFieldPath('medications[0].dose')).toEqual(['medications', 0, 'dose']);
    expect(parseFieldPath('allergies[1]')).toEqual(['allergies', 1]);
    for (const bad of ['', 'a..b', 'a[x]', '[0]', 'a.b[0', '__proto__.x.y[', 'a b']) {
      expect(parseFieldPath(bad), bad).toBeNull();
    }
  });

  it('reads existing values, null included, and nothing else', () => {
    expect(readFieldPath(fields, 'patient.mrn')).toEqual({ found: true, value: null });
    expect(readFieldPath(fields, 'allergies[1]')).toEqual({ found: true, value: 'latex' });
    expect(readFieldPath(fields, 'allergies[2]').found).toBe(false);
    expect(readFieldPath(fields, 'patient.age').found).toBe(false);
    expect(readFieldPath(fields, 'patient.name.first').found).toBe(false);
    expect(readFieldPath(fields, 'constructor').found).toBe(false);
  });

  it('writes into a copy, leaving the original as it was', () => {
    const next = writeFieldPath(fields, 'medications[0].dose', '20 mg');
    expect(next).toMatchObject({ medications: [{ name: 'Lisinopril', dose: '20 mg' }] });
    expect(fields.medications[0]?.dose).toBe('10 mg');
    expect(writeFieldPath(fields, 'medications[1].dose', '1 mg')).toBeNull();
  });
});

describe('applyDecisions', () => {
  it('applies in order, each with the value it replaced', () => {
    const result = applyDecisions(fields, [
      { path: 'patient.name', action: 'accept' },
      { path: 'allergies[0]', action: 'correct', value: 'amoxicillin' },
      { path: 'allergies[0]', action: 'correct', value: null },
    ]);
    expect(result).toMatchObject({
      ok: true,
      fields: { allergies: [null, 'latex'] },
      applied: [
        { previous: 'A. Example' },
        { previous: 'penicillin' },
        { previous: 'amoxicillin' },
      ],
    });
  });

  it('stops at the first path that names no value', () => {
    expect(
      applyDecisions(fields, [
        { path: 'patient.name', action: 'accept' },
        { path: 'patient.nickname', action: 'correct', value: 'x' },
      ]),
    ).toEqual({ ok: false, path: 'patient.nickname', index: 1 });
  });
});

describe('metrics readout', () => {
  it('reports documents sent to review and the review rate beside success', () => {
    const readout = summarise('2.1.0', {
      ...emptyRollup(),
      documents: 10,
      succeeded: 6,
      needsReview: 3,
      failed: 1,
    });
    expect(readout).toMatchObject({ needsReview: 3, reviewRate: 0.3, successRate: 0.6 });
    expect(summarise('2.1.0', emptyRollup()).reviewRate).toBeNull();
  });
});
