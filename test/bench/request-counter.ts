/**
 * Counts every HTTP request the AWS SDK clients of this process send, with
 * its service (by endpoint port), operation, DynamoDB table and S3 prefix,
 * so a run can say how many requests of each kind one document costs; those
 * served in process (local/in-process-http.ts) as well as those on a socket.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tapInProcessRequests } from '#local/in-process-http.ts';

export type CountedService = 'S3' | 'SQS' | 'DynamoDB' | 'StepFunctions' | 'Bedrock' | 'other';

/** One counted request (one per item for DynamoDB batches and transactions). */
export interface Counted {
  readonly service: CountedService;
  readonly operation: string;
  readonly table?: string;
  /** Request units one item of the operation costs at most 1 KB (transactions cost two). */
  readonly units?: number;
  readonly prefix?: string;
  readonly bytes: number;
  readonly method: string;
  /** Whether it went over a loopback socket or was served in process. */
  readonly transport: 'socket' | 'in-process';
}

/** What the counter reads of a request: a `ClientRequest` has all of it. */
interface RequestView {
  getHeader(name: string): unknown;
  readonly method: string;
  readonly path: string;
}

/**
 * Every HTTP request the SDK clients send, with its body: the clients' HTTP
 * handler looks up `request` on the `node:http` module when it first connects,
 * so wrapping it before the stack starts sees every call.
 */
const hook: {
  counting: boolean;
  onRequest: (request: RequestView, body: string, transport: Counted['transport']) => void;
} = { counting: false, onRequest: () => undefined };
const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');
const originalRequest = http.request;
http.request = ((...args: Parameters<typeof originalRequest>) => {
  const request = originalRequest(...args);
  const end = request.end.bind(request);
  request.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (hook.counting) {
      const body = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? String(chunk) : '';
      hook.onRequest(request, body, 'socket');
    }
    return end(chunk as never, ...(rest as []));
  }) as typeof request.end;
  return request;
}) as typeof http.request;
syncBuiltinESMExports();

/** The tables a DynamoDB request touches, one entry per item for batches and transactions. */
const dynamoTables = (operation: string, body: string): Array<{ table: string; units: number }> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    return [{ table: 'unparsed', units: 1 }];
  }
  if (!parsed || typeof parsed !== 'object') return [{ table: 'unparsed', units: 1 }];
  if ('TableName' in parsed) return [{ table: String(parsed.TableName), units: 1 }];
  if ('TransactItems' in parsed && Array.isArray(parsed.TransactItems)) {
    return parsed.TransactItems.flatMap((item: unknown) =>
      item && typeof item === 'object'
        ? Object.values(item).flatMap((action: unknown) =>
            action && typeof action === 'object' && 'TableName' in action
              ? [{ table: String(action.TableName), units: 2 }]
              : [],
          )
        : [],
    );
  }
  if ('RequestItems' in parsed && parsed.RequestItems && typeof parsed.RequestItems === 'object') {
    return Object.entries(parsed.RequestItems).flatMap(([table, request]: [string, unknown]) => {
      const keys =
        request && typeof request === 'object' && 'Keys' in request && Array.isArray(request.Keys)
          ? request.Keys.length
          : Array.isArray(request)
            ? request.length
            : 1;
      return Array.from({ length: keys }, () => ({ table, units: 1 }));
    });
  }
  return [{ table: `unknown ${operation}`, units: 1 }];
};

/** A counter over the endpoints in `ports` (port -> service); counts between start() and stop(). */
export const countRequests = (
  ports: ReadonlyMap<string, CountedService>,
): { start(): void; stop(): Counted[] } => {
  const counted: Counted[] = [];
  hook.onRequest = (request, body, transport) => {
    const host = String(request.getHeader('host') ?? '');
    const port = host.split(':')[1] ?? '';
    const target = String(request.getHeader('x-amz-target') ?? '');
    const bytes = Number(request.getHeader('content-length') ?? body.length);
    let service = ports.get(port) ?? 'other';
    if (service === 'S3' && target.startsWith('AmazonSQS.')) service = 'SQS';
    const operation = target.includes('.') ? (target.split('.')[1] ?? target) : request.method;
    if (service === 'DynamoDB') {
      for (const table of dynamoTables(operation, body)) {
        counted.push({ service, operation, ...table, bytes, method: request.method, transport });
      }
      return;
    }
    const path = request.path.split('?')[0] ?? '';
    const query = request.path.split('?')[1] ?? '';
    const key = decodeURIComponent(path.split('/').slice(2).join('/'));
    const prefix = service === 'S3' ? `${key.split('/')[0] ?? ''}/` : undefined;
    const s3Operation =
      request.method === 'GET' && query.includes('list-type') ? 'LIST' : request.method;
    counted.push({
      service,
      operation: service === 'S3' ? s3Operation : operation,
      ...(prefix ? { prefix } : {}),
      bytes,
      method: request.method,
      transport,
    });
  };
  tapInProcessRequests((endpoint, served) => {
    if (!hook.counting) return;
    const body = served.payload ? served.payload.toString() : '';
    const headers = new Map(Object.entries(served.headers).map(([k, v]) => [k.toLowerCase(), v]));
    hook.onRequest(
      {
        // The Host header the socket would have carried.
        getHeader: (name) =>
          headers.get(name.toLowerCase()) ?? (name === 'host' ? new URL(endpoint).host : undefined),
        method: served.method,
        path: served.url,
      },
      body,
      'in-process',
    );
  });
  return {
    start: () => {
      hook.counting = true;
    },
    stop: () => {
      hook.counting = false;
      return counted;
    },
  };
};
