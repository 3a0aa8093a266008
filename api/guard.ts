/**
 * Request guards in front of every route: browser requests from a foreign
 * Origin are refused, a JSON body is accepted without a content type from
 * clients that send no Origin (curl -d), bodies are size-capped and requests
 * are rate-limited, each refusal a problem document.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { problemOf, sendProblem } from './problem.ts';

export interface GuardOptions {
  /** Origins whose browser requests are served (the console's); every other Origin gets 403. */
  readonly allowedOrigins: readonly string[];
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Token bucket: steady requests per second and burst; null leaves throttling to API Gateway. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
}

export const originGuard =
  (allowed: readonly string[]): MiddlewareHandler =>
  async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowed.includes(origin)) {
      return sendProblem(
        c,
        problemOf(
          403,
          'FOREIGN_ORIGIN',
          'browser requests are served only from the console origin',
        ),
      );
    }
    return next();
  };

const hasBody = (method: string, headers: Headers): boolean =>
  (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
  (Number(headers.get('content-length') ?? '0') > 0 || headers.has('transfer-encoding'));

/**
 * curl -d sends `application/x-www-form-urlencoded`, fetch a string as
 * `text/plain`, some clients nothing; a request
 * with no Origin is not a browser form post, so its body is read as JSON.
 * Browser requests must say `application/json` (a form cannot, which is what
 * keeps a foreign page from posting here even without the Origin check).
 */
export const jsonBodyWithoutContentType: MiddlewareHandler = async (c, next) => {
  if (hasBody(c.req.method, c.req.raw.headers)) {
    const type = c.req.header('content-type') ?? '';
    const isJson = /^application\/([a-z.+-]*\+)?json/i.test(type);
    if (!isJson) {
      const browser = c.req.header('origin') !== undefined;
      const curlLike =
        type === '' ||
        type.startsWith('application/x-www-form-urlencoded') ||
        type.startsWith('text/plain');
      if (browser || !curlLike) {
        return sendProblem(
          c,
          problemOf(415, 'UNSUPPORTED_MEDIA_TYPE', 'request bodies are JSON (application/json)'),
        );
      }
      const headers = new Headers(c.req.raw.headers);
      headers.set('content-type', 'application/json');
      c.req.raw = new Request(c.req.raw, { headers });
    }
  }
  return next();
};

export const sizeLimit = (maxBytes: number): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      sendProblem(
        c,
        problemOf(413, 'BODY_TOO_LARGE', `request bodies are at most ${maxBytes} bytes`),
      ),
  });

/** One token bucket for the whole process: a local stand-in for the stage's throttling. */
export const rateLimit = (perSecond: number, burst: number): MiddlewareHandler => {
  let tokens = burst;
  let last = Date.now();
  return async (c, next) => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens < 1) {
      c.header('retry-after', '1');
      return sendProblem(
        c,
        problemOf(429, 'THROTTLED', `at most ${perSecond} requests per second`),
      );
    }
    tokens -= 1;
    return next();
  };
};
