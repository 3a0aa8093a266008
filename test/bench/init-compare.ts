/**
 * `tsx test/bench/init-compare.ts [--rounds n] [--node path] <before> <after>`:
 * two builds' bundle folders (as `npm run bench -- --only init` leaves them
 * in `.data/bench/bundles`) imported in one interleaved run, so both builds
 * see the same machine. Each round imports, in fresh Node processes with
 * the handler environment, every function's bundle and the hello-world of
 * each build (the order alternating by round). Per function and build it
 * prints the median of the per-round CPU ratios to that build's own
 * hello-world of the same round (paired), and the ratio of the smallest
 * CPU time to the hello-world's smallest (a busy machine only ever adds
 * time). On a shared machine these two move much less than the bench's
 * medians of separate runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { handlerEnvironment } from '#local/stack.ts';
import { median } from './alternating-rounds.ts';

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const ROUNDS = Number(flag('--rounds') ?? 15);
const NODE = flag('--node') ?? process.execPath;
const [before, after] = process.argv
  .slice(2)
  .filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (!before || !after)
  throw new Error('usage: init-compare.ts [--rounds n] [--node path] <before> <after>');

const endpoint = 'http://127.0.0.1:9';
const env = {
  ...process.env,
  ...handlerEnvironment(
    { s3: endpoint, sqs: endpoint, dynamodb: endpoint, stepfunctions: endpoint, bedrock: endpoint },
    'medextract-bench-documents',
    30,
  ),
  DRIFT_PROMPT_VERSIONS: '2.0.0',
  NODE_OPTIONS: '',
};

/** CPU milliseconds (user + system) of importing one bundle in a fresh process. */
const importCpuMs = (file: string): number => {
  const code = `const c=process.cpuUsage();await import(${JSON.stringify(pathToFileURL(file).href)});const u=process.cpuUsage(c);process.stdout.write(String((u.user+u.system)/1000));`;
  return Number(
    execFileSync(NODE, ['--input-type=module', '-e', code], { env, encoding: 'utf-8' }).trim(),
  );
};

const names = FUNCTION_NAMES.filter((name) =>
  [before, after].every((dir) => existsSync(join(dir, name, 'index.mjs'))),
);
const builds = { before, after } as const;
type Build = keyof typeof builds;
const samples = new Map<string, number[]>();
const record = (key: string, value: number): void => {
  samples.set(key, [...(samples.get(key) ?? []), value]);
};
for (let round = 0; round < ROUNDS; round += 1) {
  const order: Build[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
  for (const name of ['hello-world', ...names])
    for (const build of order)
      record(`${build}/${name}`, importCpuMs(join(builds[build], name, 'index.mjs')));
}

const of = (key: string): number[] => samples.get(key) ?? [];
const row = (build: Build, name: string) => {
  const hello = of(`${build}/hello-world`);
  const own = of(`${build}/${name}`);
  return {
    cpuMs: Math.round(median(own) * 10) / 10,
    paired: Math.round(median(own.map((ms, i) => ms / (hello[i] ?? Number.NaN))) * 100) / 100,
    min: Math.round((Math.min(...own) / Math.min(...hello)) * 100) / 100,
  };
};
const result = {
  node: execFileSync(NODE, ['--version'], { encoding: 'utf-8' }).trim(),
  rounds: ROUNDS,
  helloCpuMs: {
    before: Math.round(median(of('before/hello-world')) * 10) / 10,
    after: Math.round(median(of('after/hello-world')) * 10) / 10,
  },
  functions: Object.fromEntries(
    names.map((name) => [name, { before: row('before', name), after: row('after', name) }]),
  ),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
