/**
 * `npm run bench:load [-- --json] [-- --documents N]`: bursts documents
 * through the whole local stack against the quota-true Bedrock stand-in (a
 * rule-based extractor, not a language model), once with admission control
 * and once with the design before it (the baseline ASL), in the same run.
 * Time is scaled: one quota minute lasts `MINUTE_MS` real milliseconds and
 * every ASL wait and the execution deadline scale with it, except Lambda
 * throttling retries (invocation time is not scaled). Prints documents,
 * quotaUtilisation, failedForCapacity, lost, duplicates, retries per document
 * (p50/p95/max), drain time against the ideal, peak open executions and the
 * slots still reserved after the run. Each design runs in its own process:
 * handlers keep their SDK clients for the life of a process, as in Lambda,
 * so a second stack in the same process would talk to the first one's ports.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HAIKU_4_5, type ModelCapacity } from '#infra/model-capacity.ts';
import { type LoadRunOptions, type LoadRunResult, runLoad } from './load-run.ts';

const args = process.argv.slice(2);
const childArg = args.indexOf('--child');
const CHILD_DESIGN = childArg >= 0 ? args[childArg + 1] : undefined;
const RESULT_PREFIX = 'LOAD_RESULT ';
const json = args.includes('--json');
const documentsArg = args.indexOf('--documents');
const DOCUMENTS = documentsArg >= 0 ? Number(args[documentsArg + 1]) : 1_000;
/** One quota minute in real milliseconds (a 3x speed-up). */
const MINUTE_MS = 20_000;

/**
 * A quota of 100 requests a minute, where 1,000 documents are ten minutes of
 * work. Requests bind; the token quota is enforced too, and admission
 * counts 700 input + 5 x 100 output tokens per document against it.
 */
const model: ModelCapacity = {
  quota: { requestsPerMinute: 100, tokensPerMinute: 200_000, outputTokenBurnDown: 5 },
  expectedInputTokens: 700,
  expectedOutputTokens: 100,
  headroom: 0.97,
  burstCalls: 2,
  horizonSeconds: 600,
  breaker: { threshold: 5, windowSeconds: 60, cooldownSeconds: 60 },
  callSeconds: 6,
};

const options = (design: LoadRunOptions['design']): LoadRunOptions => ({
  design,
  documents: DOCUMENTS,
  modelId: HAIKU_4_5,
  models: { [HAIKU_4_5]: model },
  minuteMs: MINUTE_MS,
  // invoke-model's reservation covers the admitted model calls; admission has its own.
  reservedConcurrency: {
    'admit-model-call': 10,
    'invoke-model': 40,
    'load-document': 40,
    'select-variant': 40,
    score: 40,
    'record-result': 40,
    'record-failure': 40,
  },
  timeoutMs: 30 * 60_000,
});

const row = (name: string, r: LoadRunResult) =>
  [
    name.padEnd(10),
    String(r.documents).padStart(6),
    r.quotaUtilisation.toFixed(3).padStart(8),
    String(r.failedForCapacity).padStart(8),
    String(r.lost).padStart(5),
    String(r.duplicates).padStart(5),
    `${r.retriesPerDocument.p50}/${r.retriesPerDocument.p95}/${r.retriesPerDocument.max}`.padStart(
      10,
    ),
    `${r.drainSeconds}s/${r.idealDrainSeconds}s`.padStart(14),
    String(r.peakOpenExecutions).padStart(6),
    String(r.reservedSlotsAfterRun ?? 'n/a').padStart(6),
  ].join(' ');

/** Runs one design in a fresh process and reads its result line. */
const runInChild = async (design: LoadRunOptions['design']): Promise<LoadRunResult> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1] ?? '',
      '--child',
      design,
      '--documents',
      String(DOCUMENTS),
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 40 * 60_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`the ${design} run printed no result`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as LoadRunResult;
};

const child = async (design: string) => {
  if (design !== 'admission' && design !== 'baseline') throw new Error(`unknown design ${design}`);
  const result = await runLoad(options(design));
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
};

const main = async () => {
  const log = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  log(
    `bench:load: ${DOCUMENTS} documents, quota ${model.quota.requestsPerMinute} requests / ${model.quota.tokensPerMinute} tokens per minute (output x${model.quota.outputTokenBurnDown}), one minute = ${MINUTE_MS / 1000} s real time; Bedrock is the local rule-based stand-in.`,
  );
  log('running with admission control...');
  const admission = await runInChild('admission');
  log(`admission: ${JSON.stringify(admission)}`);
  log('running the baseline (the design before admission control)...');
  const baseline = await runInChild('baseline');
  const timeScale = `1 quota minute = ${MINUTE_MS} ms`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...admission, timeScale, baseline })}\n`);
    return;
  }
  log('');
  log(
    'design      docs  quotaUse capFail  lost  dups  retries p50/p95/max   drain/ideal  peakOpen slotsLeft',
  );
  log(row('admission', admission));
  log(row('baseline', baseline));
  log('');
  log(`baseline:  ${JSON.stringify(baseline)}`);
};

(CHILD_DESIGN === undefined ? main() : child(CHILD_DESIGN)).catch((error: unknown) => {
  process.stderr.write(
    `bench:load failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
