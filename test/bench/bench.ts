/**
 * `npm run bench [-- --json] [--quick] [--rounds n] [--only init] [--node path]`:
 * one run that measures each
 * performance figure next to its baseline and the ratio: the local pipeline's
 * time per extra document against the bare in-process work, each function
 * bundle's cold init against a one-client hello-world bundle, local stack
 * start-up (cold and warm), documents per second at three batch sizes, and
 * the cost model's dollars per 1,000 documents.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { targetOfStack } from '#cli/target.ts';
import { aliasKey, PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { countTransitions } from '#core/costing/asl-transitions.ts';
import { assembleCostInput } from '#core/costing/assemble.ts';
import { DEFAULT_ASSUMPTIONS } from '#core/costing/assumptions.ts';
import { costPer1000Documents } from '#core/costing/cost-model.ts';
import { MEASURED_PROFILE } from '#core/costing/measured-profile.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { scoreDocument } from '#functions/score/score.ts';
import { costSettingsFor } from '#infra/cost-settings.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';
import { freePort } from '#local/ports.ts';
import { handlerEnvironment, startLocalStack } from '#local/stack.ts';
import { UNLIMITED_CAPACITY } from '#local/stack-capacity.ts';
import { processFiles } from '#services/process-documents.ts';
import { type BuiltBundle, buildBundle, buildFunctionBundles } from './bundles.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const JSON_OUTPUT = process.argv.includes('--json');
const QUICK = process.argv.includes('--quick');
const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag >= 0 ? Number(process.argv[roundsFlag + 1]) : 5;
/** `--pipeline-only`: the pipeline, bare work and stack start, without the bundles' cold init. */
const PIPELINE_ONLY = process.argv.includes('--pipeline-only');
const BATCHES = QUICK ? [5, 10, 30] : [10, 100, 300];
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
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
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

/** Read, pdf.js, render, rule extractor, validate, score: the work with no AWS around it. */
const bareMsPerDocument = async (paths: readonly string[]): Promise<number> => {
  const version = bundledPrompts().get(BENCH_PROMPT_VERSION);
  const started = performance.now();
  for (const path of paths) {
    const bytes = await readFile(path);
    const { text } = await inspectPdf(new Uint8Array(bytes));
    const rendered = renderPrompt(version, text);
    const raw = extractFromPrompt({ userText: rendered.user, inputSchema: rendered.inputSchema });
    const validated = validateExtraction(version.schema, raw);
    if (!validated.ok) throw new Error('the bare run produced an invalid extraction');
    scoreDocument({
      version,
      fields: validated.value,
      modelId: rendered.modelId,
      inputTokens: 1_000,
      outputTokens: 300,
    });
  }
  return (performance.now() - started) / paths.length;
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
  const runs = new Map<string, InitSample[]>(functions.map((f) => [f.name, []]));
  // A bundle that does not import is reported with the error's first line, not timed.
  const failedToImport: Record<string, string> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const fn of functions) {
      if (failedToImport[fn.name] !== undefined) continue;
      helloRuns.push(initSample(hello, env));
      try {
        runs.get(fn.name)?.push(initSample(fn, env));
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
      const samples = runs.get(f.name) ?? [];
      const ms = median(samples.map((s) => s.ms));
      const cpuMs = median(samples.map((s) => s.cpuMs));
      const entry = {
        bytes: f.bytes,
        initMs: round(ms, 1),
        overHello: round(ms / helloMs, 2),
        initCpuMs: round(cpuMs, 1),
        cpuOverHello: round(cpuMs / helloCpuMs, 2),
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

const pipeline = async (paths: readonly string[]) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'medextract-bench-'));
  // The warm start reuses the cold start's ports, as `npm start` does: the
  // handler modules and their SDK clients are loaded once per process and keep
  // the endpoints of the stack that first ran them, so a restart on new ports
  // would leave them calling the stopped one.
  const ports = {
    s3sqs: await freePort(),
    dynamodb: await freePort(),
    stepfunctions: await freePort(),
    bedrock: await freePort(),
  };
  try {
    // Each batch re-sends the first documents of the last: with reuse on they would skip the model.
    // The pipeline around the model: the dev stage's Bedrock quota and admission
    // waits would measure the quota (npm run bench:load does), not the pipeline.
    let stack = await startLocalStack({
      dataDir,
      ports,
      capacity: UNLIMITED_CAPACITY,
      reuseIdenticalDocuments: false,
    });
    const coldStartSeconds = stack.startupMs / 1_000;
    progress(`cold stack start ${coldStartSeconds.toFixed(1)} s`);
    const seconds: Record<string, number> = {};
    try {
      const target = targetOfStack(stack);
      await stack.clients.dynamodb.send(
        new PutCommand({
          TableName: stack.tables.experiments,
          Item: {
            ...aliasKey(PROMPT_FAMILY),
            version: BENCH_PROMPT_VERSION,
            updatedAt: new Date().toISOString(),
          },
        }),
      );
      for (const count of BATCHES) {
        const inputs = paths.slice(0, count).map((path) => ({ path }));
        const started = performance.now();
        const results = await processFiles(target, inputs, {
          keyPrefix: `bench-${count}-${Date.now()}/`,
        });
        seconds[count] = (performance.now() - started) / 1_000;
        const failed = results.filter((r) => r.status !== 'SUCCEEDED').length;
        if (failed > 0) throw new Error(`${failed} of ${count} bench documents failed`);
        const other = results.filter((r) => r.promptVersion !== BENCH_PROMPT_VERSION).length;
        if (other > 0) throw new Error(`${other} documents ran another prompt version`);
        progress(`${count} documents in ${seconds[count]?.toFixed(1)} s`);
      }
    } finally {
      await stack.stop();
    }
    stack = await startLocalStack({
      dataDir,
      ports,
      capacity: UNLIMITED_CAPACITY,
      reuseIdenticalDocuments: false,
    });
    const warmStartSeconds = stack.startupMs / 1_000;
    progress(`warm stack start ${warmStartSeconds.toFixed(1)} s`);
    await stack.stop();
    return { coldStartSeconds, warmStartSeconds, seconds };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
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
const bareSet = paths.slice(0, Math.min(100, largest));
await bareMsPerDocument(paths.slice(0, 5)); // warm pdf.js and the schema compiler
const bareBefore = await bareMsPerDocument(bareSet);
progress(`bare work ${bareBefore.toFixed(1)} ms per document`);
const run = await pipeline(paths);
const bareAfter = await bareMsPerDocument(bareSet);
progress(`bare work again ${bareAfter.toFixed(1)} ms per document`);
progress(PIPELINE_ONLY ? 'cold init skipped (--pipeline-only)' : 'cold init of each bundle');
const init = PIPELINE_ONLY ? null : await coldInit();

const [small, middle, large] = BATCHES.map((n) => run.seconds[n] ?? Number.NaN);
const bareMs = median([bareBefore, bareAfter]);
const extraDocumentMs =
  (((large ?? Number.NaN) - (middle ?? Number.NaN)) * 1_000) /
  ((BATCHES[2] ?? 0) - (BATCHES[1] ?? 0));
const result = {
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    loadAverageBefore: round(loadBefore, 2),
    loadAverageAfter: round(loadavg()[0] ?? 0, 2),
  },
  pipelineOverBare: round(extraDocumentMs / bareMs, 2),
  pipelineMsPerExtraDocument: round(extraDocumentMs, 1),
  bareMsPerDocument: round(bareMs, 1),
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
  documentsPerSecond: Object.fromEntries(
    BATCHES.map((n, i) => [n, round(n / ([small, middle, large][i] ?? Number.NaN), 2)]),
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
