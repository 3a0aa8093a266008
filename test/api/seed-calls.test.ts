/**
 * The original product's four documented calls, exactly as its docs give
 * them (curl with -d and no content type), against the whole local stack
 * with the API on top; every answer checked against /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiStack, startApiStack } from '#test/helpers/api-stack.ts';
import { notPdf, recordPdf } from '#test/helpers/pdf-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

let s: ApiStack;

beforeAll(async () => {
  s = await startApiStack();
  const results = await s.process([
    { name: 'aps-a.pdf', bytes: await recordPdf() },
    { name: 'aps-b.pdf', bytes: await recordPdf() },
    { name: 'junk.pdf', bytes: notPdf() },
  ]);
  expect(results.map((r) => r.status).sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
}, 180_000);
afterAll(async () => s?.stop());

describe('the four seed calls', () => {
  it('curl http://localhost:8000/api/prompts/versions lists the bundled versions', async () => {
    // Act
    const answer = await s.call('GET', '/api/prompts/versions');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    const body = answer.body as { versions: Array<{ version: string; status: string }> };
    expect(body.versions.map((v) => v.version)).toEqual([
      '1.0.0',
      '1.1.0',
      '2.0.0',
      '2.1.0',
      '2.2.0',
    ]);
    expect(body.versions.every((v) => v.status === 'released')).toBe(true);
  });

  it('curl .../api/metrics/prompts/v2.0.0 reports the documents processed with 2.0.0', async () => {
    // Act
    const answer = await s.call('GET', '/api/metrics/prompts/v2.0.0');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      metrics: { version: '2.0.0', documents: 2, succeeded: 2, failed: 0, successRate: 1 },
    });
    const { metrics } = answer.body as {
      metrics: { latencyMs: { p50: number; p95: number; p99: number }; completenessMean: number };
    };
    expect(metrics.completenessMean).toBeGreaterThan(0.5);
    expect(metrics.latencyMs.p50).toBeGreaterThan(0);
    expect(metrics.latencyMs.p99).toBeGreaterThanOrEqual(metrics.latencyMs.p50);
  });

  it('curl -X POST .../api/metrics/compare -d {control_version, treatment_version}', async () => {
    // Act: curl -d sends application/x-www-form-urlencoded; the API reads the body as JSON.
    const answer = await s.call('POST', '/api/metrics/compare', {
      body: '{"control_version": "v1.1.0", "treatment_version": "v2.0.0"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      control: { version: '1.1.0', documents: 0 },
      treatment: { version: '2.0.0', documents: 2, succeeded: 2 },
      changes: { successRate: { control: null, treatment: 1, absolute: null } },
    });
  });

  it('curl -X POST .../api/experiments -d {name, versions, traffic_allocation: 80/20}', async () => {
    // Act
    const answer = await s.call('POST', '/api/experiments', {
      body: `{
    "name": "Test v2.0.0",
    "control_version": "v1.1.0",
    "treatment_version": "v2.0.0",
    "traffic_allocation": "80/20"
  }`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: 'test-v2-0-0',
      name: 'Test v2.0.0',
      control: '1.1.0',
      treatment: '2.0.0',
      status: 'Draft',
      allocation: { preset: '80/20', weights: { control: 0.8, treatment: 0.2 }, coverage: 1 },
    });
    const history = await s.call('GET', '/api/experiments/test-v2-0-0/history');
    expect(history.body).toMatchObject({
      entries: [{ kind: 'experiment', action: 'create', actor: 'local-api' }],
    });
  });

  it('the same body with no content type at all is read as JSON too', async () => {
    // Act
    const answer = await s.call('POST', '/api/metrics/compare', {
      body: new TextEncoder().encode('{"control_version": "1.1.0", "treatment_version": "2.0.0"}'),
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ control: { version: '1.1.0' } });
  });
});
