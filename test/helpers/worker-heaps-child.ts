/**
 * Child process for the worker-heap test: optionally sizes worker heaps as
 * the local runtime does, then starts one worker that keeps a rolling set
 * of objects alive (so they reach the old generation) and prints how many
 * full collections it ran; with `oom`, a worker under a 32 MiB heap cap
 * that allocates until it is stopped, and prints the error code.
 */
import { Worker } from 'node:worker_threads';
import { sizeWorkerHeaps } from '#local/worker-heaps.ts';

const [mode, task] = process.argv.slice(2);
if (mode === 'sized') sizeWorkerHeaps();

const ROLLING = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { parentPort } = require('node:worker_threads');
let major = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += 1;
}).observe({ entryTypes: ['gc'] });
let kept = [];
for (let round = 0; round < 1500; round += 1) {
  for (let i = 0; i < 200; i += 1) kept.push(new Array(250).fill(round + i));
  if (kept.length > 8000) kept = kept.slice(4000);
}
setTimeout(() => parentPort.postMessage(major), 50);
`;
const UNBOUNDED = 'const kept = []; for (;;) kept.push(new Array(1e5).fill(1.5));';

const worker =
  task === 'oom'
    ? new Worker(UNBOUNDED, {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      })
    : new Worker(ROLLING, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 384 } });
worker.on('message', (major: number) => {
  process.stdout.write(`MAJOR ${major}\n`);
  void worker.terminate();
});
worker.on('error', (error: Error & { code?: string }) => {
  process.stdout.write(`ERROR ${error.code ?? error.name}\n`);
});
