/**
 * The function bundles' zod/mini copy of the grounding schema is the shared
 * contract's schema: the same JSON Schema, the same verdict on good and bad
 * grounding JSON.
 */

import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { GroundingSchema } from '#contracts/evidence.ts';
import { GroundingMiniSchema } from '#contracts/evidence-mini.ts';

const grounding = {
  evidence: {
    'patient.name': {
      page: 1,
      quote: 'Jane Roe',
      bbox: { x: 72, y: 700, width: 60, height: 12 },
      match: 'exact',
    },
    allergies: { page: null, quote: 'none', bbox: null, match: 'ungrounded' },
  },
  confidence: { 'patient.name': 0.97, allergies: 0.2 },
  review: {
    required: true,
    flags: [{ path: 'allergies', reason: 'UNGROUNDED', confidence: 0.2, threshold: null }],
  },
};

describe('GroundingMiniSchema', () => {
  it('describes the same JSON Schema as the shared GroundingSchema', () => {
    expect(z.toJSONSchema(GroundingMiniSchema)).toEqual(z.toJSONSchema(GroundingSchema));
  });

  it('accepts and rejects what the shared schema accepts and rejects', () => {
    const cases: unknown[] = [
      grounding,
      { ...grounding, confidence: { 'patient.name': 1.5 } },
      { ...grounding, review: { required: true, flags: [{ path: 'x', reason: 'OTHER' }] } },
      {
        ...grounding,
        evidence: { a: { page: 0, quote: 'q', bbox: null, match: 'exact' } },
      },
      {
        ...grounding,
        evidence: {
          a: { page: 2, quote: 'q', bbox: { x: 0, y: 0, width: -1, height: 1 }, match: 'fuzzy' },
        },
      },
      { evidence: {}, confidence: {} },
    ];
    const verdicts = cases.map((value) => [
      GroundingSchema.safeParse(value).success,
      GroundingMiniSchema.safeParse(value).success,
    ]);
    expect(verdicts).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ]);
    expect(GroundingMiniSchema.parse(grounding)).toEqual(GroundingSchema.parse(grounding));
  });
});
