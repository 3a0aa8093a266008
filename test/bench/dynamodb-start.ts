/**
 * DynamoDB Local start-up by JVM configuration, alternating so each sees the
 * same machine: `npm run bench:dynamodb [-- --rounds n] [--json]`. Modes:
 * `default` (no JVM flags, as before), `c1` (the fast-start flags only) and
 * `cds` (the flags plus the class-data archive, built first if missing).
 * Each figure is the median of `startupMs` (spawn to the first ListTables).
 */
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { startDynamoDbLocal } from '#local/dynamodb.ts';

const MODES = ['default', 'c1', 'cds'] as const;
type Mode = (typeof MODES)[number];

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const rounds = Number(values.rounds);

const startOnce = async (mode: Mode): Promise<number> => {
  if (mode === 'cds') delete process.env.MEDEXTRACT_DYNAMODB_JVM;
  else process.env.MEDEXTRACT_DYNAMODB_JVM = mode;
  const ddb = await startDynamoDbLocal();
  await ddb.stop();
  return ddb.startupMs;
};

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

// A first start in cds mode records the class list and builds the archive in
// the background; wait for it so the measured rounds use it.
await startOnce('cds');
const cacheRoot = fromRepoRoot('node_modules/.cache/medextract');
const archiveReady = () =>
  readdirSync(cacheRoot)
    .filter((name) => name.startsWith('dynamodb-cds-'))
    .some((name) => existsSync(`${cacheRoot}/${name}/dynamodb.jsa`));
for (let waited = 0; !archiveReady() && waited < 180; waited += 1) {
  await new Promise((r) => setTimeout(r, 1_000));
}

const samples: Record<Mode, number[]> = { default: [], c1: [], cds: [] };
for (let round = 0; round < rounds; round += 1) {
  for (const mode of MODES) samples[mode].push(await startOnce(mode));
}
const result = {
  rounds,
  archiveBuilt: archiveReady(),
  medianStartupMs: Object.fromEntries(MODES.map((m) => [m, median(samples[m])])),
  samplesMs: samples,
};
if (values.json) console.log(JSON.stringify(result));
else {
  for (const mode of MODES) {
    console.log(
      `${mode.padEnd(8)} median ${median(samples[mode])} ms  (${samples[mode].join(', ')})`,
    );
  }
}
