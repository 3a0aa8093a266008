/**
 * Experiment analysis: each decision path (unhealthy, keep-running, ship,
 * rollback) from constructed roll-up aggregates, plus the metric table,
 * guardrails and the fixed-horizon / sequential labelling.
 */
import { describe, expect, it } from 'vitest';
import { analyzeExperiment } from '#core/experiments/analysis/analyze.ts';
import {
  type AnalysisInput,
  AnalysisInputError,
  type ArmAggregates,
  type MetricRow,
} from '#core/experiments/analysis/schemas.ts';

/** Roll-up sums for n values with the given mean and sample sd: Σx² = (n−1)s² + n·mean². */
function sums(n: number, mean: number, sd: number): { n: number; sum: number; sumSq: number } {
  return { n, sum: n * mean, sumSq: (n - 1) * sd * sd + n * mean * mean };
}

/** A plausible arm: 1000 documents, 950 succeeded, completeness 0.80 ± 0.10, cost 2000 ± 300 µUSD. */
function arm(overrides: Partial<ArmAggregates> = {}): ArmAggregates {
  return {
    arm: '1.0.0',
    documents: 1000,
    succeeded: 950,
    needsReview: 0,
    failedByReason: { MODEL_THROTTLED: 30, MODEL_OUTPUT_INVALID: 20 },
    allRequiredPresent: 900,
    completeness: sums(950, 0.8, 0.1),
    costMicroUsd: sums(950, 2000, 300),
    inputTokens: sums(950, 3000, 500),
    outputTokens: sums(950, 800, 100),
    latencyHistogram: { '200': 500, '210': 450 },
    ...overrides,
  };
}

function input(overrides: Partial<AnalysisInput> = {}): AnalysisInput {
  return {
    control: arm(),
    treatment: arm({ arm: '1.1.0' }),
    weights: { control: 0.5, treatment: 0.5 },
    criteria: {
      primaryMetric: 'completeness',
      minimumDetectableEffect: 0.01,
      alpha: 0.05,
      guardrails: [{ metric: 'costPerDocument', maxRelativeChange: 0.1 }],
      minimumDocumentsPerArm: 100,
    },
    sequential: false,
    ...overrides,
  };
}

function row(rows: readonly MetricRow[], metric: string): MetricRow {
  const found = rows.find((r) => r.metric === metric);
  if (found === undefined) throw new Error(`no row for ${metric}`);
  return found;
}

describe('analyzeExperiment decisions', () => {
  it('is unhealthy on a sample ratio mismatch, even when the primary metric wins', () => {
    // Prepare: 50/50 configured, 1000 vs 1200 documents: chi2 = 2·100²/1100 = 18.18, p ≈ 2e-5.
    const data = input({
      treatment: arm({
        arm: '1.1.0',
        documents: 1200,
        succeeded: 1140,
        allRequiredPresent: 1000,
        completeness: sums(1140, 0.9, 0.1),
        failedByReason: { MODEL_THROTTLED: 60 },
      }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.srm.status).toBe('unhealthy');
    expect(result.srm.chi2).toBeCloseTo(18.1818, 3);
    expect(result.decision).toBe('unhealthy');
    expect(result.reasons[0]).toContain('Sample ratio mismatch');
    expect(result.reasons[0]).toContain('control 1000, treatment 1200');
    expect(row(result.metrics, 'completeness').outcome).toBe('better');
  });

  it('keeps running below the minimum documents per arm', () => {
    // Prepare
    const small = { documents: 60, succeeded: 60, failedByReason: {}, allRequiredPresent: 50 };
    const data = input({
      control: arm({ ...small, completeness: sums(60, 0.8, 0.1) }),
      treatment: arm({ ...small, arm: '1.1.0', completeness: sums(60, 0.95, 0.1) }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.srm.status).toBe('healthy');
    expect(result.decision).toBe('keep-running');
    expect(result.reasons).toEqual([
      'Not enough documents yet: control 60, treatment 60 documents; the plan needs 100 per arm.',
    ]);
  });

  it('ships when the primary metric is significantly better and no guardrail fails', () => {
    // Prepare: completeness 0.80 -> 0.85, sd 0.1, n 950 each.
    // se = √(2·0.01/950) = 0.0045883; t(0.975; 1898) = 1.961215 -> half-width 0.0089987.
    const data = input({ treatment: arm({ arm: '1.1.0', completeness: sums(950, 0.85, 0.1) }) });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    const primary = row(result.metrics, 'completeness');
    expect(result.decision).toBe('ship');
    expect(primary.role).toBe('primary');
    expect(primary.method).toBe('fixed-horizon');
    expect(primary.difference?.estimate).toBeCloseTo(0.05, 12);
    expect(primary.difference?.ci.lower).toBeCloseTo(0.05 - 0.0089987, 6);
    expect(primary.difference?.ci.upper).toBeCloseTo(0.05 + 0.0089987, 6);
    expect(primary.relativeLift?.estimate).toBeCloseTo(0.0625, 12);
    expect(primary.outcome).toBe('better');
    expect(result.guardrails).toHaveLength(1);
    expect(result.guardrails[0]?.status).toBe('pass');
    expect(result.reasons.join(' ')).toContain('significantly better');
    expect(result.caveats[0]).toContain('Fixed-horizon');
  });

  it('rolls back when the primary metric is significantly worse', () => {
    // Prepare
    const data = input({ treatment: arm({ arm: '1.1.0', completeness: sums(950, 0.75, 0.1) }) });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.decision).toBe('rollback');
    expect(row(result.metrics, 'completeness').outcome).toBe('worse');
    expect(result.reasons[0]).toContain('significantly worse');
  });

  it('rolls back when a guardrail fails even though the primary metric wins', () => {
    // Prepare: cost 2000 -> 2400 µUSD (+20%), sd 300, n 950; limit +10%.
    // Delta-method se = √(300²/(2000²·950) + 300²·2400²/(2000⁴·950)) = 0.0076019;
    // one-sided bound = 0.2 − t(0.95; 1898)·se = 0.2 − 1.645657·0.0076019 = 0.187490 > 0.1.
    const data = input({
      treatment: arm({
        arm: '1.1.0',
        completeness: sums(950, 0.85, 0.1),
        costMicroUsd: sums(950, 2400, 300),
      }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    const guardrail = result.guardrails[0];
    expect(result.decision).toBe('rollback');
    expect(guardrail?.status).toBe('fail');
    expect(guardrail?.change).toBe('relative');
    expect(guardrail?.estimate).toBeCloseTo(0.2, 12);
    expect(guardrail?.bound).toBeCloseTo(0.18749, 4);
    expect(result.reasons[0]).toContain('Guardrail failed');
    expect(row(result.metrics, 'costPerDocument').role).toBe('guardrail');
  });

  it('fails an absolute guardrail on a success-rate drop beyond the limit', () => {
    // Prepare: success 950/1000 -> 900/1000, limit: no decrease beyond 0.02.
    // se = √(0.95·0.05/1000 + 0.9·0.1/1000) = 0.011726; upper one-sided bound
    // = −0.05 + 1.644854·0.011726 = −0.030712, i.e. a drop of at least 0.0307 > 0.02.
    const data = input({
      criteria: {
        primaryMetric: 'completeness',
        minimumDetectableEffect: 0.05,
        guardrails: [{ metric: 'successRate', direction: 'decrease', limit: 0.02 }],
      },
      treatment: arm({ arm: '1.1.0', succeeded: 900, allRequiredPresent: 850, failedByReason: {} }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.guardrails[0]?.status).toBe('fail');
    expect(result.guardrails[0]?.bound).toBeCloseTo(-0.030712, 5);
    expect(result.decision).toBe('rollback');
  });

  it('keeps running when the primary metric shows no significant difference, with a sample-size hint', () => {
    // Prepare: identical completeness; MDE 1% of 0.8 = 0.008, σ² = 0.01 per arm:
    // n = 7.848880·0.02/0.008² = 2452.77 -> 2453 per arm.
    const data = input();

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.decision).toBe('keep-running');
    expect(result.plannedDocumentsPerArm).toBe(2453);
    expect(row(result.metrics, 'completeness').outcome).toBe('inconclusive');
    expect(result.reasons.join(' ')).toContain('no significant difference yet');
    expect(result.reasons.join(' ')).toContain('About 2453 documents per arm');
  });

  it('says so when the planned sample size is reached without a difference', () => {
    // Prepare: MDE 5% -> δ = 0.04; n = 7.848880·0.02/0.0016 = 98.1 -> 99 < 950.
    const data = input({
      criteria: { primaryMetric: 'completeness', minimumDetectableEffect: 0.05 },
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(result.decision).toBe('keep-running');
    expect(result.plannedDocumentsPerArm).toBe(99);
    expect(result.reasons.join(' ')).toContain('aborting and keeping control is reasonable');
  });

  it('judges a proportion primary metric (success rate) with the two-proportion test', () => {
    // Prepare: 900/1000 -> 950/1000; pooled z = 0.05/√(0.925·0.075·0.002) = 4.2366.
    const data = input({
      criteria: { primaryMetric: 'successRate', minimumDetectableEffect: 0.02 },
      control: arm({ succeeded: 900, allRequiredPresent: 850, failedByReason: {} }),
      treatment: arm({ arm: '1.1.0', succeeded: 950, allRequiredPresent: 900, failedByReason: {} }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    const primary = row(result.metrics, 'successRate');
    expect(result.decision).toBe('ship');
    expect(primary.control.value).toBeCloseTo(0.9, 12);
    expect(primary.control.interval).not.toBeNull();
    expect(primary.pValue).toBeLessThan(0.0001);
    expect(primary.test).toContain('two-proportion');
  });

  it('treats lower cost as better when cost is the primary metric', () => {
    // Prepare: cost 2000 -> 1800 µUSD.
    const data = input({
      criteria: { primaryMetric: 'costPerDocument', minimumDetectableEffect: 0.05 },
      treatment: arm({ arm: '1.1.0', costMicroUsd: sums(950, 1800, 300) }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess
    expect(row(result.metrics, 'costPerDocument').outcome).toBe('better');
    expect(result.decision).toBe('ship');
  });
});

describe('analyzeExperiment readout', () => {
  it('switches to always-valid intervals in sequential mode and labels them', () => {
    // Prepare: completeness 0.80 -> 0.81: fixed t = 0.01/0.0045883 = 2.1794, p = 0.0294 (significant);
    // sequential at n = 1900 of N* = 5000: nρ² = 1900·0.001587231 = 3.015739, k = 4.015739,
    // ln E = 3.015739·4.75/(2·4.015739) − ½ ln 4.015739 = 1.783577 − 0.695111 = 1.088466,
    // always-valid p = e^−1.088466 = 0.3367, so not yet.
    const borderline = { treatment: arm({ arm: '1.1.0', completeness: sums(950, 0.81, 0.1) }) };

    // Act
    const fixed = analyzeExperiment(input(borderline));
    const sequential = analyzeExperiment(
      input({ ...borderline, sequential: true, expectedTotalDocuments: 5000 }),
    );

    // Assess
    const f = row(fixed.metrics, 'completeness');
    const s = row(sequential.metrics, 'completeness');
    expect(f.pValue).toBeCloseTo(0.0294, 3);
    expect(fixed.decision).toBe('ship');
    expect(sequential.decision).toBe('keep-running');
    expect(s.method).toBe('sequential');
    expect(sequential.method).toBe('sequential');
    expect(s.pValue).toBeCloseTo(0.3367, 4);
    const width = (r: MetricRow): number =>
      (r.difference?.ci.upper ?? 0) - (r.difference?.ci.lower ?? 0);
    expect(width(s)).toBeGreaterThan(width(f));
    expect(sequential.caveats[0]).toContain('always-valid');
  });

  it('adjusts secondary metrics for multiplicity (Holm) but not the primary or guardrails', () => {
    // Prepare: output tokens differ a lot, everything else equal.
    const data = input({ treatment: arm({ arm: '1.1.0', outputTokens: sums(950, 790, 100) }) });

    // Act
    const result = analyzeExperiment(data);

    // Assess: four secondary metrics; Holm multiplies the smallest p by 4.
    const secondary = result.metrics.filter((r) => r.role === 'secondary');
    expect(secondary.map((r) => r.metric)).toEqual([
      'successRate',
      'allRequiredPresent',
      'inputTokens',
      'outputTokens',
    ]);
    const tokens = row(result.metrics, 'outputTokens');
    expect(tokens.adjustedPValue).toBeCloseTo(Math.min(1, 4 * (tokens.pValue ?? 1)), 12);
    expect(row(result.metrics, 'completeness').adjustedPValue).toBeNull();
    expect(row(result.metrics, 'costPerDocument').adjustedPValue).toBeNull();
  });

  it('reports latency percentiles per arm and a failure table', () => {
    // Act
    const result = analyzeExperiment(input());

    // Assess: 950 observations, p50 rank 475 in bucket 200, p95 rank 903 in bucket 210.
    expect(result.latency.control?.p50).toBeCloseTo(1.04 ** 200.5, 6);
    expect(result.latency.control?.p95).toBeCloseTo(1.04 ** 210.5, 6);
    expect(result.failures).toEqual([
      { reason: 'MODEL_THROTTLED', control: 30, treatment: 30 },
      { reason: 'MODEL_OUTPUT_INVALID', control: 20, treatment: 20 },
    ]);
  });

  it('fails a p95 latency guardrail when the treatment is clearly slower', () => {
    // Prepare: treatment 15 buckets higher: 1.04^15 = 1.80, +80% against a 25% limit.
    const data = input({
      criteria: {
        primaryMetric: 'completeness',
        minimumDetectableEffect: 0.01,
        guardrails: [{ metric: 'latencyP95', maxRelativeChange: 0.25 }],
      },
      treatment: arm({ arm: '1.1.0', latencyHistogram: { '215': 500, '225': 450 } }),
    });

    // Act
    const slower = analyzeExperiment(data);
    const same = analyzeExperiment({ ...data, treatment: arm({ arm: '1.1.0' }) });

    // Assess
    expect(slower.guardrails[0]?.status).toBe('fail');
    expect(slower.guardrails[0]?.estimate).toBeCloseTo(1.04 ** 15 - 1, 9);
    expect(slower.decision).toBe('rollback');
    expect(same.guardrails[0]?.status).toBe('pass');
  });

  it('marks metrics without data as insufficient', () => {
    // Prepare: no succeeded documents in treatment, so no completeness values.
    const data = input({
      treatment: arm({
        arm: '1.1.0',
        succeeded: 0,
        allRequiredPresent: 0,
        failedByReason: { MODEL_UNAVAILABLE: 1000 },
        completeness: { n: 0, sum: 0, sumSq: 0 },
      }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess: success rate 0.95 -> 0 is a significant drop (secondary); completeness has no data.
    expect(row(result.metrics, 'completeness').outcome).toBe('insufficient-data');
    expect(row(result.metrics, 'allRequiredPresent').outcome).toBe('insufficient-data');
    expect(result.decision).toBe('keep-running');
  });

  it('accepts a 95/5 split whose counts match its weights', () => {
    // Prepare
    const data = input({
      weights: { control: 0.95, treatment: 0.05 },
      control: arm({
        documents: 1900,
        succeeded: 1800,
        allRequiredPresent: 1700,
        failedByReason: {},
      }),
      treatment: arm({
        arm: '1.1.0',
        documents: 100,
        succeeded: 95,
        allRequiredPresent: 90,
        failedByReason: { MODEL_TIMEOUT: 5 },
      }),
    });

    // Act
    const result = analyzeExperiment(data);

    // Assess: expected 1900 / 100 exactly.
    expect(result.srm.chi2).toBeCloseTo(0, 9);
    expect(result.srm.status).toBe('healthy');
  });

  it('rejects inconsistent input with paths, not values', () => {
    // Act / Assess
    expect(() => analyzeExperiment(input({ control: arm({ succeeded: 2000 }) }))).toThrow(
      AnalysisInputError,
    );
    expect(() => analyzeExperiment(input({ sequential: true }))).toThrow(
      /expectedTotalDocuments: required when sequential is true/,
    );
  });
});
