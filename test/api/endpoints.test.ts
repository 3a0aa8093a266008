/**
 * The API's endpoints (documents, uploads and evaluation runs are in
 * documents.test.ts) with their success and error paths against the whole local
 * stack, each answer checked against the generated OpenAPI document (the
 * helper throws on any undeclared status, media type or body shape).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer } from '#api/server.ts';
import { type ApiStack, startApiStack } from '#test/helpers/api-stack.ts';
import { notPdf, recordPdf } from '#test/helpers/pdf-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

let s: ApiStack;
let succeededId = '';

beforeAll(async () => {
  s = await startApiStack({ maxBodyBytes: 4096 });
  const results = await s.process([
    { name: 'aps-a.pdf', bytes: await recordPdf() },
    { name: 'junk.pdf', bytes: notPdf() },
  ]);
  succeededId = results.find((r) => r.status === 'SUCCEEDED')?.documentId ?? '';
  expect(succeededId).toMatch(/^[0-9a-f]{64}$/);
}, 180_000);
afterAll(async () => s?.stop());

type Problem = { type: string; title: string; status: number; reason: string; detail: string };
const problem = (body: unknown) => body as Problem & { errors?: Array<{ field: string }> };

describe('prompts', () => {
  it('shows a version with its metadata and output schema, with or without the v', async () => {
    const bare = await s.call('GET', '/api/prompts/versions/2.0.0');
    const prefixed = await s.call('GET', '/api/prompts/versions/v2.0.0');
    expect(bare.status).toBe(200);
    expect(prefixed.body).toEqual(bare.body);
    expect(bare.body).toMatchObject({
      version: '2.0.0',
      status: 'released',
      outputSchema: { type: 'object' },
    });
  });

  it('answers 404 for an unknown version and 400 for a malformed one', async () => {
    const unknown = await s.call('GET', '/api/prompts/versions/v9.9.9');
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
    expect(problem(unknown.body).reason).toBe('UNKNOWN_PROMPT_VERSION');
    const malformed = await s.call('GET', '/api/prompts/versions/latest');
    expect(malformed.status).toBe(400);
    expect(problem(malformed.body).errors?.[0]?.field).toBe('version');
  });

  it('diffs two versions, schema, metadata and the prompt texts line by line', async () => {
    const answer = await s.call('GET', '/api/prompts/diff/v1.1.0/v2.0.0');
    expect(answer.status).toBe(200);
    const body = answer.body as {
      from: string;
      to: string;
      text: { system: { changed: boolean; lines: Array<{ op: string }> } };
    };
    expect(body.from).toBe('1.1.0');
    expect(body.to).toBe('2.0.0');
    const ops = new Set(body.text.system.lines.map((l) => l.op));
    expect(body.text.system.changed).toBe(ops.has('added') || ops.has('removed'));
  });

  it('moves the production alias with a reason and an actor, and shows the move in the audit', async () => {
    const moved = await s.call('PUT', '/api/prompts/aliases/production', {
      body: { version: 'v1.1.0', reason: 'baseline before the experiment', actor: 'alice' },
      headers: { 'content-type': 'application/json' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ after: '1.1.0', actor: 'alice', action: 'move' });
    const shown = await s.call('GET', '/api/prompts/aliases/production');
    expect(shown.body).toMatchObject({ current: { version: '1.1.0' } });
    const moves = (shown.body as { moves: Array<{ reason: string }> }).moves;
    expect(moves.map((m) => m.reason)).toContain('baseline before the experiment');
  });

  it('refuses an alias move without a reason with field errors', async () => {
    const answer = await s.call('PUT', '/api/prompts/aliases/production', {
      body: { version: '2.0.0' },
    });
    expect(answer.status).toBe(400);
    expect(problem(answer.body).reason).toBe('INVALID_REQUEST');
    expect(problem(answer.body).errors?.map((e) => e.field)).toContain('reason');
  });
});

describe('metrics', () => {
  it('reads every version with documents, and all documents', async () => {
    const answer = await s.call('GET', '/api/metrics/prompts?since=2h');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      versions: [{ version: '2.0.0', documents: 1, succeeded: 1 }],
      all: { documents: 2, succeeded: 1, failed: 1, failedByReason: { NOT_PDF: 1 } },
    });
  });

  it('gives the hourly series of a version', async () => {
    const answer = await s.call('GET', '/api/metrics/prompts/v2.0.0/hourly?since=3h');
    expect(answer.status).toBe(200);
    const { hours } = answer.body as {
      hours: Array<{ hour: string; metrics: { documents: number } }>;
    };
    expect(hours.reduce((n, h) => n + h.metrics.documents, 0)).toBe(1);
    expect(hours[0]?.hour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/);
  });

  it('answers 400 for a bad since, an unknown version to compare, a malformed body', async () => {
    const since = await s.call('GET', '/api/metrics/prompts/2.0.0?since=yesterday');
    expect(problem(since.body)).toMatchObject({ status: 400, reason: 'INVALID_SINCE' });
    const unknown = await s.call('POST', '/api/metrics/compare', {
      body: { control_version: '1.1.0', treatment_version: '7.0.0' },
    });
    expect(problem(unknown.body)).toMatchObject({ status: 400, reason: 'UNKNOWN_PROMPT_VERSION' });
    const missing = await s.call('POST', '/api/metrics/compare', {
      body: { control_version: '1.1.0' },
    });
    expect(problem(missing.body).errors?.map((e) => e.field)).toEqual(['treatment_version']);
    const broken = await s.call('POST', '/api/metrics/compare', { body: '{"control_version":' });
    expect(problem(broken.body)).toMatchObject({ status: 400, reason: 'MALFORMED_BODY' });
  });

  it('answers 413 for a body over the limit', async () => {
    const answer = await s.call('POST', '/api/metrics/compare', {
      body: { control_version: '1.1.0', treatment_version: '2.0.0', since: 'x'.repeat(5000) },
    });
    expect(answer.status).toBe(413);
    expect(problem(answer.body).reason).toBe('BODY_TOO_LARGE');
  });
});

describe('experiments', () => {
  const create = (name: string, extra: Record<string, unknown> = {}) =>
    s.call('POST', '/api/experiments', {
      body: { name, control_version: '1.1.0', treatment_version: '2.0.0', ...extra },
    });

  it('walks an experiment from create to a forced promotion, refusing what the lifecycle forbids', async () => {
    const created = await create('Lifecycle run', {
      weights: { control: 0.7, treatment: 0.3 },
      coverage: 0.5,
      actor: 'alice',
      reason: 'try v2',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'lifecycle-run',
      allocation: { preset: 'custom', weights: { control: 0.7, treatment: 0.3 }, coverage: 0.5 },
    });
    expect((await create('Lifecycle run')).status).toBe(409);

    const started = await s.call('POST', '/api/experiments/lifecycle-run/start');
    expect(started.body).toMatchObject({ status: 'Running' });
    const again = await s.call('POST', '/api/experiments/lifecycle-run/start');
    expect(problem(again.body)).toMatchObject({ status: 409, reason: 'INVALID_TRANSITION' });

    const status = await s.call('GET', '/api/experiments/lifecycle-run/status');
    expect(status.body).toMatchObject({
      serving: 'this',
      arms: { control: { version: '1.1.0', documents: 0 } },
    });
    const fixed = await s.call('GET', '/api/experiments/lifecycle-run/analysis');
    const sequential = await s.call(
      'GET',
      '/api/experiments/lifecycle-run/analysis?sequential=true',
    );
    expect(fixed.body).toMatchObject({ analysis: { method: 'fixed-horizon' } });
    expect(sequential.body).toMatchObject({ analysis: { method: 'sequential' } });
    const arms = await s.call('GET', '/api/experiments/lifecycle-run/metrics');
    expect(arms.body).toMatchObject({ control: { version: '1.1.0', documents: 0 } });

    const early = await s.call('POST', '/api/experiments/lifecycle-run/promote');
    expect(problem(early.body)).toMatchObject({ status: 409, reason: 'INVALID_TRANSITION' });

    const completed = await s.call('POST', '/api/experiments/lifecycle-run/complete', {
      body: { reason: 'enough' },
    });
    expect(completed.body).toMatchObject({ experiment: { status: 'Completed' } });

    const refused = await s.call('POST', '/api/experiments/lifecycle-run/promote');
    expect(problem(refused.body)).toMatchObject({ status: 409, reason: 'PROMOTION_REFUSED' });
    const noReason = await s.call('POST', '/api/experiments/lifecycle-run/promote', {
      body: { force: true },
    });
    expect(problem(noReason.body)).toMatchObject({ status: 400, reason: 'REASON_REQUIRED' });
    const forced = await s.call('POST', '/api/experiments/lifecycle-run/promote', {
      body: { force: true, reason: 'test stack, no traffic', actor: 'bob' },
    });
    expect(forced.body).toMatchObject({
      outcome: 'promoted',
      forced: true,
      alias: { after: '2.0.0', actor: 'bob', experimentId: 'lifecycle-run' },
    });

    const history = await s.call('GET', '/api/experiments/lifecycle-run/history');
    const entries = (history.body as { entries: Array<{ kind: string; action: string }> }).entries;
    expect(entries.map((e) => `${e.kind}:${e.action}`)).toEqual([
      'experiment:create',
      'experiment:start',
      'experiment:complete',
      'experiment:force-promote',
      'alias:move',
    ]);
  });

  it('lists, gets and aborts, with 404 for unknown ids and 400 for bad input', async () => {
    expect((await create('To abort', { traffic_allocation: '95/5' })).status).toBe(201);
    const drafts = await s.call('GET', '/api/experiments?status=Draft');
    expect(
      (drafts.body as { experiments: Array<{ id: string }> }).experiments.map((e) => e.id),
    ).toContain('to-abort');
    expect((await s.call('GET', '/api/experiments/to-abort')).body).toMatchObject({
      allocation: { preset: '95/5' },
    });
    const noReason = await s.call('POST', '/api/experiments/to-abort/abort', { body: {} });
    expect(problem(noReason.body).errors?.map((e) => e.field)).toEqual(['reason']);
    const aborted = await s.call('POST', '/api/experiments/to-abort/abort', {
      body: { reason: 'wrong split' },
    });
    expect(aborted.body).toMatchObject({ status: 'Aborted' });

    for (const path of ['', '/status', '/history', '/metrics', '/analysis']) {
      const answer = await s.call('GET', `/api/experiments/nope${path}`);
      expect(problem(answer.body)).toMatchObject({ status: 404 });
    }
    const both = await create('Both', {
      traffic_allocation: '80/20',
      weights: { control: 0.5, treatment: 0.5 },
    });
    expect(problem(both.body).errors?.map((e) => e.field)).toEqual(['weights']);
    const draft = await create('Unknown', { treatment_version: '3.0.0' });
    expect(problem(draft.body)).toMatchObject({ status: 400, reason: 'UNKNOWN_PROMPT_VERSION' });
    const badStatus = await s.call('GET', '/api/experiments?status=Sleeping');
    expect(badStatus.status).toBe(400);
  });
});

describe('dead-letter queues', () => {
  it('lists the extraction DLQ by reason and leaves the messages there', async () => {
    const first = await s.call('GET', '/api/dlq/extraction');
    expect(first.body).toMatchObject({ queue: 'extraction', byReason: { NOT_PDF: 1 } });
    const second = await s.call('GET', '/api/dlq/extraction');
    expect(second.body).toMatchObject({ byReason: { NOT_PDF: 1 } });
    expect(JSON.stringify(first.body)).not.toContain('junk.pdf');
    const bogus = await s.call('GET', '/api/dlq/elsewhere');
    expect(bogus.status).toBe(400);
  });

  it('redrives the ingest DLQ (empty here) and rejects a bad rate', async () => {
    const redriven = await s.call('POST', '/api/dlq/ingest/redrive', {
      body: { rate_per_second: 10 },
    });
    expect(redriven.body).toEqual({ queue: 'ingest', results: [] });
    const bad = await s.call('POST', '/api/dlq/ingest/redrive', { body: { rate_per_second: -1 } });
    expect(problem(bad.body).errors?.map((e) => e.field)).toEqual(['rate_per_second']);
  });
});

describe('health and guards', () => {
  it("reports each dependency's state", async () => {
    const answer = await s.call('GET', '/api/health');
    expect(answer.status).toBe(200);
    const body = answer.body as {
      status: string;
      dependencies: Array<{ name: string; state: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.dependencies.map((d) => d.name)).toEqual([
      's3',
      'sqs',
      'stepfunctions',
      'dynamodb:results',
      'dynamodb:experiments',
      'dynamodb:metrics',
      'dynamodb:ledger',
    ]);
  });

  it('refuses a browser request from a foreign Origin with 403, and a browser form post with 415', async () => {
    const foreign = await s.call('GET', '/api/prompts/versions', {
      headers: { origin: 'https://attacker.example' },
    });
    expect(problem(foreign.body)).toMatchObject({ status: 403, reason: 'FOREIGN_ORIGIN' });
    const form = await s.call('POST', '/api/metrics/compare', {
      body: '{"control_version": "1.1.0", "treatment_version": "2.0.0"}',
      headers: { origin: 'http://127.0.0.1:5173', 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(403);
  });

  it('serves the console origin when allowed, but not a form post from it', async () => {
    const api = await startApiServer(s.target, {
      port: 0,
      allowedOrigins: ['http://127.0.0.1:5173'],
    });
    try {
      const ok = await fetch(`${api.url}/api/prompts/versions`, {
        headers: { origin: 'http://127.0.0.1:5173' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
      const form = await fetch(`${api.url}/api/metrics/compare`, {
        method: 'POST',
        body: '{}',
        headers: { origin: 'http://127.0.0.1:5173', 'content-type': 'text/plain' },
      });
      expect(form.status).toBe(415);
    } finally {
      await api.close();
    }
  });

  it('answers 429 past the rate limit and 404 problems for unknown routes', async () => {
    const api = await startApiServer(s.target, {
      port: 0,
      rateLimit: { perSecond: 0.01, burst: 2 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push((await fetch(`${api.url}/api/prompts/versions`)).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await api.close();
    }
    const missing = await fetch(`${s.api.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ reason: 'ROUTE_NOT_FOUND' });
  });

  it('serves the reference page and its assets from the installed package', async () => {
    const page = await fetch(`${s.api.url}/docs`);
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
    const bundle = await fetch(`${s.api.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});
