/** SelectVariant: experiment arm when enrolled, else the production alias, else the default. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningItem } from '#contracts/experiments-items.ts';
import { assignArm } from '#core/experiments/assignment.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { cached, selectVariant } from '#functions/select-variant/select-variant.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';

const running: RunningItem = {
  experimentId: 'exp-7',
  seed: 'exp-7',
  control: '1.1.0',
  treatment: '2.0.0',
  weights: [0.5, 0.5],
  coverage: 1,
};
const docs = Array.from({ length: 200 }, (_, i) =>
  documentIdFor({ bucket: 'b', key: `incoming/${i}.pdf`, versionId: 'v' }),
);

describe('selectVariant', () => {
  it('uses the alias, or the default when no alias exists, without an experiment', () => {
    const alias = { version: '1.1.0', updatedAt: '2026-11-01T00:00:00Z' };
    expect(selectVariant(docs[0] ?? '', { running: null, alias, defaultVersion: '2.0.0' })).toEqual(
      {
        promptVersion: '1.1.0',
        experimentId: null,
        arm: null,
        resolvedBy: 'alias',
      },
    );
    expect(
      selectVariant(docs[0] ?? '', { running: null, alias: null, defaultVersion: '2.0.0' }),
    ).toEqual({
      promptVersion: '2.0.0',
      experimentId: null,
      arm: null,
      resolvedBy: 'default',
    });
  });

  it('maps each document to the arm the assignment function gives it', () => {
    const arms = docs.map((id) =>
      selectVariant(id, { running, alias: null, defaultVersion: '1.0.0' }),
    );
    docs.forEach((id, i) => {
      const expected = assignArm({
        seed: 'exp-7',
        documentId: id,
        allocation: { weights: [0.5, 0.5], coverage: 1 },
        arms: ['control', 'treatment'],
      });
      expect(arms[i]?.arm).toBe(expected);
      expect(arms[i]?.promptVersion).toBe(expected === 'control' ? '1.1.0' : '2.0.0');
      expect(arms[i]?.experimentId).toBe('exp-7');
    });
    expect(new Set(arms.map((a) => a.arm))).toEqual(new Set(['control', 'treatment']));
  });

  it('serves documents outside coverage from the alias, outside the experiment', () => {
    const partial = { ...running, coverage: 0.2 };
    const selections = docs.map((id) =>
      selectVariant(id, {
        running: partial,
        alias: { version: '1.0.0', updatedAt: 'x' },
        defaultVersion: '2.0.0',
      }),
    );
    const outside = selections.filter((s) => s.experimentId === null);
    expect(outside.length).toBeGreaterThan(100);
    expect(
      outside.every(
        (s) => s.promptVersion === '1.0.0' && s.arm === null && s.resolvedBy === 'alias',
      ),
    ).toBe(true);
  });
});

describe('cached', () => {
  it('reads once within the TTL and again after it', async () => {
    let clock = 0;
    let reads = 0;
    const get = cached(
      async () => ++reads,
      1000,
      () => clock,
    );
    expect(await get()).toBe(1);
    clock = 999;
    expect(await get()).toBe(1);
    clock = 1000;
    expect(await get()).toBe(2);
  });

  it('shares a read in flight between overlapping calls, and not with a TTL of 0', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const slowRead = () =>
      new Promise<number>((resolve) => {
        reads += 1;
        const value = reads;
        release = () => resolve(value);
      });
    const shared = cached(slowRead, 1000);
    const overlapping = [shared(), shared(), shared()];
    release();
    expect(await Promise.all(overlapping)).toEqual([1, 1, 1]);
    expect(reads).toBe(1);

    reads = 0;
    const releases: Array<() => void> = [];
    const fresh = cached(() => {
      const pending = slowRead();
      releases.push(release);
      return pending;
    }, 0);
    const each = [fresh(), fresh()];
    for (const r of releases) r();
    expect(await Promise.all(each)).toEqual([1, 2]);
    expect(reads).toBe(2);
  });

  it('reads again after a shared read failed', async () => {
    let reads = 0;
    const get = cached(async () => {
      reads += 1;
      if (reads === 1) throw new Error('throttled');
      return reads;
    }, 1000);
    await expect(Promise.all([get(), get()])).rejects.toThrow('throttled');
    expect(reads).toBe(1);
    expect(await get()).toBe(2);
  });
});

describe('select-variant handler', () => {
  let handler: typeof import('#functions/select-variant/handler.ts')['handler'];
  const ddb = mockClient(DynamoDBDocumentClient);
  mockClient(DynamoDBClient);

  beforeAll(async () => {
    setHandlerEnv({ PROMPT_CACHE_TTL_SECONDS: '0' });
    ({ handler } = await import('#functions/select-variant/handler.ts'));
  });
  afterEach(() => ddb.reset());

  it('reads the alias and the running pointer in one consistent BatchGet', async () => {
    // Prepare
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        'medextract-test-experiments': [
          {
            pk: 'ALIAS#medical-record#production',
            sk: 'CURRENT',
            version: '1.0.0',
            updatedAt: 'x',
          },
          { pk: 'RUNNING#medical-record', sk: 'CURRENT', ...running },
        ],
      },
    });
    // Act
    const output = await handler({ documentId: docs[3] }, testContext('select-variant'));
    // Assess
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input).toEqual({
      RequestItems: {
        'medextract-test-experiments': {
          Keys: [
            { pk: 'ALIAS#medical-record#production', sk: 'CURRENT' },
            { pk: 'RUNNING#medical-record', sk: 'CURRENT' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect(output.experimentId).toBe('exp-7');
    expect(['1.1.0', '2.0.0']).toContain(output.promptVersion);
  });

  it('fails (for the state machine to retry) when keys come back unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {},
      UnprocessedKeys: { 'medextract-test-experiments': { Keys: [{ pk: 'x', sk: 'y' }] } },
    });
    await expect(handler({ documentId: docs[0] }, testContext('select-variant'))).rejects.toThrow(
      /unprocessed/,
    );
  });

  it('rejects input that is not a document id', async () => {
    await expect(
      handler({ documentId: 'incoming/some file.pdf' }, testContext('select-variant')),
    ).rejects.toThrow();
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });
});
