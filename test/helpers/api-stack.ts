/**
 * A whole local stack with the HTTP API served over it on a free port, and a
 * client whose every answer is checked against the API's own generated
 * OpenAPI document before a test sees it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiServer, type ApiServerOptions, startApiServer } from '#api/server.ts';
import { type Target, targetOfStack } from '#cli/target.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { setProductionAlias } from '#services/evaluation.ts';
import { type FileResult, processFiles } from '#services/process-documents.ts';
import { contractOf, type OpenApiDocument } from './openapi-contract.ts';
import { sharedDynamoDb } from './run-dynamodb.ts';

export interface ApiAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface CallOptions {
  /** Sent as is when a string or bytes (bytes carry no content type), JSON-encoded otherwise. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiStack {
  readonly stack: LocalStack;
  readonly target: Target;
  readonly api: ApiServer;
  readonly document: OpenApiDocument;
  /** One request; throws when the answer is not what the document declares. */
  call(method: string, path: string, options?: CallOptions): Promise<ApiAnswer>;
  /** Runs synthetic PDFs through the pipeline. */
  process(files: ReadonlyArray<{ name: string; bytes: Buffer }>): Promise<FileResult[]>;
  stop(): Promise<void>;
}

export const startApiStack = async (options: Partial<ApiServerOptions> = {}): Promise<ApiStack> => {
  const stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: 0.001,
    promptCacheTtlSeconds: 0,
    // The run's DynamoDB Local, under a stage of this stack's own (docs/adr/0048).
    sharedDynamoDb: sharedDynamoDb('api'),
  });
  const target = targetOfStack(stack);
  // The original product's demo calls read 2.0.0's metrics: serve that version here.
  await setProductionAlias(target, '2.0.0');
  const api = await startApiServer(target, { port: 0, ...options });
  const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDocument;
  const contract = contractOf(document);
  const dir = await mkdtemp(join(tmpdir(), 'medextract-api-'));
  return {
    stack,
    target,
    api,
    document,
    async call(method, path, callOptions = {}) {
      const { body, headers = {} } = callOptions;
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers,
        ...(body === undefined
          ? {}
          : {
              body:
                typeof body === 'string' || body instanceof Uint8Array
                  ? body
                  : JSON.stringify(body),
            }),
      });
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.text();
      const parsed: unknown = text === '' ? null : JSON.parse(text);
      contract.check(method, path, response.status, contentType, parsed);
      return { status: response.status, contentType, body: parsed, headers: response.headers };
    },
    async process(files) {
      const paths: string[] = [];
      for (const file of files) {
        const path = join(dir, file.name);
        await writeFile(path, file.bytes);
        paths.push(path);
      }
      const results = await processFiles(
        target,
        paths.map((path) => ({ path })),
        { timeoutMs: 120_000 },
      );
      // The roll-ups are written after the executions end (log delivery to the
      // aggregator, as on AWS): wait for them, so metrics reflect these documents.
      await stack.settle();
      return results;
    },
    async stop() {
      await api.close();
      await stack.stop();
    },
  };
};
