/**
 * `npm run bench [-- --json] [--quick] [--rounds n] [--pipeline-rounds n]
 * [--only init] [--node path]`: one run that measures each
 * performance figure next to its baseline and the ratio: the local pipeline's
 * time per extra document against the bare in-process work (the median of
 * alternating rounds, with its spread), each function
 * bundle's cold init against a one-client hello-world bundle, local stack
 * start-up (cold and warm), documents per second at three batch sizes, and
 * the cost model's dollars per 1,000 documents.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { countTransitions } from '#core/costing/asl-transitions.ts';
import { assembleCostInput } from '#core/costing/assemble.ts';
import { DEFAULT_ASSUMPTIONS } from '#core/costing/assumptions.ts';
import { costPer1000Documents } from '#core/costing/cost-model.ts';
import { MEASURED_PROFILE } from '#core/costing/measured-profile.ts';
import { costSettingsFor } from '#infra/cost-settings.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';
import { handlerEnvironment } from '#local/stack.ts';
import { backgroundNiceInEffect } from '#local/thread-priority.ts';
import { median, type Spread, summariseRounds } from './alternating-rounds.ts';
import { type BuiltBundle, buildBundle, buildFunctionBundles } from './bundles.ts';
import { pipelineRounds } from './pipeline-rounds.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const JSON_OUTPUT = process.argv.includes('--json');
const QUICK = process.argv.includes('--quick');
const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag >= 0 ? Number(process.argv[roundsFlag + 1]) : 9;
const pipelineRoundsFlag = process.argv.indexOf('--pipeline-rounds');
/** `--pipeline-rounds n`: alternating rounds of bare and pipeline batches (default 3). */
const PIPELINE_ROUNDS = pipelineRoundsFlag >= 0 ? Number(process.argv[pipelineRoundsFlag + 1]) : 3;
if (!Number.isInteger(PIPELINE_ROUNDS) || PIPELINE_ROUNDS < 1) {
  throw new Error('--pipeline-rounds takes a whole number of rounds, 1 or more');
}
/** `--pipeline-only`: the pipeline, bare work and stack start, without the bundles' cold init. */
const PIPELINE_ONLY = process.argv.includes('--pipeline-only');
const BATCHES: readonly [number, number, number] = QUICK ? [5, 10, 30] : [10, 100, 300];
const flagValue = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
/** `--only init`: the bundles' cold init alone, without the stack, pipeline or cost. */
const ONLY_INIT = flagValue('--only') === 'init';
/** `--node path`: the Node binary that imports the bundles (the Lambda runtime is Node 24). */
const INIT_NODE = flagValue('--node') ?? process.execPath;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SEED = 'bench';
/** The prompt version both sides run: the bare loop and the stack's production alias. */
const BENCH_PROMPT_VERSION = '2.0.0';

const progress = (step: string): void => {
  if (!JSON_OUTPUT) process.stderr.write(`[bench] ${step}\n`);
};
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Synthetic documents, generated once into `.data/bench/corpus`. */
const corpus = async (count: number): Promise<string[]> => {
  const dir = join(REPO, '.data', 'bench', 'corpus');
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const path = join(dir, `doc-${String(i).padStart(4, '0')}.pdf`);
    if (!existsSync(path)) {
      const type = CORPUS_DOCUMENT_TYPES[(i - 1) % CORPUS_DOCUMENT_TYPES.length] ?? 'office_note';
      await writeFile(path, (await generateDocument(SEED, i, type)).pdf);
    }
    paths.push(path);
  }
  return paths;
};

interface InitSample {
  /** Wall milliseconds of the import. */
  readonly ms: number;
  /** CPU milliseconds (user + system) the process spent on it: less sensitive to a busy machine. */
  readonly cpuMs: number;
}

/** Time to import a bundle in a fresh Node process (module load = Lambda init work). */
const initSample = (bundle: BuiltBundle, env: NodeJS.ProcessEnv): InitSample => {
  const code = `const c=process.cpuUsage();const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle.file).href)});const w=performance.now()-t;const u=process.cpuUsage(c);process.stdout.write(w+' '+(u.user+u.system)/1000);`;
  // stderr is kept for the failure report rather than echoed into the run's output.
  const out = execFileSync(INIT_NODE, ['--input-type=module', '-e', code], {
    env,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [ms, cpuMs] = (out.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { ms: ms ?? Number.NaN, cpuMs: cpuMs ?? Number.NaN };
};

const coldInit = async () => {
  // Inside the repository so the external AWS SDK resolves from node_modules, as on Lambda.
  const outdir = join(REPO, '.data', 'bench', 'bundles');
  rmSync(outdir, { recursive: true, force: true });
  const functions = await buildFunctionBundles(outdir);
  const hello = await buildBundle(
    'hello-world',
    fileURLToPath(new URL('./hello-handler.ts', import.meta.url)),
    outdir,
  );
  const endpoint = 'http://127.0.0.1:9';
  const env = {
    ...process.env,
    ...handlerEnvironment(
      {
        s3: endpoint,
        sqs: endpoint,
        dynamodb: endpoint,
        stepfunctions: endpoint,
        bedrock: endpoint,
      },
      'medextract-bench-documents',
      30,
    ),
    // The drift job is scheduled on AWS only, so the local stack sets none of its variables.
    DRIFT_PROMPT_VERSIONS: '2.0.0',
    NODE_OPTIONS: '',
  };
  const helloRuns: InitSample[] = [];
  // Each function's sample with the hello-world sample taken just before it, in the same round.
  const runs = new Map<string, { sample: InitSample; hello: InitSample }[]>(
    functions.map((f) => [f.name, []]),
  );
  // A bundle that does not import is reported with the error's first line, not timed.
  const failedToImport: Record<string, string> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const fn of functions) {
      if (failedToImport[fn.name] !== undefined) continue;
      const helloSample = initSample(hello, env);
      helloRuns.push(helloSample);
      try {
        runs.get(fn.name)?.push({ sample: initSample(fn, env), hello: helloSample });
      } catch (error) {
        const stderr = (error as { stderr?: unknown }).stderr;
        const text = typeof stderr === 'string' && stderr.trim() ? stderr : String(error);
        failedToImport[fn.name] =
          text.split('\n').find((line) => /Error/.test(line)) ?? text.split('\n')[0] ?? '';
        runs.delete(fn.name);
      }
    }
  }
  const timed = functions.filter((f) => runs.has(f.name));
  if (timed.length === 0) throw new Error('no function bundle imported');
  const helloMs = median(helloRuns.map((s) => s.ms));
  const helloCpuMs = median(helloRuns.map((s) => s.cpuMs));
  const perFunction = Object.fromEntries(
    timed.map((f) => {
      const pairs = runs.get(f.name) ?? [];
      const ms = median(pairs.map((p) => p.sample.ms));
      const cpuMs = median(pairs.map((p) => p.sample.cpuMs));
      // Ratios are paired: each sample over the hello-world imported just before it, then the
      // median of the rounds' ratios, so a busy spell that slows both cancels out (ADR 65).
      const entry = {
        bytes: f.bytes,
        initMs: round(ms, 1),
        overHello: round(median(pairs.map((p) => p.sample.ms / p.hello.ms)), 2),
        initCpuMs: round(cpuMs, 1),
        cpuOverHello: round(median(pairs.map((p) => p.sample.cpuMs / p.hello.cpuMs)), 2),
      };
      // Worker bundles load when the worker starts (on the first document), not at init.
      return [f.name, Object.keys(f.workers).length > 0 ? { ...entry, workers: f.workers } : entry];
    }),
  );
  const worst = Object.entries(perFunction).reduce((a, b) =>
    b[1].overHello > a[1].overHello ? b : a,
  );
  const worstCpu = Object.entries(perFunction).reduce((a, b) =>
    b[1].cpuOverHello > a[1].cpuOverHello ? b : a,
  );
  return {
    helloMs: round(helloMs, 1),
    helloCpuMs: round(helloCpuMs, 1),
    helloBytes: hello.bytes,
    perFunction,
    failedToImport,
    worst,
    worstCpu,
  };
};

const cost = () => {
  const registry = bundledPrompts();
  const asl = JSON.parse(readFileSync(join(REPO, 'statemachines', 'extract.asl.json'), 'utf-8'));
  const report = costPer1000Documents(
    assembleCostInput({
      settings: costSettingsFor('prod'),
      transitions: countTransitions(asl),
      prompts: registry.versions().map((v) => registry.get(v)),
      profile: MEASURED_PROFILE,
      assumptions: DEFAULT_ASSUMPTIONS,
      documentsPerMonth: 100_000,
      pagesPerDocument: 1,
    }),
  );
  return {
    stage: 'prod',
    documentsPerMonth: 100_000,
    pagesPerDocument: 1,
    totalUsd: round(report.totalUsdPer1000Documents, 4),
    bedrockUsd: round(report.byService.Bedrock, 4),
    orchestrationUsd: round(report.orchestrationUsdPer1000Documents, 4),
    orchestrationShare: round(report.orchestrationShare, 4),
    // Prompt caching: the assumed hit rate, and per version the cached prefix and both prices.
    promptCache: {
      hitRateAssumed: DEFAULT_ASSUMPTIONS.promptCacheHitRate,
      servingVersion: report.servingVersion,
      byVersion: Object.fromEntries(
        report.bedrockByVersion.map((v) => [
          v.version,
          {
            cachedPrefixTokens: v.cachedPrefixTokens ?? 0,
            bedrockUsd: round(v.usdPer1000Documents, 4),
            bedrockUsdWithoutCache: round(v.usdPer1000DocumentsWithoutCache, 4),
            note: v.cacheNote ?? null,
          },
        ]),
      ),
    },
  };
};

/** The per-function table and the machine line, the same in the init-only and the whole run's text. */
const printFunctionsAndMachine = (result: {
  readonly functions: Readonly<
    Record<
      string,
      {
        bytes: number;
        initMs: number;
        overHello: number;
        initCpuMs: number;
        cpuOverHello: number;
      }
    >
  >;
  readonly functionsFailedToImport: Readonly<Record<string, string>>;
  readonly machine: { cpus: number; loadAverageBefore: number; loadAverageAfter: number };
}): void => {
  process.stdout.write(
    'function | bundle bytes | init ms | over hello | init CPU ms | over hello\n',
  );
  for (const [name, f] of Object.entries(result.functions)) {
    process.stdout.write(
      `${name} | ${f.bytes} | ${f.initMs} | ${f.overHello} | ${f.initCpuMs} | ${f.cpuOverHello}\n`,
    );
  }
  for (const [name, reason] of Object.entries(result.functionsFailedToImport)) {
    process.stdout.write(`${name} | did not import: ${reason}\n`);
  }
  process.stdout.write(
    `machine: ${result.machine.cpus} cpus, load ${result.machine.loadAverageBefore} -> ${result.machine.loadAverageAfter}\n`,
  );
};

const loadBefore = loadavg()[0] ?? 0;
if (ONLY_INIT) {
  progress('cold init of each bundle');
  const init = await coldInit();
  const result = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      loadAverageBefore: round(loadBefore, 2),
      loadAverageAfter: round(loadavg()[0] ?? 0, 2),
    },
    node: execFileSync(INIT_NODE, ['--version'], { encoding: 'utf-8' }).trim(),
    coldInitOverHello: init.worst[1].overHello,
    coldInitWorstFunction: init.worst[0],
    helloInitMs: init.helloMs,
    coldInitCpuOverHello: init.worstCpu[1].cpuOverHello,
    coldInitCpuWorstFunction: init.worstCpu[0],
    helloInitCpuMs: init.helloCpuMs,
    helloBundleBytes: init.helloBytes,
    functions: init.perFunction,
    functionsFailedToImport: init.failedToImport,
    rounds: ROUNDS,
  };
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(
      `cold init on ${result.node}, worst ${result.coldInitWorstFunction}: ${result.coldInitOverHello}x of ${result.helloInitMs} ms hello-world; CPU: worst ${result.coldInitCpuWorstFunction} ${result.coldInitCpuOverHello}x of ${result.helloInitCpuMs} ms\n`,
    );
    printFunctionsAndMachine(result);
  }
  process.exit(0);
}
const largest = Math.max(...BATCHES);
progress(`preparing ${largest} documents`);
const paths = await corpus(largest);
const run = await pipelineRounds({
  paths,
  batches: BATCHES,
  rounds: PIPELINE_ROUNDS,
  promptVersion: BENCH_PROMPT_VERSION,
  progress,
});
const rounds = summariseRounds(run.rounds, BATCHES[1], BATCHES[2]);
progress(PIPELINE_ONLY ? 'cold init skipped (--pipeline-only)' : 'cold init of each bundle');
const init = PIPELINE_ONLY ? null : await coldInit();
const spreadOf = (s: Spread, digits: number) => ({
  median: round(s.median, digits),
  min: round(s.min, digits),
  max: round(s.max, digits),
});
const result = {
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    loadAverageBefore: round(loadBefore, 2),
    loadAverageAfter: round(loadavg()[0] ?? 0, 2),
  },
  pipelineOverBare: round(rounds.ratio.median, 2),
  pipelineMsPerExtraDocument: round(rounds.pipelineMsPerExtraDocument.median, 1),
  bareMsPerDocument: round(rounds.bareMsPerExtraDocument.median, 1),
  // Each round's figures, and the spread of each across rounds (ratios are per round).
  pipelineRounds: {
    rounds: PIPELINE_ROUNDS,
    batches: { middle: BATCHES[1], large: BATCHES[2] },
    pipelineOverBare: spreadOf(rounds.ratio, 2),
    pipelineMsPerExtraDocument: spreadOf(rounds.pipelineMsPerExtraDocument, 1),
    bareMsPerDocument: spreadOf(rounds.bareMsPerExtraDocument, 1),
    pipelineCpuOverBare: spreadOf(rounds.cpuRatio, 2),
    // The nice value of the stack's threads beside its event loop (ADR 70; 0: all equal, as off Linux).
    backgroundThreadNice: backgroundNiceInEffect(),
    perRound: rounds.rounds.map((r) => ({
      pipelineOverBare: round(r.ratio, 2),
      pipelineMsPerExtraDocument: round(r.pipelineMsPerExtraDocument, 1),
      bareMsPerDocument: round(r.bareMsPerExtraDocument, 1),
      pipelineCpuOverBare: round(r.cpuRatio, 2),
      pipelineCpuMsPerExtraDocument: round(r.pipelineCpuMsPerExtraDocument, 1),
      bareCpuMsPerDocument: round(r.bareCpuMsPerExtraDocument, 1),
    })),
  },
  coldInitOverHello: init?.worst[1].overHello ?? null,
  coldInitWorstFunction: init?.worst[0] ?? null,
  helloInitMs: init?.helloMs ?? null,
  coldInitCpuOverHello: init?.worstCpu[1].cpuOverHello ?? null,
  coldInitCpuWorstFunction: init?.worstCpu[0] ?? null,
  helloInitCpuMs: init?.helloCpuMs ?? null,
  helloBundleBytes: init?.helloBytes ?? null,
  functions: init?.perFunction ?? {},
  functionsFailedToImport: init?.failedToImport ?? {},
  stackStartSeconds: round(run.warmStartSeconds, 2),
  coldStackStartSeconds: round(run.coldStartSeconds, 2),
  // Median over the batches of each size (the small one runs once, after warm-up).
  documentsPerSecond: Object.fromEntries(
    BATCHES.map((n) => [n, round(n / median(run.batchSeconds[n] ?? []), 2)]),
  ),
  costPer1000Docs: cost(),
  rounds: ROUNDS,
};

if (JSON_OUTPUT) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const lines = [
    ['figure', 'value', 'baseline', 'ratio'],
    [
      'local pipeline, ms per extra document',
      String(result.pipelineMsPerExtraDocument),
      `${result.bareMsPerDocument} bare`,
      String(result.pipelineOverBare),
    ],
    [
      `  spread over ${PIPELINE_ROUNDS} alternating rounds (min-max)`,
      `${result.pipelineRounds.pipelineMsPerExtraDocument.min}-${result.pipelineRounds.pipelineMsPerExtraDocument.max}`,
      `${result.pipelineRounds.bareMsPerDocument.min}-${result.pipelineRounds.bareMsPerDocument.max} bare`,
      `${result.pipelineRounds.pipelineOverBare.min}-${result.pipelineRounds.pipelineOverBare.max} (each round: ${result.pipelineRounds.perRound.map((r) => r.pipelineOverBare).join(', ')})`,
    ],
    [
      '  CPU per extra document (this process + DynamoDB Local), ratio',
      '-',
      '-',
      `${result.pipelineRounds.pipelineCpuOverBare.median} (${result.pipelineRounds.pipelineCpuOverBare.min}-${result.pipelineRounds.pipelineCpuOverBare.max})`,
    ],
    [
      `cold init, worst function (${result.coldInitWorstFunction}), ms`,
      String(
        result.coldInitWorstFunction && result.functions[result.coldInitWorstFunction]?.initMs,
      ),
      `${result.helloInitMs} hello-world`,
      String(result.coldInitOverHello),
    ],
    ['warm stack start, s', String(result.stackStartSeconds), '-', '-'],
    ['cold stack start, s', String(result.coldStackStartSeconds), '-', '-'],
    ...Object.entries(result.documentsPerSecond).map(([n, dps]) => [
      `documents/s at ${n}`,
      String(dps),
      '-',
      '-',
    ]),
    [
      '$ per 1,000 documents (prod, 1 page)',
      String(result.costPer1000Docs.totalUsd),
      `${result.costPer1000Docs.bedrockUsd} Bedrock`,
      `orchestration share ${result.costPer1000Docs.orchestrationShare}`,
    ],
    ...Object.entries(result.costPer1000Docs.promptCache.byVersion).map(([version, v]) => [
      `prompt ${version} Bedrock $ per 1,000, cache hit rate ${result.costPer1000Docs.promptCache.hitRateAssumed} assumed`,
      String(v.bedrockUsd),
      `${v.bedrockUsdWithoutCache} without cache`,
      v.cachedPrefixTokens > 0 ? `${v.cachedPrefixTokens}-token prefix cached` : String(v.note),
    ]),
  ];
  for (const line of lines) process.stdout.write(`${line.join(' | ')}\n`);
  process.stdout.write('\n');
  printFunctionsAndMachine(result);
}
