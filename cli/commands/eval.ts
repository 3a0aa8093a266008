/**
 * `medextract eval`: runs a labelled dataset (`<id>.pdf` + `<id>.truth.json`)
 * through the real pipeline and scores every result against its ground truth
 * with the prompt version's comparators; `--compare a b` runs it under two
 * versions and tests the difference with a paired bootstrap.
 *
 * Without `--stage` the pipeline is a throwaway local stack started in this
 * process, so moving its `production` alias to the evaluated version is safe.
 * With `--stage` no alias is moved: the documents get whatever the stage
 * resolves, and a document resolved to another version stops the evaluation.
 *
 * Exit codes: 0 success, 1 a document failed (the report still covers every
 * document, the failed ones as all-FN), 2 usage errors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { z } from 'zod';
import { evaluateDocument } from '#shared/domain/evaluation/index.ts';
import { AliasItemSchema, aliasKey, PROMPT_FAMILY, runningKey } from '#shared/experiments-table.ts';
import { familyDir, loadPromptRegistry, type PromptRegistry } from '#shared/prompts/registry.ts';
import type { PromptVersion } from '#shared/prompts/types.ts';
import {
  buildEvalRun,
  compareJson,
  compareMarkdown,
  compareRuns,
  deltaTableHead,
  deltaTableRows,
  documentTypeOf,
  type EvalRun,
  type EvaluatedDocument,
  evalJson,
  evalMarkdown,
  FIELD_TABLE_HEAD,
  fieldTableRows,
  formatScore,
  TYPE_TABLE_HEAD,
  typeTableRows,
  verdictLine,
} from '../eval-report.ts';
import { printJson, printTable, UsageError, withTargetOptions } from '../output.ts';
import { type FileResult, processFiles } from '../pipeline-run.ts';
import { openTarget, type Target, targetOptionsFrom } from '../target.ts';

/** One labelled document of a dataset folder. */
export interface DatasetDocument {
  readonly id: string;
  readonly pdfPath: string;
  readonly truth: Record<string, unknown>;
}

const TruthSchema = z.record(z.string(), z.unknown());

/**
 * Reads a dataset folder: every `<id>.pdf` with its `<id>.truth.json`, sorted
 * by id. Messages give counts, never file names (a file name may carry a
 * patient's name).
 * @throws UsageError when the folder is missing, holds no PDF, or a truth file is missing or not a JSON object.
 */
export const readDataset = (dir: string): DatasetDocument[] => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError('--dataset: folder not found');
  }
  const ids = readdirSync(dir)
    .filter((name) => name.endsWith('.pdf'))
    .map((name) => name.slice(0, -'.pdf'.length))
    .sort((a, b) => a.localeCompare(b));
  if (ids.length === 0) throw new UsageError('--dataset: the folder holds no <id>.pdf');
  const missing = ids.filter((id) => !existsSync(join(dir, `${id}.truth.json`)));
  if (missing.length > 0) {
    throw new UsageError(
      `--dataset: ${missing.length} of ${ids.length} PDFs have no <id>.truth.json beside them`,
    );
  }
  const documents = ids.map((id) => ({
    id,
    pdfPath: join(dir, `${id}.pdf`),
    truth: parseTruth(readFileSync(join(dir, `${id}.truth.json`), 'utf-8')),
  }));
  const valid = documents.filter(
    (document): document is DatasetDocument => document.truth !== null,
  );
  if (valid.length < documents.length) {
    throw new UsageError(
      `--dataset: ${documents.length - valid.length} truth files are not JSON objects`,
    );
  }
  return valid;
};

const parseTruth = (text: string): Record<string, unknown> | null => {
  try {
    const parsed = TruthSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/**
 * A version of the prompt registry from `2.0.0` or `v2.0.0`.
 * @throws UsageError naming the known versions when it is not bundled.
 */
export const resolveVersion = (registry: PromptRegistry, wanted: string): PromptVersion => {
  const version = wanted.replace(/^v/, '');
  if (!registry.versions().includes(version)) {
    throw new UsageError(
      `unknown prompt version ${wanted}; known: ${registry.versions().join(', ')}`,
    );
  }
  return registry.get(version);
};

/**
 * Points the `production` alias of the target's experiments table at a
 * version. Only for a throwaway local stack: a deployed alias moves through
 * `medextract prompts`, with its audit entry.
 */
export const setProductionAlias = async (target: Target, version: string): Promise<void> => {
  await target.clients.dynamodb.send(
    new PutCommand({
      TableName: target.tables.experiments,
      Item: { ...aliasKey(PROMPT_FAMILY), version, updatedAt: new Date().toISOString() },
    }),
  );
};

/**
 * On a stage whose alias is not moved: refuses before anything is uploaded
 * when a running experiment would split the documents between versions, or
 * the `production` alias names another version. (Without an alias item the
 * stage falls back to its default version, which only the results reveal.)
 * @throws UsageError naming what the stage would resolve instead.
 */
export const checkStageResolves = async (target: Target, version: string): Promise<void> => {
  const read = (key: { pk: string; sk: string }) =>
    target.clients.dynamodb.send(
      new GetCommand({ TableName: target.tables.experiments, Key: key, ConsistentRead: true }),
    );
  const [alias, running] = await Promise.all([
    read(aliasKey(PROMPT_FAMILY)),
    read(runningKey(PROMPT_FAMILY)),
  ]);
  if (running.Item !== undefined) {
    throw new UsageError(
      'an experiment is running on this stage, so documents may get another version; evaluate without --stage',
    );
  }
  const current = AliasItemSchema.safeParse(alias.Item);
  if (current.success && current.data.version !== version) {
    throw new UsageError(
      `the stage's production alias names ${current.data.version}, not ${version}; evaluate without --stage`,
    );
  }
};

/** Scores one pipeline result; a failed document is scored as predicting nothing (all FN). */
export const scoreResult = (
  version: PromptVersion,
  document: DatasetDocument,
  result: FileResult,
): EvaluatedDocument => ({
  id: document.id,
  type: documentTypeOf(document.id, document.truth),
  status: result.status,
  reason: result.status === 'FAILED' ? (result.reason ?? 'UNKNOWN') : null,
  evaluation: evaluateDocument(
    version.metadata.fields,
    document.truth,
    result.status === 'SUCCEEDED' ? result.fields : null,
  ),
});

/** How one version is run over the dataset. */
export interface RunVersionOptions {
  /** Inserted after `incoming/`, so each run gets its own keys and document ids. */
  readonly keyPrefix: string;
  /** Move the target's `production` alias to the version first (throwaway stacks only). */
  readonly moveAlias: boolean;
  readonly timeoutMs: number;
  /** Documents in flight at once (default: all). */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every dataset document through the pipeline under one version and
 * scores the results.
 * @throws UsageError when a document reports another prompt version than the one evaluated.
 */
export const runVersion = async (
  target: Target,
  dataset: readonly DatasetDocument[],
  version: PromptVersion,
  options: RunVersionOptions,
): Promise<EvalRun> => {
  if (options.moveAlias) await setProductionAlias(target, version.version);
  const results = await processFiles(
    target,
    dataset.map((document) => ({ path: document.pdfPath })),
    {
      timeoutMs: options.timeoutMs,
      keyPrefix: options.keyPrefix,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.onProgress
        ? { onProgress: (done: number, total: number) => options.onProgress?.(done, total) }
        : {}),
    },
  );
  const other = results.filter(
    (result) => result.promptVersion !== null && result.promptVersion !== version.version,
  );
  if (other.length > 0) {
    const seen = [...new Set(other.map((result) => result.promptVersion))].join(', ');
    throw new UsageError(
      `${other.length} documents were extracted with prompt version ${seen}, not ${version.version}; ` +
        'point the stage at the version first or evaluate without --stage',
    );
  }
  return buildEvalRun(
    version.version,
    dataset.map((document, index) => {
      const result = results[index];
      if (result === undefined) throw new Error('internal: a document has no pipeline result');
      return scoreResult(version, document, result);
    }),
  );
};

const FlagsSchema = z.object({
  dataset: z.string().min(1),
  version: z.string().min(1).optional(),
  compare: z.array(z.string().min(1)).optional(),
  json: z.boolean().optional(),
  out: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  timeout: z.string(),
  iterations: z.string(),
  seed: z.string().min(1),
  concurrency: z.string().optional(),
});
/** Options of `medextract eval` as commander parses them. */
export type EvalFlags = z.infer<typeof FlagsSchema>;

const positiveInteger = (flag: string, raw: string): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive whole number`);
  return value;
};

/** Progress on stderr for people; nothing when stderr is not a terminal. */
const progressLine = (label: string) =>
  process.stderr.isTTY
    ? (done: number, total: number) => {
        process.stderr.write(`\r${label}: ${done}/${total} documents`);
        if (done === total) process.stderr.write('\n');
      }
    : undefined;

const withProgress = (label: string) => {
  const onProgress = progressLine(label);
  return onProgress ? { onProgress } : {};
};

const exitCodeFor = (runs: readonly EvalRun[]): number =>
  runs.some((run) => run.documents.some((document) => document.status === 'FAILED')) ? 1 : 0;

const printRun = (run: EvalRun): void => {
  printTable([...FIELD_TABLE_HEAD], fieldTableRows(run.summary));
  printTable([...TYPE_TABLE_HEAD], typeTableRows(run));
  const failed = run.documents.filter((document) => document.status === 'FAILED');
  process.stdout.write(
    `prompt version ${run.version}: ${run.summary.documentCount} documents, ${failed.length} failed, ` +
      `micro-F1 ${formatScore(run.summary.micro.f1)}\n`,
  );
  if (failed.length > 0) {
    printTable(
      ['failed document', 'reason'],
      failed.map((document) => [document.id, document.reason]),
    );
  }
};

/** Runs `medextract eval` with parsed flags; returns the exit code (usage errors throw UsageError). */
export const runEval = async (flags: EvalFlags): Promise<number> => {
  if ((flags.version === undefined) === (flags.compare === undefined)) {
    throw new UsageError('give either --version <v> or --compare <a> <b>');
  }
  if (flags.compare !== undefined && flags.compare.length !== 2) {
    throw new UsageError('--compare takes exactly two versions');
  }
  if (flags.compare !== undefined && flags.stage !== undefined) {
    throw new UsageError(
      '--compare moves the production alias and runs only on a throwaway local stack; drop --stage',
    );
  }
  const timeoutMs = positiveInteger('--timeout', flags.timeout) * 1000;
  const iterations = positiveInteger('--iterations', flags.iterations);
  const concurrency =
    flags.concurrency === undefined
      ? undefined
      : positiveInteger('--concurrency', flags.concurrency);

  const registry = loadPromptRegistry(familyDir());
  const versions = (flags.compare ?? [flags.version ?? '']).map((wanted) =>
    resolveVersion(registry, wanted),
  );
  const [versionA, versionB] = versions;
  if (versionA === undefined)
    throw new UsageError('give either --version <v> or --compare <a> <b>');
  if (versionB !== undefined && versionA.version === versionB.version) {
    throw new UsageError('--compare needs two different versions');
  }
  const dataset = readDataset(flags.dataset);
  if (flags.out !== undefined && !existsSync(dirname(resolve(flags.out)))) {
    throw new UsageError('--out: the folder for the report does not exist');
  }

  const target = await openTarget(
    targetOptionsFrom(flags, 'ephemeral', { promptCacheTtlSeconds: 0 }),
  );
  const moveAlias = flags.stage === undefined;
  const runs: EvalRun[] = [];
  try {
    if (!moveAlias) await checkStageResolves(target, versionA.version);
    for (const version of versions) {
      runs.push(
        await runVersion(target, dataset, version, {
          keyPrefix: `eval-${version.version}/`,
          moveAlias,
          timeoutMs,
          ...(concurrency === undefined ? {} : { concurrency }),
          ...withProgress(`prompt version ${version.version}`),
        }),
      );
    }
  } finally {
    await target.close();
  }

  const [runA, runB] = runs;
  if (runA === undefined) throw new Error('internal: no evaluation run');
  if (runB === undefined) {
    if (flags.out) await writeFile(flags.out, evalMarkdown(runA), 'utf-8');
    if (flags.json) printJson(evalJson(runA));
    else printRun(runA);
    return exitCodeFor(runs);
  }

  const comparison = compareRuns(runA, runB, { iterations, seed: flags.seed });
  if (flags.out) await writeFile(flags.out, compareMarkdown(comparison), 'utf-8');
  if (flags.json) printJson(compareJson(comparison));
  else {
    printTable(deltaTableHead(runA.version, runB.version), deltaTableRows(comparison));
    process.stdout.write(`${verdictLine(comparison)}\n`);
  }
  return exitCodeFor(runs);
};

/** Registers `medextract eval`. */
export const registerEval = (program: Command): void => {
  withTargetOptions(
    program
      .command('eval')
      .description(
        'run a labelled dataset (<id>.pdf + <id>.truth.json) through the pipeline and score it against the truth',
      )
      .requiredOption('--dataset <dir>', 'folder of <id>.pdf files, each with <id>.truth.json')
      .option('--version <version>', 'prompt version to evaluate, e.g. 2.0.0')
      .option('--compare <versions...>', 'two prompt versions a b: runs both and tests b - a')
      .option('--out <file>', 'also write a Markdown report to this file'),
  )
    .option(
      '--timeout <seconds>',
      'give up on executions still running after this long (per version)',
      '900',
    )
    .option('--iterations <n>', 'bootstrap resamples for --compare', '2000')
    .option(
      '--concurrency <n>',
      'documents in flight at once (default all; scanned documents on the local stack: 1 or 2)',
    )
    .option(
      '--seed <seed>',
      'bootstrap seed for --compare (same seed, same interval)',
      'medextract-eval',
    )
    .action(async (raw: unknown) => {
      const parsed = FlagsSchema.safeParse(raw);
      if (!parsed.success) throw new UsageError('eval: invalid options');
      process.exitCode = await runEval(parsed.data);
    });
};
