/**
 * The review rate as an experiment guardrail: a treatment that sends
 * significantly more documents to NEEDS_REVIEW is rolled back (so promotion
 * needs force) even when its primary metric wins; equal rates pass; with no
 * reviews in either arm the readout is as it was before review existed.
 */
import { describe, expect, it } from 'vitest';
import { analyzeExperiment, withReviewGuardrail } from '#core/experiments/analysis/analyze.ts';
import type { AnalysisInput, ArmAggregates } from '#core/experiments/analysis/schemas.ts';

const sums = (n: number, mean: number, sd: number) => ({
  n,
  sum: n * mean,
  sumSq: (n - 1) * sd * sd + n * mean * mean,
});

/** 1000 documents: `needsReview` sent to review, the rest succeeded. */
const arm = (label: string, needsReview: number, completeness: number): ArmAggregates => {
  const succeeded = 1000 - needsReview;
  return {
    arm: label,
    documents: 1000,
    succeeded,
    needsReview,
    failedByReason: {},
    allRequiredPresent: succeeded,
    completeness: sums(1000, completeness, 0.1),
    costMicroUsd: sums(1000, 2000, 300),
    inputTokens: sums(1000, 3000, 500),
    outputTokens: sums(1000, 800, 100),
    latencyHistogram: { '200': 1000 },
  };
};

const input = (control: ArmAggregates, treatment: ArmAggregates): AnalysisInput => ({
  control,
  treatment,
  weights: { control: 0.5, treatment: 0.5 },
  criteria: {
    primaryMetric: 'completeness',
    minimumDetectableEffect: 0.01,
    alpha: 0.05,
    guardrails: [],
    minimumDocumentsPerArm: 100,
  },
  sequential: false,
});

describe('review-rate guardrail', () => {
  it('rolls back a treatment whose completeness wins but whose review rate rises (5% -> 15%)', () => {
    const analysis = analyzeExperiment(input(arm('c', 50, 0.8), arm('t', 150, 0.85)));
    const guard = analysis.guardrails.find((g) => g.metric === 'reviewRate');
    expect(guard).toMatchObject({ status: 'fail', change: 'absolute', limit: 0 });
    expect(guard?.estimate).toBeCloseTo(0.1, 6);
    expect(analysis.decision).toBe('rollback');
    expect(analysis.reasons.join(' ')).toMatch(/Guardrail failed: .*review rate/);
  });

  it('passes when both arms send the same share to review, and the winner ships', () => {
    const analysis = analyzeExperiment(input(arm('c', 50, 0.8), arm('t', 50, 0.85)));
    expect(analysis.guardrails.find((g) => g.metric === 'reviewRate')?.status).toBe('pass');
    expect(analysis.decision).toBe('ship');
  });

  it('is left out while neither arm sent a document to review, and never doubled', () => {
    expect(analyzeExperiment(input(arm('c', 0, 0.8), arm('t', 0, 0.85))).guardrails).toEqual([]);
    const own = [{ metric: 'reviewRate', maxRelativeChange: 0.5 }] as const;
    expect(withReviewGuardrail(own, { needsReview: 3 }, { needsReview: 9 })).toEqual(own);
  });
});
