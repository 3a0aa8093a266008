/**
 * Start-up proofs: a check is skipped only when the data folder recorded the
 * same answer before (same definition, same tables), a failed step records
 * nothing, and without a data folder every check runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TABLES } from '#contracts/resources.ts';
import { createTableInput } from '#local/dynamodb.ts';
import { startupProofs } from '#local/startup-proofs.ts';

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
    // Prepare
    const proofs = startupProofs(folder());

    // Act
    const before = proofs.aslValidated('{"StartAt":"A"}');
    proofs.rememberAslValidated('{"StartAt":"A"}');

    // Assess
    expect(before).toBe(false);
    expect(proofs.aslValidated('{"StartAt":"A"}')).toBe(true);
    expect(proofs.aslValidated('{"StartAt":"B"}')).toBe(false);
    expect(startupProofs(undefined).aslValidated('{"StartAt":"A"}')).toBe(false);
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
