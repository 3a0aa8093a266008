/**
 * In-process HTTP for the emulators this process serves itself (S3 + SQS,
 * Step Functions, the Bedrock stand-in): an SDK request whose endpoint is one
 * of theirs is handed to that emulator's own request handler as the same
 * HTTP request (method, path, query, signed headers, body) through
 * light-my-request, with no socket and no loopback round trip. Every SDK
 * client in the process speaks the real protocol as before (serialising,
 * signing, parsing the answer); DynamoDB Local, in its own JVM, and every
 * other endpoint still go over TCP. `MEDEXTRACT_LOCAL_LOOPBACK_HTTP=1` keeps
 * every request on loopback TCP.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, RequestListener } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import inject from 'light-my-request';

/** One request as the emulator receives it. */
export interface InProcessRequest {
  readonly method: string;
  /** Path and query string, as on the wire. */
  readonly url: string;
  readonly headers: OutgoingHttpHeaders;
  readonly payload?: Buffer;
}

/** The emulator's answer, read whole. */
export interface InProcessResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders | OutgoingHttpHeaders;
  readonly rawPayload: Buffer;
}

/** Serves one request; `signal` aborts when the endpoint stops with the request still open. */
export type InProcessServe = (
  request: InProcessRequest,
  signal: AbortSignal,
) => Promise<InProcessResponse>;

/** Sees each request served in process (the bench's request counter). */
export type InProcessTap = (endpoint: string, request: InProcessRequest) => void;

/** A served endpoint: its handler and how to fail the requests it holds when it stops. */
interface Route {
  readonly serve: InProcessServe;
  readonly inFlight: Set<(error: Error) => void>;
}

/** Served endpoints by `host:port`. */
const served = new Map<string, Route>();
let tap: InProcessTap | undefined;

export const loopbackOnly = (): boolean => process.env.MEDEXTRACT_LOCAL_LOOPBACK_HTTP === '1';

/**
 * A plain `node:http` request listener (the Step Functions and Bedrock
 * servers) served in process. When the endpoint stops, an open request's
 * response is destroyed, as closing its connection destroys it on TCP.
 */
export const listenerServe =
  (listener: RequestListener): InProcessServe =>
  (request, signal) =>
    inject(
      (req, res) => {
        signal.addEventListener('abort', () => res.destroy(), { once: true });
        listener(req, res);
      },
      {
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.payload ? { payload: request.payload } : {}),
        remoteAddress: '127.0.0.1',
        validate: false,
      },
    );

/** Smithy's query string: keys sorted, RFC 3986 escaping, as its HTTP handler writes it. */
const escapeUri = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
export const queryString = (
  query: Readonly<Record<string, string | readonly string[] | null | undefined>>,
): string => {
  const parts: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    const key = escapeUri(name);
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${key}=${escapeUri(item)}`);
    } else if (typeof value === 'string') {
      parts.push(`${key}=${escapeUri(value)}`);
    } else {
      parts.push(key);
    }
  }
  return parts.join('&');
};

/** The request shape smithy hands an HTTP handler (`@smithy/protocol-http`'s HttpRequest). */
interface SmithyRequest {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly fragment?: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface HandlerOptions {
  readonly abortSignal?: { readonly aborted: boolean; readonly reason?: unknown };
  readonly requestTimeout?: number;
}

const bodyBytes = async (body: unknown): Promise<Buffer | undefined> => {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new Error('IN_PROCESS_BODY: a request body the in-process transport cannot read');
};

/** Response headers as smithy's handler gives them: lower-case names, repeated values joined. */
const flatHeaders = (headers: InProcessResponse['headers']): Record<string, string> => {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return flat;
};

const abortError = (signal: NonNullable<HandlerOptions['abortSignal']>): Error => {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  if (signal.reason instanceof Error) error.cause = signal.reason;
  return error;
};

/** Serves one SDK request in process; the answer is what the handler's socket would have read. */
const handleInProcess = async (
  endpoint: string,
  route: Route,
  request: SmithyRequest,
  options: HandlerOptions,
) => {
  if (options.abortSignal?.aborted) throw abortError(options.abortSignal);
  const query = request.query ? queryString(request.query) : '';
  const payload = await bodyBytes(request.body);
  const url = `${request.path}${query ? `?${query}` : ''}${request.fragment ? `#${request.fragment}` : ''}`;
  const served: InProcessRequest = {
    method: request.method,
    url,
    headers: request.headers,
    ...(payload ? { payload } : {}),
  };
  tap?.(endpoint, served);
  let timer: NodeJS.Timeout | undefined;
  let drop: ((error: Error) => void) | undefined;
  const aborter = new AbortController();
  // Ends first: the answer, the request timeout, or the endpoint stopping (its connections closed).
  const cut = new Promise<never>((_, reject) => {
    drop = (error) => {
      aborter.abort(error);
      reject(error);
    };
    route.inFlight.add(drop);
    if (options.requestTimeout) {
      const ms = options.requestTimeout;
      timer = setTimeout(() => {
        const error = new Error(`Connection timed out after ${ms} ms`);
        error.name = 'TimeoutError';
        reject(error);
      }, ms);
    }
  });
  try {
    const answer = await Promise.race([route.serve(served, aborter.signal), cut]);
    const body = new PassThrough();
    body.end(answer.rawPayload);
    return {
      response: {
        statusCode: answer.statusCode,
        reason: answer.statusMessage,
        headers: flatHeaders(answer.headers),
        body,
      },
    };
  } finally {
    if (timer) clearTimeout(timer);
    if (drop) route.inFlight.delete(drop);
  }
};

let installed = false;
/**
 * Routes the SDK's HTTP/1.1 handler (one class for every client in the
 * process, the handlers' included) to the served endpoints; any other
 * request, and every request once its endpoint stops, goes the usual way.
 */
const install = (): void => {
  if (installed) return;
  installed = true;
  const prototype = NodeHttpHandler.prototype as unknown as {
    handle(request: SmithyRequest, options?: HandlerOptions): Promise<unknown>;
  };
  const original = prototype.handle;
  prototype.handle = function handle(request, options = {}) {
    const key = `${request.hostname}:${request.port ?? 80}`;
    const route = request.protocol === 'http:' ? served.get(key) : undefined;
    if (!route) return original.call(this, request, options);
    return handleInProcess(`http://${key}`, route, request, options);
  };
};

/**
 * Serves `endpoint` (`http://127.0.0.1:<port>`) in process from now on;
 * returns the function that stops it: later requests go to the socket
 * (refused once the server closes), and requests still waiting fail as on a
 * closed connection (`ECONNRESET`). With `MEDEXTRACT_LOCAL_LOOPBACK_HTTP=1`
 * nothing changes.
 */
export const serveInProcess = (endpoint: string, serve: InProcessServe): (() => void) => {
  if (loopbackOnly()) return () => undefined;
  install();
  const url = new URL(endpoint);
  const key = `${url.hostname}:${url.port || 80}`;
  const route: Route = { serve, inFlight: new Set() };
  served.set(key, route);
  return () => {
    if (served.get(key) === route) served.delete(key);
    for (const drop of route.inFlight) {
      drop(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    }
    route.inFlight.clear();
  };
};

/** Sets the one tap on in-process requests (undefined removes it). */
export const tapInProcessRequests = (listener: InProcessTap | undefined): void => {
  tap = listener;
};
