/**
 * The experiment use cases over DynamoDB Local: create refuses unknown and
 * draft versions, status counts the arms from the roll-ups, complete records
 * the analysis' decision, promote comes back `refused` with reasons when the
 * analysis does not support it and moves the alias when forced, and every
 * refusal classifies to a code an API can map.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { experimentArmKey, hourOf, rollupUpdate } from '#contracts/metrics-items.ts';
import type { ExperimentInput } from '#core/experiments/lifecycle.ts';
import type { PromptCatalog } from '#services/context.ts';
import { InvalidInputError, serviceErrorCode } from '#services/errors.ts';
import {
  abortExperiment,
  completeExperiment,
  createExperiment,
  experimentHistory,
  experimentStatus,
  getExperiment,
  listExperiments,
  promoteExperiment,
  startExperiment,
} from '#services/experiments.ts';
import { showAlias } from '#services/prompts.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;
const who = { actor: 'alice' };

/** The bundled catalog with 2.0.0 reported as a draft. */
const withDraft: PromptCatalog = {
  list: () =>
    bundledPrompts()
      .list()
      .map((v) => (v.version === '2.0.0' ? { ...v, status: 'draft' as const } : v)),
  versions: () => bundledPrompts().versions(),
  get: (version) => bundledPrompts().get(version),
};

const input = (id: string, overrides: Partial<ExperimentInput> = {}): ExperimentInput => ({
  id,
  name: `experiment ${id}`,
  family: PROMPT_FAMILY,
  control: '1.1.0',
  treatment: '2.0.0',
  allocation: '50/50',
  successCriteria: { primaryMetric: 'completeness', minimumDetectableEffect: 0.05 },
  ...overrides,
});

/** Adds `n` documents to an arm's roll-up for the current hour. */
const addDocuments = async (id: string, arm: 'control' | 'treatment', n: number) => {
  const samples = Array.from({ length: n }, () => ({
    succeeded: true,
    reason: null,
    latencyMs: 1200,
    completeness: 0.9,
    allRequiredPresent: true,
    costMicroUsd: 900,
    inputTokens: 1000,
    outputTokens: 300,
  }));
  await env.ctx.clients.dynamodb.send(
    new UpdateCommand({
      TableName: env.ctx.tables.metrics,
      Key: experimentArmKey(id, arm, hourOf(Date.now())),
      ...rollupUpdate(samples),
    }),
  );
};

beforeAll(async () => {
  env = await startDynamoContext('svcexp');
});

afterAll(async () => {
  await env?.stop();
});

describe('createExperiment', () => {
  it('refuses a version that is not bundled, naming the arm, before writing anything', async () => {
    // Act
    const attempt = createExperiment(env.ctx, input('exp-unknown', { treatment: '9.9.9' }), who);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidInputError',
      code: 'INVALID_INPUT',
      reason: 'UNKNOWN_PROMPT_VERSION',
      field: 'treatment',
    });
    expect(await listExperiments(env.ctx)).toEqual([]);
  });

  it('refuses a draft version', async () => {
    // Act
    const attempt = createExperiment(env.ctx, input('exp-draft'), who, withDraft);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ reason: 'DRAFT_PROMPT_VERSION' });
  });

  it('creates a Draft that get and list return', async () => {
    // Act
    const created = await createExperiment(env.ctx, input('exp-create'), {
      ...who,
      reason: 'compare v2',
    });

    // Assess
    expect(created).toMatchObject({ id: 'exp-create', status: 'Draft' });
    expect(await getExperiment(env.ctx, 'exp-create')).toEqual(created);
    expect((await listExperiments(env.ctx, 'Draft')).map((e) => e.id)).toContain('exp-create');
  });
});

describe('lifecycle', () => {
  it('a missing experiment classifies as NOT_FOUND, a refused transition as CONFLICT', async () => {
    // Act
    const missing = await getExperiment(env.ctx, 'nope').catch((error: unknown) => error);
    const early = await completeExperiment(env.ctx, 'exp-create', who).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(serviceErrorCode(missing)).toBe('NOT_FOUND');
    expect(serviceErrorCode(early)).toBe('CONFLICT');
    expect(serviceErrorCode(new Error('boom'))).toBeNull();
  });

  it('status counts documents per arm from the roll-ups once started', async () => {
    // Prepare
    await createExperiment(env.ctx, input('exp-status'), who);
    const before = await experimentStatus(env.ctx, 'exp-status');
    await startExperiment(env.ctx, 'exp-status', who);
    await addDocuments('exp-status', 'control', 12);
    await addDocuments('exp-status', 'treatment', 9);

    // Act
    const after = await experimentStatus(env.ctx, 'exp-status');

    // Assess
    expect(before).toMatchObject({ rollups: null, arms: null, srm: null, serving: 'none' });
    expect(after.serving).toBe('this');
    expect(after.arms).toEqual({
      control: { version: '1.1.0', documents: 12, succeeded: 12, failed: 0 },
      treatment: { version: '2.0.0', documents: 9, succeeded: 9, failed: 0 },
    });
    expect(after.srm?.expected).toEqual([10.5, 10.5]);
  });

  it('complete records the decision; promote is refused with reasons, then forced with a reason', async () => {
    // Act
    const { experiment, analysis } = await completeExperiment(env.ctx, 'exp-status', who);
    const refused = await promoteExperiment(env.ctx, 'exp-status', who);
    const unreasoned = await promoteExperiment(env.ctx, 'exp-status', {
      ...who,
      force: true,
    }).catch((error: unknown) => error);
    const forced = await promoteExperiment(env.ctx, 'exp-status', {
      ...who,
      force: true,
      reason: 'accepted by the underwriting lead',
    });

    // Assess: 21 documents are far below the 100 per arm needed to ship.
    expect(experiment).toMatchObject({ status: 'Completed', decision: analysis.decision });
    expect(analysis.decision).not.toBe('ship');
    expect(refused).toMatchObject({ outcome: 'refused', decision: analysis.decision });
    if (refused.outcome !== 'refused') throw new Error('expected a refusal');
    expect(refused.reasons.length).toBeGreaterThan(0);
    expect(unreasoned).toMatchObject({ code: 'INVALID_INPUT', reason: 'REASON_REQUIRED' });
    expect(forced).toMatchObject({
      outcome: 'promoted',
      forced: true,
      alias: { after: '2.0.0' },
    });
    expect((await showAlias(env.ctx)).current?.version).toBe('2.0.0');
    const actions = (await experimentHistory(env.ctx, 'exp-status')).map((e) =>
      e.kind === 'experiment' ? e.action : 'alias',
    );
    expect(actions).toEqual(['create', 'start', 'complete', 'force-promote', 'alias']);
  });

  it('abort needs a reason and ends a Draft', async () => {
    // Prepare
    await createExperiment(env.ctx, input('exp-abort'), who);

    // Act
    const unreasoned = await abortExperiment(env.ctx, 'exp-abort', { ...who, reason: '' }).catch(
      (error: unknown) => error,
    );
    const aborted = await abortExperiment(env.ctx, 'exp-abort', { ...who, reason: 'wrong arms' });

    // Assess
    expect(serviceErrorCode(unreasoned)).toBe('INVALID_INPUT');
    expect(aborted.status).toBe('Aborted');
  });
});
