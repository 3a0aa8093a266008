/**
 * Child process for the thread-priority test: starts a worker, lowers the
 * background threads as the local runtime does (from the main thread, or
 * with `in-worker` from inside a worker), starts a second worker after that
 * and waits past one sweep, then prints each thread's nice value from
 * `/proc/self/task/<tid>/stat` as JSON, with the nice value
 * `backgroundNiceInEffect` gave where the call was made. `off` passes nice 0; `stack`
 * starts a whole local stack on free ports instead, as `npm start` does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { startLocalStack } from '#local/stack.ts';
import { backgroundNiceInEffect, lowerBackgroundThreads } from '#local/thread-priority.ts';

const mode = process.argv[2] ?? 'main';

const idleWorker = async (): Promise<Worker> => {
  const worker = new Worker('setInterval(() => {}, 1000);', { eval: true });
  await new Promise((resolve) => worker.once('online', resolve));
  return worker;
};

/** Nice value of each thread of this process (field 19 of stat). */
const niceByThread = (): Record<string, number> =>
  Object.fromEntries(
    readdirSync('/proc/self/task').map((tid) => {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ');
      return [tid, Number(fields?.[16])];
    }),
  );

const early = await idleWorker();
let stop = async (): Promise<void> => undefined;
let inEffect = backgroundNiceInEffect(mode === 'off' ? 0 : 19);
if (mode === 'stack') {
  const stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
  });
  stop = () => stack.stop();
} else if (mode === 'in-worker') {
  // A worker of its own loads TypeScript through tsx's loader, registered inside it.
  const url = new URL('../../local/thread-priority.ts', import.meta.url).href;
  const inner = new Worker(
    `import('tsx/esm/api')
      .then(({ register }) => { register(); return import(${JSON.stringify(url)}); })
      .then((m) => { m.lowerBackgroundThreads(19); require('node:worker_threads').parentPort.postMessage(m.backgroundNiceInEffect(19)); });`,
    { eval: true },
  );
  inEffect = await new Promise<number>((resolve) => inner.once('message', resolve));
  await inner.terminate();
} else {
  lowerBackgroundThreads(mode === 'off' ? 0 : 19);
}
const late = await idleWorker();
await sleep(1500);
process.stdout.write(
  `${JSON.stringify({ main: String(process.pid), nice: niceByThread(), inEffect })}\n`,
);
await Promise.all([early.terminate(), late.terminate(), stop()]);
process.exit(0);
