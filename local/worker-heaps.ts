/**
 * The V8 heap the local runtime's worker threads start with. The runtime
 * keeps its pdf.js and rule-based extractor workers for the whole run, and
 * each page's text extraction makes new closures of pdf.js's layout
 * functions; when a worker's heap is small, a full collection runs every
 * few seconds between documents and V8 compiles those functions again
 * afterwards. A larger initial old generation spaces the collections out
 * (ADR 69). The setting applies to isolates created after it, so to the
 * workers, not to this thread, and a worker's own heap cap
 * (`resourceLimits`) still bounds it: a hostile file still ends as
 * DECOMPRESSION_LIMIT. On AWS each function keeps V8's defaults.
 */
import { setFlagsFromString } from 'node:v8';

/** Initial old-generation size of each worker isolate, in MiB. */
export const WORKER_INITIAL_OLD_SPACE_MB = 128;

let applied = false;

/** Sets the initial old generation for isolates started from now on; once per process. */
export const sizeWorkerHeaps = (): void => {
  if (applied) return;
  applied = true;
  setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
};
