/**
 * Experiment lifecycle: creation and validation, every valid transition with
 * its audit entry, and every invalid one.
 */
import { describe, expect, it } from 'vitest';
import {
  abortExperiment,
  completeExperiment,
  createExperiment,
  type Experiment,
  ExperimentConflictError,
  type ExperimentInput,
  type ExperimentStatus,
  ExperimentValidationError,
  InvalidTransitionError,
  PromotionRefusedError,
  promoteExperiment,
  startExperiment,
} from '#core/experiments/lifecycle.ts';

const knownVersions = ['1.0.0', '1.1.0', '2.0.0'];
const t0 = new Date('2026-03-01T09:00:00.000Z');
const t1 = new Date('2026-03-02T09:00:00.000Z');

function definition(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    id: 'exp-1',
    name: 'Allergies and vitals',
    family: 'medical-record',
    control: '1.0.0',
    treatment: '1.1.0',
    allocation: '80/20',
    successCriteria: { primaryMetric: 'completeness', minimumDetectableEffect: 0.05 },
    ...overrides,
  };
}

function draft(): Experiment {
  return createExperiment(definition(), { knownVersions, now: t0, actor: 'alice' }).next;
}

function inStatus(status: ExperimentStatus): Experiment {
  return { ...draft(), status };
}

describe('createExperiment', () => {
  it('creates a Draft with defaults applied and a create audit entry', () => {
    // Act
    const { next, audit } = createExperiment(definition(), {
      knownVersions,
      now: t0,
      actor: 'alice',
      reason: 'test v1.1.0 on live traffic',
    });

    // Assess
    expect(next.status).toBe('Draft');
    expect(next.allocation).toEqual({
      preset: '80/20',
      weights: { control: 0.8, treatment: 0.2 },
      coverage: 1,
    });
    expect(next.seed).toBe('exp-1');
    expect(next.createdAt).toBe('2026-03-01T09:00:00.000Z');
    expect(next.successCriteria).toEqual({
      primaryMetric: 'completeness',
      minimumDetectableEffect: 0.05,
      alpha: 0.05,
      guardrails: [],
      minimumDocumentsPerArm: 100,
      multipleTesting: 'holm',
    });
    expect(next.sequential).toBe(false);
    expect(next.expectedTotalDocuments).toBe(5000);
    expect(audit).toEqual({
      experimentId: 'exp-1',
      at: '2026-03-01T09:00:00.000Z',
      actor: 'alice',
      action: 'create',
      reason: 'test v1.1.0 on live traffic',
      before: null,
      after: 'Draft',
    });
  });

  it('accepts a preset with coverage and custom weights', () => {
    // Act
    const canary = createExperiment(
      definition({ allocation: { preset: '50/50', coverage: 0.1 }, seed: 'salt-7' }),
      { knownVersions, now: t0, actor: 'alice' },
    ).next;
    const custom = createExperiment(
      definition({ allocation: { weights: { control: 0.7, treatment: 0.3 } } }),
      { knownVersions, now: t0, actor: 'alice' },
    ).next;

    // Assess
    expect(canary.allocation).toEqual({
      preset: '50/50',
      weights: { control: 0.5, treatment: 0.5 },
      coverage: 0.1,
    });
    expect(canary.seed).toBe('salt-7');
    expect(custom.allocation).toEqual({
      preset: 'custom',
      weights: { control: 0.7, treatment: 0.3 },
      coverage: 1,
    });
  });

  it('rejects unknown or identical versions with clear messages', () => {
    // Act / Assess
    expect(() =>
      createExperiment(definition({ treatment: '9.9.9' }), { knownVersions, now: t0, actor: 'a' }),
    ).toThrow('treatment: version 9.9.9 is not a known version of medical-record');
    expect(() =>
      createExperiment(definition({ treatment: '1.0.0' }), { knownVersions, now: t0, actor: 'a' }),
    ).toThrow('treatment: must differ from control (both are 1.0.0)');
  });

  it('rejects weights that do not sum to 1, bad coverage and bad criteria', () => {
    // Prepare
    const ctx = { knownVersions, now: t0, actor: 'alice' };

    // Act / Assess
    expect(() =>
      createExperiment(
        definition({ allocation: { weights: { control: 0.7, treatment: 0.2 } } }),
        ctx,
      ),
    ).toThrow(ExperimentValidationError);
    expect(() =>
      createExperiment(definition({ allocation: { preset: '50/50', coverage: 0 } }), ctx),
    ).toThrow(/allocation/);
    expect(() =>
      createExperiment(
        definition({
          successCriteria: {
            primaryMetric: 'completeness',
            minimumDetectableEffect: 0.05,
            guardrails: [{ metric: 'completeness', maxRelativeChange: 0.1 }],
          },
        }),
        ctx,
      ),
    ).toThrow('completeness is the primary metric and cannot also be a guardrail');
    expect(() =>
      createExperiment(
        definition({
          successCriteria: {
            primaryMetric: 'completeness',
            minimumDetectableEffect: 0.05,
            minimumDocumentsPerArm: 5,
          },
        }),
        ctx,
      ),
    ).toThrow(/successCriteria.minimumDocumentsPerArm/);
    expect(() => createExperiment(definition({ id: 'Exp 1' }), ctx)).toThrow(
      /^invalid experiment: id:/,
    );
  });

  it('requires an actor', () => {
    // Act / Assess
    expect(() => createExperiment(definition(), { knownVersions, now: t0, actor: ' ' })).toThrow(
      'actor is required',
    );
  });
});

describe('startExperiment', () => {
  it('moves Draft to Running and records who and why', () => {
    // Act
    const { next, audit } = startExperiment(draft(), {
      now: t1,
      actor: 'bob',
      reason: 'approved in review',
      runningExperimentId: null,
    });

    // Assess
    expect(next.status).toBe('Running');
    expect(next.startedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(audit).toEqual({
      experimentId: 'exp-1',
      at: '2026-03-02T09:00:00.000Z',
      actor: 'bob',
      action: 'start',
      reason: 'approved in review',
      before: 'Draft',
      after: 'Running',
    });
  });

  it('refuses while another experiment is running', () => {
    // Act / Assess
    expect(() =>
      startExperiment(draft(), { now: t1, actor: 'bob', runningExperimentId: 'exp-0' }),
    ).toThrow(ExperimentConflictError);
    expect(() =>
      startExperiment(draft(), { now: t1, actor: 'bob', runningExperimentId: 'exp-0' }),
    ).toThrow('experiment exp-0 is running');
  });

  it.each(['Running', 'Completed', 'Promoted', 'Aborted'] as const)('refuses from %s', (status) => {
    // Act / Assess
    expect(() =>
      startExperiment(inStatus(status), { now: t1, actor: 'bob', runningExperimentId: null }),
    ).toThrow(`cannot start experiment exp-1: status is ${status} (allowed from Draft)`);
  });
});

describe('completeExperiment', () => {
  it('moves Running to Completed and keeps the analysis decision', () => {
    // Act
    const { next, audit } = completeExperiment(inStatus('Running'), {
      now: t1,
      actor: 'bob',
      reason: 'reached 5000 documents',
      decision: 'ship',
    });

    // Assess
    expect(next.status).toBe('Completed');
    expect(next.completedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(next.decision).toBe('ship');
    expect(audit).toMatchObject({
      action: 'complete',
      before: 'Running',
      after: 'Completed',
      actor: 'bob',
      reason: 'reached 5000 documents',
      decision: 'ship',
    });
  });

  it.each(['Draft', 'Completed', 'Promoted', 'Aborted'] as const)('refuses from %s', (status) => {
    // Act / Assess
    expect(() => completeExperiment(inStatus(status), { now: t1, actor: 'bob' })).toThrow(
      `cannot complete experiment exp-1: status is ${status} (allowed from Running)`,
    );
  });
});

describe('promoteExperiment', () => {
  it('promotes a Completed experiment whose analysis says ship', () => {
    // Act
    const { next, audit } = promoteExperiment(inStatus('Completed'), {
      now: t1,
      actor: 'carol',
      decision: 'ship',
    });

    // Assess
    expect(next.status).toBe('Promoted');
    expect(next.promotedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(next.decision).toBe('ship');
    expect(audit).toEqual({
      experimentId: 'exp-1',
      at: '2026-03-02T09:00:00.000Z',
      actor: 'carol',
      action: 'promote',
      reason: 'promoted',
      before: 'Completed',
      after: 'Promoted',
      decision: 'ship',
    });
  });

  it('refuses keep-running or rollback without force', () => {
    // Act / Assess
    for (const decision of ['keep-running', 'rollback'] as const) {
      expect(() =>
        promoteExperiment(inStatus('Completed'), { now: t1, actor: 'carol', decision }),
      ).toThrow(`the analysis decision is '${decision}', not 'ship'`);
    }
  });

  it('allows a forced promotion with a reason and records it as such', () => {
    // Act
    const { next, audit } = promoteExperiment(inStatus('Completed'), {
      now: t1,
      actor: 'carol',
      decision: 'keep-running',
      force: true,
      reason: 'v1.0.0 is being retired; no regression seen',
    });

    // Assess
    expect(next.status).toBe('Promoted');
    expect(audit.action).toBe('force-promote');
    expect(audit.reason).toBe('v1.0.0 is being retired; no regression seen');
    expect(audit.decision).toBe('keep-running');
  });

  it('refuses a forced promotion without a reason', () => {
    // Act / Assess
    expect(() =>
      promoteExperiment(inStatus('Completed'), {
        now: t1,
        actor: 'carol',
        decision: 'rollback',
        force: true,
        reason: '   ',
      }),
    ).toThrow('a non-empty reason is required');
  });

  it('refuses an unhealthy analysis even with force', () => {
    // Act / Assess
    expect(() =>
      promoteExperiment(inStatus('Completed'), {
        now: t1,
        actor: 'carol',
        decision: 'unhealthy',
        force: true,
        reason: 'ship anyway',
      }),
    ).toThrow(PromotionRefusedError);
  });

  it.each(['Draft', 'Running', 'Promoted', 'Aborted'] as const)('refuses from %s', (status) => {
    // Act / Assess
    expect(() =>
      promoteExperiment(inStatus(status), { now: t1, actor: 'carol', decision: 'ship' }),
    ).toThrow(`cannot promote experiment exp-1: status is ${status} (allowed from Completed)`);
  });
});

describe('abortExperiment', () => {
  it.each(['Draft', 'Running'] as const)('aborts from %s with a reason', (status) => {
    // Act
    const { next, audit } = abortExperiment(inStatus(status), {
      now: t1,
      actor: 'dave',
      reason: 'schema bug in treatment',
    });

    // Assess
    expect(next.status).toBe('Aborted');
    expect(next.abortedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(audit).toMatchObject({
      action: 'abort',
      before: status,
      after: 'Aborted',
      actor: 'dave',
      reason: 'schema bug in treatment',
    });
  });

  it('requires a reason', () => {
    // Act / Assess
    expect(() => abortExperiment(draft(), { now: t1, actor: 'dave' })).toThrow(
      'a reason is required',
    );
  });

  it.each(['Completed', 'Promoted', 'Aborted'] as const)('refuses from %s', (status) => {
    // Act
    let error: unknown;
    try {
      abortExperiment(inStatus(status), { now: t1, actor: 'dave', reason: 'x' });
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({
      experimentId: 'exp-1',
      action: 'abort',
      status,
      allowedFrom: ['Draft', 'Running'],
      message: `cannot abort experiment exp-1: status is ${status} (allowed from Draft, Running)`,
    });
  });
});

describe('a full lifecycle', () => {
  it('leaves the input untouched and chains audit entries', () => {
    // Prepare
    const created = createExperiment(definition(), { knownVersions, now: t0, actor: 'alice' });

    // Act
    const started = startExperiment(created.next, {
      now: t0,
      actor: 'alice',
      runningExperimentId: null,
    });
    const completed = completeExperiment(started.next, {
      now: t1,
      actor: 'alice',
      decision: 'ship',
    });
    const promoted = promoteExperiment(completed.next, {
      now: t1,
      actor: 'alice',
      decision: 'ship',
    });

    // Assess
    expect(created.next.status).toBe('Draft');
    expect(
      [created, started, completed, promoted].map((t) => [t.audit.before, t.audit.after]),
    ).toEqual([
      [null, 'Draft'],
      ['Draft', 'Running'],
      ['Running', 'Completed'],
      ['Completed', 'Promoted'],
    ]);
    expect(promoted.next).toMatchObject({
      status: 'Promoted',
      startedAt: '2026-03-01T09:00:00.000Z',
      completedAt: '2026-03-02T09:00:00.000Z',
      promotedAt: '2026-03-02T09:00:00.000Z',
    });
  });
});
