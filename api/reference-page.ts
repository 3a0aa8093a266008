/**
 * The browsable API reference at `/docs`: Swagger UI served from the
 * installed `swagger-ui-dist` package (no CDN), reading `/openapi.json`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>MedExtract API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

const INIT = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });";

/** Adds `/docs` and its assets to `app`. */
export const addReferencePage = (app: OpenAPIHono): void => {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, string>();
  const asset = (name: keyof typeof ASSETS): string => {
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(join(dir, name), 'utf8');
      cache.set(name, text);
    }
    return text;
  };
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/init.js', (c) =>
    c.body(INIT, 200, { 'content-type': ASSETS['swagger-ui-bundle.js'] }),
  );
  for (const name of Object.keys(ASSETS) as Array<keyof typeof ASSETS>) {
    app.get(`/docs/${name}`, (c) => c.body(asset(name), 200, { 'content-type': ASSETS[name] }));
  }
};
