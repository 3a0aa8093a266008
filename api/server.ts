/**
 * The API as a Node HTTP server on 127.0.0.1 (never another interface), over
 * a given stack's service context; `npm start` runs it on port 8000.
 */

import { serve } from '@hono/node-server';
import { folderReportStore, s3ReportStore } from '#adapters/evaluation-reports.ts';
import type { InvocationReport } from '#contracts/invocation-reports.ts';
import type { ServiceContext } from '#services/context.ts';
import type { LocalConcurrency } from '#services/functions-report.ts';
import { createApi } from './app.ts';
import { consoleStatic } from './console-static.ts';

export const LOCAL_API_PORT = 8000;
export const LOCAL_ACTOR = 'local-api';

export interface ApiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Origins (besides none at all) whose browser requests are served, e.g. the console's. */
  readonly allowedOrigins?: readonly string[];
  readonly maxBodyBytes?: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | null;
  /** The folder `medextract eval` saves reports in (`.data/evaluations`); else the bucket's `reports/evaluations/`. */
  readonly evaluationsDir?: string;
  /** The local runtime's invocation records (`stack.invocations.list`), for `/api/functions`. */
  readonly invocations?: () => readonly InvocationReport[];
  /** The local runtime's reserved-concurrency counts (`stack.concurrency`), for `/api/functions`. */
  readonly concurrency?: () => Readonly<Record<string, LocalConcurrency>>;
  /** The built web console (`console/dist`), served at `/`; none without it. */
  readonly consoleDir?: string;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const startApiServer = async (
  ctx: ServiceContext,
  options: ApiServerOptions,
): Promise<ApiServer> => {
  // The console's own origin joins once the port is known (it may be picked at listen time).
  const origins: string[] = [...(options.allowedOrigins ?? [])];
  const app = await createApi(
    // Locally there are no credentials (like every local emulator): the body's actor, or this.
    {
      ctx,
      callerOf: () => LOCAL_ACTOR,
      evaluations:
        options.evaluationsDir === undefined
          ? s3ReportStore(ctx.clients.s3, ctx.bucket)
          : folderReportStore(options.evaluationsDir),
      ...(options.invocations ? { invocations: options.invocations } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    },
    {
      allowedOrigins: origins,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
      rateLimit:
        options.rateLimit === undefined ? { perSecond: 100, burst: 200 } : options.rateLimit,
      referencePage: true,
    },
  );
  if (options.consoleDir) app.use('*', consoleStatic(options.consoleDir));
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('API_SERVER_NO_ADDRESS');
  const { port } = address;
  if (options.consoleDir) origins.push(`http://127.0.0.1:${port}`, `http://localhost:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of finished requests would hold the close open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
};
