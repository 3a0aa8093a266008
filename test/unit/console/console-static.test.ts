/**
 * Serving the built console: assets with their content types, index.html
 * (never cached) for client routes, API paths and unknown files left to the
 * API (404 problems), no way out of the folder, and a clear 503 unbuilt.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleStatic } from '#api/console-static.ts';

let app: Hono;

beforeAll(async () => {
  const dist = await mkdtemp(join(tmpdir(), 'console-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>c</title>');
  await writeFile(join(dist, 'assets', 'main.js'), 'export {};');
  await writeFile(join(dist, 'assets', 'main.css'), 'body{}');
  await writeFile(join(dist, 'assets', 'pdf.worker.min.mjs'), 'export {};');
  await writeFile(join(dist, '..', 'secret.txt'), 'outside');
  app = new Hono();
  app.use('*', consoleStatic(dist));
  app.get('/api/prompts/versions', (c) => c.json({ versions: [] }));
  app.notFound((c) => c.json({ reason: 'ROUTE_NOT_FOUND' }, 404));
});

describe('consoleStatic', () => {
  it.each([
    ['/assets/main.js', 'text/javascript; charset=utf-8'],
    ['/assets/main.css', 'text/css; charset=utf-8'],
    ['/assets/pdf.worker.min.mjs', 'text/javascript; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    // Act
    const response = await app.request(path);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each(['/', '/experiments/x', '/documents'])(
    'answers index.html, uncached, for %s',
    async (path) => {
      // Act
      const response = await app.request(path);

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      await expect(response.text()).resolves.toContain('<title>c</title>');
    },
  );

  it.each(['/api/nope', '/assets/missing.js', '/favicon.ico', '/assets/..%2F..%2Fsecret.txt'])(
    'leaves %s to the API (404)',
    async (path) => {
      // Act
      const response = await app.request(path);

      // Assess
      expect(response.status).toBe(404);
      await expect(response.json()).resolves.toEqual({ reason: 'ROUTE_NOT_FOUND' });
    },
  );

  it('lets API routes answer and POSTs through', async () => {
    expect((await app.request('/api/prompts/versions')).status).toBe(200);
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });

  it('says how to build when there is no build', async () => {
    // Prepare
    const bare = new Hono();
    bare.use('*', consoleStatic(await mkdtemp(join(tmpdir(), 'console-empty-'))));

    // Act
    const response = await bare.request('/');

    // Assess
    expect(response.status).toBe(503);
    await expect(response.text()).resolves.toContain('npm run build');
  });
});
