/**
 * The experiments repository against DynamoDB Local: conditional creation,
 * the status index, one running experiment per family (also under a race),
 * atomic transitions with their audit entries, promotion moving the alias,
 * and the audit trail in order.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  ExperimentExistsError,
  ExperimentNotFoundError,
  type ExperimentsRepository,
  experimentsRepository,
} from '#adapters/experiments-repository.ts';
import { aliasKey, runningKey } from '#contracts/experiments-items.ts';
import { EXPERIMENTS_TABLE, physicalName } from '#contracts/resources.ts';
import {
  ExperimentConflictError,
  type ExperimentInput,
  ExperimentValidationError,
  InvalidTransitionError,
  PromotionRefusedError,
} from '#core/experiments/lifecycle.ts';
import { ensureTables } from '#local/dynamodb.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

// The run's DynamoDB Local, under a stage of this file's own.
const { endpoint, stage: STAGE } = sharedDynamoDb('repo');
const TABLE = physicalName(STAGE, EXPERIMENTS_TABLE.suffix);
const KNOWN = ['1.0.0', '1.1.0', '2.0.0'];
const actor = 'alice';

let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let repo: ExperimentsRepository;

/** A clock that moves one second per reading, so every transition has its own time. */
const steppingClock = (startIso: string) => {
  let t = Date.parse(startIso);
  return () => {
    t += 1000;
    return new Date(t);
  };
};

const input = (
  id: string,
  family: string,
  overrides: Partial<ExperimentInput> = {},
): ExperimentInput => ({
  id,
  name: `experiment ${id}`,
  family,
  control: '1.1.0',
  treatment: '2.0.0',
  allocation: '50/50',
  successCriteria: { primaryMetric: 'completeness', minimumDetectableEffect: 0.05 },
  ...overrides,
});

const create = (id: string, family: string, overrides: Partial<ExperimentInput> = {}) =>
  repo.create(input(id, family, overrides), { actor, knownVersions: KNOWN });

const rawItem = async (key: { pk: string; sk: string }) =>
  (await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

const auditCount = async (id: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': `EXP#${id}`, ':a': 'AUDIT#' },
        ConsistentRead: true,
      }),
    )
  ).Count;

beforeAll(async () => {
  raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, STAGE);
  repo = experimentsRepository({
    client: doc,
    table: TABLE,
    now: steppingClock('2026-03-01T09:00:00Z'),
  });
});

afterAll(async () => {
  raw?.destroy();
});

describe('create / get / list', () => {
  it('stores a Draft with its create audit entry and reads it back', async () => {
    // Act
    const created = await create('exp-create', 'fam-create', {
      allocation: { weights: { control: 0.7, treatment: 0.3 }, coverage: 0.5 },
    });
    const read = await repo.get('exp-create');

    // Assess
    expect(read).toEqual(created);
    expect(read?.status).toBe('Draft');
    expect(read?.allocation).toEqual({
      preset: 'custom',
      weights: { control: 0.7, treatment: 0.3 },
      coverage: 0.5,
    });
    expect(read?.seed).toBe('exp-create');
    const history = await repo.history('exp-create');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      kind: 'experiment',
      action: 'create',
      actor,
      before: null,
      after: 'Draft',
      seq: 1,
    });
  });

  it('refuses a second experiment with the same id and keeps the first', async () => {
    // Prepare
    await create('exp-dup', 'fam-dup');

    // Act
    const second = create('exp-dup', 'fam-dup', { name: 'other', treatment: '1.0.0' });

    // Assess
    await expect(second).rejects.toBeInstanceOf(ExperimentExistsError);
    expect((await repo.require('exp-dup')).name).toBe('experiment exp-dup');
    expect(await auditCount('exp-dup')).toBe(1);
  });

  it('rejects an invalid definition without writing anything', async () => {
    // Act
    const bad = create('exp-bad', 'fam-bad', { treatment: '9.9.9' });

    // Assess
    await expect(bad).rejects.toThrow(/treatment: version 9\.9\.9 is not a known version/);
    await expect(bad).rejects.toBeInstanceOf(ExperimentValidationError);
    expect(await repo.get('exp-bad')).toBeNull();
  });

  it('lists by status through the index, newest first', async () => {
    // Prepare
    await create('exp-list-a', 'fam-list-a');
    await create('exp-list-b', 'fam-list-b');
    await repo.start('exp-list-b', { actor });

    // Act
    const running = await repo.list('Running');
    const all = await repo.list();

    // Assess
    expect(running.map((e) => e.id)).toContain('exp-list-b');
    expect(running.map((e) => e.id)).not.toContain('exp-list-a');
    const ids = all.map((e) => e.id);
    expect(ids.indexOf('exp-list-b')).toBeLessThan(ids.indexOf('exp-list-a'));
    expect(all.every((e, i) => i === 0 || (all[i - 1]?.createdAt ?? '') >= e.createdAt)).toBe(true);
  });

  it('reports a missing experiment by name', async () => {
    await expect(repo.require('exp-missing')).rejects.toBeInstanceOf(ExperimentNotFoundError);
    await expect(repo.start('exp-missing', { actor })).rejects.toThrow(
      'experiment exp-missing not found',
    );
  });
});

describe('start', () => {
  it('sets Running and writes the pointer the pipeline reads', async () => {
    // Prepare
    await create('exp-start', 'fam-start', {
      allocation: { preset: '80/20', coverage: 0.9 },
      seed: 'seed-1',
    });

    // Act
    const started = await repo.start('exp-start', { actor, reason: 'go' });

    // Assess
    expect(started.status).toBe('Running');
    const startedAt = started.startedAt ?? '';
    expect(startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    // The stepping clock moves one second per reading: the start is after the creation.
    expect(Date.parse(startedAt)).toBeGreaterThan(Date.parse(started.createdAt));
    expect((await rawItem(runningKey('fam-start')))?.startedAt).toBe(startedAt);
    expect(await repo.getRunning('fam-start')).toEqual({
      experimentId: 'exp-start',
      seed: 'seed-1',
      control: '1.1.0',
      treatment: '2.0.0',
      weights: [0.8, 0.2],
      coverage: 0.9,
    });
    const history = await repo.history('exp-start');
    expect(history.map((h) => h.action)).toEqual(['create', 'start']);
    expect(history[1]).toMatchObject({
      reason: 'go',
      before: 'Draft',
      after: 'Running',
      seq: 2,
      at: startedAt,
    });
  });

  it('refuses a second running experiment in the same family', async () => {
    // Prepare
    await create('exp-first', 'fam-one');
    await create('exp-second', 'fam-one', { treatment: '1.0.0' });
    await repo.start('exp-first', { actor });

    // Act
    const second = repo.start('exp-second', { actor });

    // Assess
    await expect(second).rejects.toBeInstanceOf(ExperimentConflictError);
    expect((await repo.require('exp-second')).status).toBe('Draft');
    expect(await auditCount('exp-second')).toBe(1);
    expect((await repo.getRunning('fam-one'))?.experimentId).toBe('exp-first');
  });

  it('lets exactly one of two concurrent starts win', async () => {
    // Prepare
    await create('exp-race-a', 'fam-race');
    await create('exp-race-b', 'fam-race', { treatment: '1.0.0' });

    // Act
    const outcomes = await Promise.allSettled([
      repo.start('exp-race-a', { actor }),
      repo.start('exp-race-b', { actor }),
    ]);

    // Assess
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : []));
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(
      lost[0] instanceof ExperimentConflictError || lost[0] instanceof ConcurrentUpdateError,
    ).toBe(true);
    const winner = won[0] ?? '';
    const loser = winner === 'exp-race-a' ? 'exp-race-b' : 'exp-race-a';
    expect((await repo.getRunning('fam-race'))?.experimentId).toBe(winner);
    expect((await repo.require(loser)).status).toBe('Draft');
    expect(await auditCount(loser)).toBe(1);
  });

  it('refuses to start an experiment that is not a Draft', async () => {
    // Prepare
    await create('exp-twice', 'fam-twice');
    await repo.start('exp-twice', { actor });

    // Act
    const again = repo.start('exp-twice', { actor });

    // Assess
    await expect(again).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await auditCount('exp-twice')).toBe(2);
  });
});

describe('complete, promote, abort', () => {
  it('completes: records the decision and removes the pointer, so another can start', async () => {
    // Prepare
    await create('exp-done', 'fam-done');
    await create('exp-next', 'fam-done', { treatment: '1.0.0' });
    await repo.start('exp-done', { actor });

    // Act
    const completed = await repo.complete('exp-done', { actor, decision: 'keep-running' });
    const next = await repo.start('exp-next', { actor });

    // Assess
    expect(completed).toMatchObject({ status: 'Completed', decision: 'keep-running' });
    expect(next.status).toBe('Running');
    expect((await repo.getRunning('fam-done'))?.experimentId).toBe('exp-next');
    const history = await repo.history('exp-done');
    expect(history.at(-1)).toMatchObject({
      action: 'complete',
      decision: 'keep-running',
      before: 'Running',
      after: 'Completed',
    });
  });

  it('refuses promotion on keep-running without force and writes nothing', async () => {
    // Prepare
    await create('exp-refuse', 'fam-refuse');
    await repo.moveAlias('fam-refuse', '1.1.0', actor, 'initial');
    await repo.start('exp-refuse', { actor });
    await repo.complete('exp-refuse', { actor });

    // Act + Assess (each attempt awaited in turn, so no rejection goes unobserved)
    await expect(
      repo.promote('exp-refuse', { actor, decision: 'keep-running' }),
    ).rejects.toBeInstanceOf(PromotionRefusedError);
    await expect(
      repo.promote('exp-refuse', {
        actor,
        decision: 'unhealthy',
        force: true,
        reason: 'ship it anyway',
      }),
    ).rejects.toThrow(/unhealthy/);
    expect((await repo.require('exp-refuse')).status).toBe('Completed');
    expect((await repo.getAlias('fam-refuse'))?.version).toBe('1.1.0');
    expect(await auditCount('exp-refuse')).toBe(3);
  });

  it('force-promotes with a reason: alias moved, both audit entries, history in order', async () => {
    // Prepare
    await create('exp-promote', 'fam-promote');
    await repo.moveAlias('fam-promote', '1.1.0', actor, 'initial');
    await repo.start('exp-promote', { actor });
    await repo.complete('exp-promote', { actor, decision: 'keep-running' });

    // Act
    const { experiment, alias } = await repo.promote('exp-promote', {
      actor: 'bob',
      decision: 'keep-running',
      force: true,
      reason: 'schema v2 needed by underwriting',
    });

    // Assess
    expect(experiment).toMatchObject({ status: 'Promoted', decision: 'keep-running' });
    expect(alias).toMatchObject({
      before: '1.1.0',
      after: '2.0.0',
      actor: 'bob',
      experimentId: 'exp-promote',
      seq: 2,
    });
    const current = await rawItem(aliasKey('fam-promote'));
    expect(current).toMatchObject({
      version: '2.0.0',
      auditSeq: 2,
      updatedAt: experiment.promotedAt,
    });
    const history = await repo.history('exp-promote');
    expect(history.map((h) => `${h.kind}:${h.action}`)).toEqual([
      'experiment:create',
      'experiment:start',
      'experiment:complete',
      'experiment:force-promote',
      'alias:move',
    ]);
    expect(history[3]).toMatchObject({ reason: 'schema v2 needed by underwriting', actor: 'bob' });
    const moves = await repo.aliasHistory('fam-promote');
    expect(moves.map((m) => [m.before, m.after, m.experimentId])).toEqual([
      [null, '1.1.0', null],
      ['1.1.0', '2.0.0', 'exp-promote'],
    ]);
  });

  it('promotes on ship without force', async () => {
    // Prepare
    await create('exp-ship', 'fam-ship');
    await repo.start('exp-ship', { actor });
    await repo.complete('exp-ship', { actor, decision: 'ship' });

    // Act
    const { experiment, alias } = await repo.promote('exp-ship', { actor, decision: 'ship' });

    // Assess
    expect(experiment.status).toBe('Promoted');
    expect(alias).toMatchObject({ before: null, after: '2.0.0' });
    expect((await repo.history('exp-ship')).map((h) => h.action)).toContain('promote');
  });

  it('aborts a running experiment with a reason and removes its pointer', async () => {
    // Prepare
    await create('exp-abort', 'fam-abort');
    await repo.start('exp-abort', { actor });

    // Act
    const noReason = repo.abort('exp-abort', { actor });
    await expect(noReason).rejects.toBeInstanceOf(ExperimentValidationError);
    const aborted = await repo.abort('exp-abort', { actor, reason: 'wrong treatment' });

    // Assess
    expect(aborted.status).toBe('Aborted');
    expect(await repo.getRunning('fam-abort')).toBeNull();
    expect(await rawItem(runningKey('fam-abort'))).toBeUndefined();
    expect((await repo.history('exp-abort')).at(-1)).toMatchObject({
      action: 'abort',
      reason: 'wrong treatment',
      before: 'Running',
    });
  });

  it('lets only one of two concurrent completions write', async () => {
    // Prepare
    await create('exp-double', 'fam-double');
    await repo.start('exp-double', { actor });

    // Act
    const outcomes = await Promise.allSettled([
      repo.complete('exp-double', { actor }),
      repo.complete('exp-double', { actor }),
    ]);

    // Assess
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await auditCount('exp-double')).toBe(3);
  });
});

describe('moveAlias', () => {
  it('moves the alias with an audit entry and requires a reason', async () => {
    // Act
    const first = await repo.moveAlias('fam-alias', '1.0.0', actor, 'seed');
    const second = await repo.moveAlias('fam-alias', '1.1.0', 'carol', 'rollback after incident');
    const noReason = repo.moveAlias('fam-alias', '2.0.0', actor, '  ');

    // Assess
    await expect(noReason).rejects.toBeInstanceOf(ExperimentValidationError);
    expect(first).toMatchObject({ seq: 1, before: null, after: '1.0.0' });
    expect(second).toMatchObject({ seq: 2, before: '1.0.0', after: '1.1.0', actor: 'carol' });
    expect((await repo.getAlias('fam-alias'))?.version).toBe('1.1.0');
    expect((await repo.aliasHistory('fam-alias')).map((m) => m.reason)).toEqual([
      'seed',
      'rollback after incident',
    ]);
  });

  it('adopts an alias written without an audit count (the one the local stack seeds)', async () => {
    // Prepare
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...aliasKey('fam-seeded'),
          version: '2.0.0',
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );

    // Act
    const move = await repo.moveAlias('fam-seeded', '1.1.0', actor, 'pin');

    // Assess
    expect(move).toMatchObject({ seq: 1, before: '2.0.0', after: '1.1.0' });
  });
});
