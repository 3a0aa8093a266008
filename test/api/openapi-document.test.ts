/**
 * The generated OpenAPI document: valid OpenAPI 3.1, every route of the app
 * in it, every operation answering errors as problem documents, and the
 * contract checker failing on each kind of drift it exists to catch.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderReportStore } from '#adapters/evaluation-reports.ts';
import { createApi } from '#api/app.ts';
import type { ServiceContext } from '#services/context.ts';
import {
  contractOf,
  type OpenApiDocument,
  openApiDocumentErrors,
} from '#test/helpers/openapi-contract.ts';

// Serving the document reads no AWS resource; clients aimed at a closed port prove it.
const nowhere = {
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'none', secretAccessKey: 'none' },
  maxAttempts: 1,
};
const unreachable: ServiceContext = {
  stage: 'test',
  bucket: 'none',
  stateMachineArn: 'none',
  tables: {
    results: 'none',
    experiments: 'none',
    metrics: 'none',
    ledger: 'none',
    reuse: 'none',
  },
  queues: { ingest: 'none', ingestDlq: 'none', extractionDlq: 'none' },
  clients: {
    s3: new S3Client(nowhere),
    sqs: new SQSClient(nowhere),
    sfn: new SFNClient(nowhere),
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(nowhere)),
  },
};

let doc: OpenApiDocument;

beforeAll(async () => {
  const app = await createApi(
    {
      ctx: unreachable,
      callerOf: () => 'test',
      evaluations: folderReportStore(join(tmpdir(), 'medextract-no-evaluations')),
    },
    { allowedOrigins: [], maxBodyBytes: 1024, rateLimit: null, referencePage: false },
  );
  doc = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiDocumentErrors(doc)).toEqual([]);
  });

  it('is reported invalid when it is broken', () => {
    const broken = {
      ...doc,
      paths: { ...doc.paths, '/api/x': { get: { responses: 'none' } } },
    };
    expect(openApiDocumentErrors(broken).length).toBeGreaterThan(0);
  });

  it('holds every endpoint family, each error answered as a problem document', () => {
    const paths = Object.keys(doc.paths);
    const families = ['prompts', 'metrics', 'experiments', 'documents', 'uploads', 'dlq'];
    for (const prefix of [...families, 'evaluations', 'health']) {
      expect(paths.some((p) => p.startsWith(`/api/${prefix}`))).toBe(true);
    }
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const responses = operation.responses ?? {};
        for (const status of ['403', '429', '500']) {
          expect(
            responses[status]?.content?.['application/problem+json'],
            `${method} ${path} ${status}`,
          ).toBeDefined();
        }
      }
    }
  });
});

describe('the contract checker', () => {
  const versions = { versions: [] };

  it('accepts a declared answer', () => {
    expect(() =>
      contractOf(doc).check('GET', '/api/prompts/versions', 200, 'application/json', versions),
    ).not.toThrow();
  });

  it.each([
    [
      'an undeclared path',
      'GET',
      '/api/unknown',
      200,
      'application/json',
      versions,
      'not in the document',
    ],
    [
      'an undeclared status',
      'GET',
      '/api/prompts/versions',
      418,
      'application/json',
      versions,
      'declares no 418',
    ],
    [
      'an undeclared media type',
      'GET',
      '/api/prompts/versions',
      200,
      'text/html',
      versions,
      'declares no text/html',
    ],
    [
      'a body that drifted',
      'GET',
      '/api/prompts/versions',
      200,
      'application/json',
      { items: [] },
      'does not match',
    ],
    [
      'a field whose type changed',
      'GET',
      '/api/metrics/prompts/{version}',
      200,
      'application/json',
      { since: '2026-01-01T00:00Z', metrics: { version: 2 } },
      'does not match',
    ],
  ])('rejects %s', (_name, method, path, status, type, body, message) => {
    expect(() => contractOf(doc).check(method, path, status, type, body)).toThrow(message);
  });
});
