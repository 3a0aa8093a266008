/**
 * Worker entry points a function starts at run time, each bundled on its own
 * beside the function's `index.mjs`, so the function's bundle does not carry
 * (or parse at init) what only its workers run. Read by the function that
 * starts the worker, the CDK construct that bundles it and the bench.
 */
import type { FunctionName } from './functions.ts';

export interface WorkerBundle {
  /** The worker's source entry, relative to the repository root. */
  readonly entry: string;
  /** Its bundle's file name beside `index.mjs`. */
  readonly file: string;
}

/** LoadDocument's pdf.js text worker: pdf.js is most of what that function would otherwise load. */
export const PDF_TEXT_JOB: WorkerBundle = {
  entry: 'functions/load-document/pdf-text-job.ts',
  file: 'pdf-text-job.mjs',
};

export const WORKER_BUNDLES: Readonly<Partial<Record<FunctionName, readonly WorkerBundle[]>>> = {
  'load-document': [PDF_TEXT_JOB],
};
