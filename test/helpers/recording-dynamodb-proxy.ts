/**
 * A loopback HTTP proxy in front of a DynamoDB Local that records which
 * operation each request made on which table, so a test can see what a
 * subprocess did there (created its stage's tables, wrote items, deleted the
 * tables again) without trusting the subprocess's own word.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoDbCall {
  /** The operation from `X-Amz-Target`, e.g. `CreateTable`. */
  readonly operation: string;
  /** `TableName` of the request, or the table names a batch or transaction touches. */
  readonly tables: readonly string[];
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` to hand to the subprocess. */
  readonly endpoint: string;
  readonly calls: DynamoDbCall[];
  close(): Promise<void>;
}

const tablesOf = (body: string): string[] => {
  try {
    const input = JSON.parse(body) as {
      TableName?: string;
      RequestItems?: Record<string, unknown>;
      TransactItems?: Array<Record<string, { TableName?: string }>>;
    };
    const names = new Set<string>();
    if (input.TableName) names.add(input.TableName);
    for (const name of Object.keys(input.RequestItems ?? {})) names.add(name);
    for (const item of input.TransactItems ?? []) {
      for (const part of Object.values(item)) if (part.TableName) names.add(part.TableName);
    }
    return [...names];
  } catch {
    return [];
  }
};

/** Starts the proxy on a free loopback port in front of `target` (`http://127.0.0.1:<port>`). */
export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const upstream = new URL(target);
  const calls: DynamoDbCall[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      calls.push({ operation, tables: tablesOf(body.toString('utf-8')) });
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
