/**
 * Runs the rule-based extractor (`extractFromPrompt`) on a worker thread, so
 * the local Bedrock stand-in's work does not share the event loop with the
 * handlers, the SDK clients and the other emulators: on AWS the model runs
 * elsewhere, not in the caller's process. Same function, same answers; one
 * worker serves requests one after another (the machine's other cores are
 * already busy with pdf.js and DynamoDB Local). A worker that dies fails the
 * requests it held and is replaced on the next request.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PromptRequest } from './rule-extractor.ts';

/** The served model's id, next to the extractor that answers for it. */
export { RULE_BASED_MODEL_ID } from './rule-extractor.ts';

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export interface ExtractorPool {
  /** The extraction `extractFromPrompt(request)` returns, computed on the worker. */
  extract(request: PromptRequest): Promise<unknown>;
  /** Ends the worker; requests still held fail. */
  stop(): Promise<void>;
}

/**
 * A prebuilt ES module bundle of `extractor-job.ts`, by absolute path: the
 * worker loads it as plain JavaScript instead of registering tsx and
 * transforming the extractor's modules (0.45-0.7 s of CPU per worker start
 * through tsx, 0.14-0.2 s from a bundle, docs/adr/0060). The test run builds one from the
 * sources as they are when it starts (test/helpers/cli-bundle-setup.ts);
 * unset, or gone, the job loads from its sources.
 */
export const EXTRACTOR_JOB_BUNDLE_VARIABLE = 'MEDEXTRACT_EXTRACTOR_JOB_BUNDLE';

/** Where the worker's job comes from: a bundle (`jobBundle`, else the variable above) or the sources. */
export interface ExtractorPoolOptions {
  /** A bundle's absolute path; `null` loads the job from its sources whatever the variable says. */
  readonly jobBundle?: string | null;
}

/** The worker's entry: a prebuilt bundle of the job, or the job module itself through tsx. */
const workerSource = (
  jobBundle: string | null | undefined,
): { readonly entry: string | URL; readonly eval: boolean } => {
  const bundle =
    jobBundle === undefined ? process.env[EXTRACTOR_JOB_BUNDLE_VARIABLE] || null : jobBundle;
  if (bundle !== null && existsSync(bundle)) return { entry: pathToFileURL(bundle), eval: false };
  const job = new URL('./extractor-job.ts', import.meta.url);
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(job.href)}); });`;
  return { entry: bootstrap, eval: true };
};

/** Starts no thread until the first request. */
export const createExtractorPool = (options: ExtractorPoolOptions = {}): ExtractorPool => {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, Waiter>();

  const failAll = (error: Error) => {
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };

  const start = (): Worker => {
    const { entry, eval: evaluate } = workerSource(options.jobBundle);
    const started = new Worker(entry, { eval: evaluate });
    started.on('message', (reply: Reply) => {
      const waiter = waiting.get(reply.id);
      if (!waiter) return;
      waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(Object.assign(new Error(reply.message), { name: reply.name }));
      if (waiting.size === 0) started.unref();
    });
    const lost = (error: Error) => {
      if (worker === started) worker = undefined;
      failAll(error);
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`EXTRACTOR_WORKER_EXITED: code ${code}`)));
    return started;
  };

  return {
    extract: (request) =>
      new Promise((resolve, reject) => {
        const running = worker ?? start();
        worker = running;
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        running.ref();
        try {
          running.postMessage({ id, request });
        } catch (error) {
          // A request that cannot be cloned into the message never reached the worker.
          waiting.delete(id);
          if (waiting.size === 0) running.unref();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    stop: async () => {
      const running = worker;
      worker = undefined;
      if (running) await running.terminate();
      failAll(new Error('EXTRACTOR_STOPPED'));
    },
  };
};

let shared: ExtractorPool | undefined;

/** The process's extractor thread (started on first use), as the local Converse endpoint calls it. */
export const extractOnWorker = (request: PromptRequest): Promise<unknown> => {
  shared ??= createExtractorPool();
  return shared.extract({ userText: request.userText, inputSchema: request.inputSchema });
};

/** Ends the process's extractor thread; the next request starts a new one. */
export const stopExtractorWorker = async (): Promise<void> => {
  const pool = shared;
  shared = undefined;
  await pool?.stop();
};
