/**
 * Serves the built web console (`console/dist/`) from the local API server
 * at `/`: files with their content types, `index.html` (never cached) for
 * every other GET that is not an API path, so client routes load the app.
 * On AWS the API function does not serve it.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';

const API_PATHS = [/^\/api(\/|$)/, /^\/openapi\.json$/, /^\/docs(\/|$)/];

const readIfFile = async (path: string): Promise<Buffer | undefined> => {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
};

/** The console's files under `dist`; a missing build answers 503 with how to build it. */
export const consoleStatic =
  (dist: string): MiddlewareHandler =>
  async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || API_PATHS.some((p) => p.test(path)))
      return next();
    const root = normalize(dist);
    const target = normalize(join(root, decodeURIComponent(path)));
    if (target !== root && !target.startsWith(`${root}${sep}`)) return next();
    const asset = path.startsWith('/assets/') ? await readIfFile(target) : undefined;
    if (asset) {
      return c.body(new Uint8Array(asset), 200, {
        'content-type': getMimeType(target) ?? contentTypeOf(target),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
    }
    // Unknown asset files are a 404, not the app.
    if (path.startsWith('/assets/') || extname(path) !== '') return next();
    const index = await readIfFile(join(root, 'index.html'));
    if (!index) {
      return c.text('The console is not built: run `npm run build`.', 503, {
        'cache-control': 'no-store',
      });
    }
    return c.body(new Uint8Array(index), 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  };

const contentTypeOf = (path: string): string =>
  path.endsWith('.mjs') ? 'text/javascript; charset=utf-8' : 'application/octet-stream';
