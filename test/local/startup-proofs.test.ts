/**
 * Start-up proofs: a check is skipped only when the data folder recorded the
 * same answer before (same definition, same tables), or, for the ASL check,
 * when this checkout's cache did (same definition as the validator sees it);
 * a failed step records nothing, and without a data folder the table checks run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TABLES } from '#contracts/resources.ts';
import { createTableInput } from '#local/dynamodb.ts';
import { aslProofText, startupProofs } from '#local/startup-proofs.ts';

const dirs: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'medextract-proofs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A DynamoDB client that answers table calls from a set of names and logs each command. */
const fakeDynamo = (tables: Set<string>) => {
  const sent: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: { TableName?: string } }) => {
      const name = command.constructor.name;
      sent.push(name);
      if (name === 'ListTablesCommand') return { TableNames: [...tables] };
      if (name === 'CreateTableCommand') {
        tables.add(command.input.TableName ?? '');
        return {};
      }
      if (name === 'DescribeTimeToLiveCommand') {
        return { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED' } };
      }
      return {};
    },
  };
  return { client: client as unknown as DynamoDBClient, sent };
};

describe('start-up proofs', () => {
  it('skips the ASL schema check only for a definition that passed it before', () => {
    // Prepare: definitions no earlier run has seen (the checkout's cache outlives a run).
    const a = JSON.stringify({ StartAt: 'A', Comment: randomUUID() });
    const b = JSON.stringify({ StartAt: 'B', Comment: randomUUID() });
    const proofs = startupProofs(folder());

    // Act
    const before = proofs.aslValidated(a);
    const beforeWithoutFolder = startupProofs(undefined).aslValidated(a);
    proofs.rememberAslValidated(a);

    // Assess: the answer is kept in the data folder and once per checkout, for this text only.
    expect(before).toBe(false);
    expect(beforeWithoutFolder).toBe(false);
    expect(proofs.aslValidated(a)).toBe(true);
    expect(proofs.aslValidated(b)).toBe(false);
    expect(startupProofs(undefined).aslValidated(a)).toBe(true);
    expect(startupProofs(folder()).aslValidated(a)).toBe(true);
    expect(startupProofs(undefined).aslValidated(b)).toBe(false);
  });

  it('checks a definition as the validator sees it: the same for every stage and queue port', () => {
    // Prepare
    const text = (stage: string, port: number) =>
      JSON.stringify({
        StartAt: 'Load',
        States: {
          Load: {
            Type: 'Task',
            Resource: `arn:aws:lambda:us-east-1:0:function:medextract-${stage}-load-document`,
            End: true,
          },
        },
        Comment: `http://127.0.0.1:${port}/000000000000/medextract-${stage}-extraction-dlq`,
      });

    // Act
    const one = aslProofText(
      text('t1abc', 4001),
      'http://127.0.0.1:4001/000000000000/medextract-t1abc-extraction-dlq',
      't1abc',
    );
    const other = aslProofText(
      text('local', 4999),
      'http://127.0.0.1:4999/000000000000/medextract-local-extraction-dlq',
      'local',
    );
    const changed = aslProofText(
      text('t1abc', 4001).replace('"End":true', '"End":false'),
      'x',
      't1abc',
    );

    // Assess
    expect(one).toBe(other);
    expect(one).not.toContain('t1abc');
    expect(changed).not.toBe(one);
  });

  it('runs a create-once step once per key, and again after a failure', async () => {
    // Prepare
    const proofs = startupProofs(folder());
    let runs = 0;
    const step = async () => {
      runs += 1;
    };

    // Act
    await expect(
      proofs.once({ k: 1 }, async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    await proofs.once({ k: 1 }, step);
    await proofs.once({ k: 1 }, step);
    await proofs.once({ k: 2 }, step);
    await startupProofs(undefined).once({ k: 1 }, step);

    // Assess
    expect(runs).toBe(3);
  });

  it('checks tables with one ListTables once they were ensured, and in full when one is gone', async () => {
    // Prepare
    const dir = folder();
    const tables = new Set<string>();
    const { client, sent } = fakeDynamo(tables);

    // Act
    await startupProofs(dir).ensureTables(client, 'local');
    const first = sent.splice(0);
    await startupProofs(dir).ensureTables(client, 'local');
    const second = sent.splice(0);
    tables.delete(createTableInput('local', TABLES[0]).TableName);
    await startupProofs(dir).ensureTables(client, 'local');
    const third = sent.splice(0);

    // Assess
    expect(first.filter((c) => c === 'CreateTableCommand')).toHaveLength(TABLES.length);
    expect(second).toEqual(['ListTablesCommand']);
    expect(third[0]).toBe('ListTablesCommand');
    expect(third.filter((c) => c === 'CreateTableCommand')).toHaveLength(TABLES.length);
    expect(tables.size).toBe(TABLES.length);
  });
});
