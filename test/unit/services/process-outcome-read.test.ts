/**
 * How `processFiles` reads a finished document: a succeeded execution's
 * output names the result JSON, which holds the results row's figures, so
 * the JSON is the one read; the row is read only when the output names no
 * result (a superseded upload), when the JSON is not this document's, and
 * for failures, whose reason only the row holds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStatusWord } from '#contracts/executions.ts';
import type { ServiceContext } from '#services/context.ts';
import { processFiles } from '#services/process-documents.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:medextract-test-extract';
const BUCKET = 'medextract-test-documents';
const FIELDS = { patient: { name: 'Synthetic Testpatient' } };

const resultJson = (documentId: string) => ({
  documentId,
  status: 'NEEDS_REVIEW',
  promptVersion: '2.2.0',
  scores: { completeness: 0.75, costMicroUsd: 4321 },
  fields: FIELDS,
});

const row = (documentId: string, status: string) => ({
  documentId,
  status,
  promptVersion: '2.0.0',
  completeness: 0.5,
  costMicroUsd: 1234,
  reason: status === 'FAILED' ? 'PDF_ENCRYPTED' : null,
  resultUri: status === 'FAILED' ? null : `s3://${BUCKET}/results/${documentId}.json`,
});

/**
 * A stack whose only execution ends as `word(documentId)` says; S3 answers
 * reads with `json(documentId)`, the results table with `stored(documentId)`.
 */
const fakeContext = (options: {
  readonly word: (documentId: string) => ExecutionStatusWord;
  readonly json: (documentId: string) => unknown;
  readonly stored: (documentId: string) => unknown;
}) => {
  let documentId = '';
  const reads = { json: 0, row: 0 };
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof PutObjectCommand)
        return { ETag: '"0123456789abcdef0123456789abcdef"' };
      if (command instanceof GetObjectCommand) {
        reads.json += 1;
        const body = JSON.stringify(options.json(documentId));
        return { Body: { transformToString: async () => body } };
      }
      return {};
    },
  };
  const dynamodb = {
    send: async (command: unknown) => {
      if (!(command instanceof GetCommand)) return {};
      reads.row += 1;
      return { Item: options.stored(String(command.input.Key?.documentId)) };
    },
  };
  const ctx = {
    stage: 'test',
    bucket: BUCKET,
    stateMachineArn: STATE_MACHINE,
    tables: { results: 'medextract-test-results' },
    clients: { s3, sfn: { send: async () => ({}) }, dynamodb },
    executionEvents: {
      onExecutionEnded: () => () => undefined,
      executionStatus: (executionArn: string) => {
        documentId = executionArn.split(':').at(-1) ?? '';
        return options.word(documentId);
      },
    },
  } as unknown as ServiceContext;
  return { ctx, reads };
};

const succeededWith =
  (resultUri: (documentId: string) => string | null) => (documentId: string) => {
    const uri = resultUri(documentId);
    return {
      status: 'SUCCEEDED',
      output: JSON.stringify(uri === null ? { superseded: true } : { result: { resultUri: uri } }),
    };
  };

describe('processFiles reading a finished document', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medextract-outcome-'));
    path = join(dir, 'doc.pdf');
    await writeFile(path, '%PDF-1.4 synthetic');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes a succeeded document from the result JSON its execution output names, without the row', async () => {
    const fake = fakeContext({
      word: succeededWith((id) => `s3://${BUCKET}/results/${id}.json`),
      json: resultJson,
      stored: (id) => row(id, 'SUCCEEDED'),
    });

    const [result] = await processFiles(fake.ctx, [{ path }]);

    expect(fake.reads).toEqual({ json: 1, row: 0 });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      outcome: 'NEEDS_REVIEW',
      reason: null,
      promptVersion: '2.2.0',
      completeness: 0.75,
      costMicroUsd: 4321,
      fields: FIELDS,
    });
  });

  it('reads the row when the output names no result, or the JSON is not this document', async () => {
    for (const fake of [
      fakeContext({
        word: succeededWith(() => null),
        json: resultJson,
        stored: (id) => row(id, 'SUCCEEDED'),
      }),
      fakeContext({
        word: succeededWith((id) => `s3://${BUCKET}/results/${id}.json`),
        json: () => resultJson('f'.repeat(64)),
        stored: (id) => row(id, 'SUCCEEDED'),
      }),
    ]) {
      const [result] = await processFiles(fake.ctx, [{ path }]);

      expect(fake.reads.row).toBe(1);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        outcome: 'SUCCEEDED',
        promptVersion: '2.0.0',
        completeness: 0.5,
        costMicroUsd: 1234,
      });
    }
  });

  it('takes a failure and its reason from the row, and reads no result JSON', async () => {
    const fake = fakeContext({
      word: () => ({ status: 'FAILED', error: 'BadDocument', cause: 'encrypted' }),
      json: resultJson,
      stored: (id) => row(id, 'FAILED'),
    });

    const [result] = await processFiles(fake.ctx, [{ path }]);

    expect(fake.reads).toEqual({ json: 0, row: 1 });
    expect(result).toMatchObject({
      status: 'FAILED',
      outcome: 'FAILED',
      reason: 'PDF_ENCRYPTED',
      fields: null,
    });
  });
});
