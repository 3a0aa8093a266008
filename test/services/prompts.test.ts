/**
 * The prompt use cases: the version list, show and diff over the bundled
 * catalog, and the audited alias move over DynamoDB Local (refusing drafts
 * and unknown versions with codes an API can map).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import type { PromptCatalog } from '#services/context.ts';
import { serviceErrorCode } from '#services/errors.ts';
import { diffPrompts, listPrompts, setAlias, showAlias, showPrompt } from '#services/prompts.ts';
import { type DynamoContext, startDynamoContext } from './dynamo-context.ts';

let env: DynamoContext;

const withDraft: PromptCatalog = {
  list: () =>
    bundledPrompts()
      .list()
      .map((v) => (v.version === '1.0.0' ? { ...v, status: 'draft' as const } : v)),
  versions: () => bundledPrompts().versions(),
  get: (version) => bundledPrompts().get(version),
};

beforeAll(async () => {
  env = await startDynamoContext('svcprm');
});

afterAll(async () => {
  await env?.stop();
});

describe('bundled versions', () => {
  it('lists every version with its field counts', () => {
    // Act
    const rows = listPrompts();

    // Assess
    expect(rows.map((r) => r.version)).toEqual(bundledPrompts().versions());
    for (const row of rows) {
      const fields = Object.values(bundledPrompts().get(row.version).metadata.fields);
      expect(row.fields).toBe(fields.length);
      expect(row.requiredFields).toBe(fields.filter((f) => f.required).length);
    }
  });

  it('shows a version with a leading v, and refuses an unknown one as NOT_FOUND', () => {
    // Act
    const shown = showPrompt('v2.0.0');
    const unknown = (() => {
      try {
        return showPrompt('9.9.9');
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(shown).toMatchObject({ version: '2.0.0', status: 'released' });
    expect(shown.schema.topLevel.map((t) => t.path)).toContain('patient');
    expect(serviceErrorCode(unknown)).toBe('NOT_FOUND');
    expect(unknown).toMatchObject({ reason: 'UNKNOWN_PROMPT_VERSION' });
  });

  it('diffs two versions: a version against itself changes nothing', () => {
    // Act
    const same = diffPrompts('2.0.0', '2.0.0');
    const changed = diffPrompts('1.1.0', '2.0.0');

    // Assess
    expect(same.schema).toEqual({ added: [], removed: [], changed: [] });
    expect(same.metadata).toEqual([]);
    expect(changed.from).toBe('1.1.0');
    expect(
      changed.schema.added.length + changed.schema.removed.length + changed.schema.changed.length,
    ).toBeGreaterThan(0);
  });
});

describe('production alias', () => {
  it('is not set on a fresh stack, moves by hand with an audit entry, and refuses drafts', async () => {
    // Act
    const before = await showAlias(env.ctx);
    const move = await setAlias(env.ctx, { version: '1.1.0', actor: 'bob', reason: 'baseline' });
    const draft = await setAlias(
      env.ctx,
      { version: '1.0.0', actor: 'bob', reason: 'roll back' },
      withDraft,
    ).catch((error: unknown) => error);
    const after = await showAlias(env.ctx);

    // Assess
    expect(before).toEqual({ alias: 'production', current: null, moves: [] });
    expect(move).toMatchObject({ before: null, after: '1.1.0', actor: 'bob', reason: 'baseline' });
    expect(draft).toMatchObject({ code: 'INVALID_INPUT', reason: 'DRAFT_PROMPT_VERSION' });
    expect(after.current?.version).toBe('1.1.0');
    expect(after.moves).toHaveLength(1);
  });
});
