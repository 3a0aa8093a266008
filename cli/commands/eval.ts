/**
 * `medextract eval`: parses the flags, reads the dataset folder, calls the
 * evaluation use case and prints or writes its report (with held-out and
 * tuned scores side by side when the dataset has layout sidecars). It runs a labelled dataset (`<id>.pdf` + `<id>.truth.json`)
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
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import * as z from 'zod';
import { folderReportStore, s3ReportStore } from '#adapters/evaluation-reports.ts';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { lintSchema } from '#adapters/prompts/schema-lint.ts';
import { buildLayoutReport, type LayoutReport, layoutsJson } from '#core/evaluation/layouts.ts';
import type { EvalRun } from '#core/evaluation/report.ts';
import { compareJson, evalJson } from '#core/evaluation/report-json.ts';
import { anyFailed, evaluateDataset, resolveVersion } from '#services/evaluation.ts';
import { saveEvaluationReport } from '#services/evaluation-reports.ts';
import { readDataset } from '../eval-dataset.ts';
import { readLayouts } from '../eval-layouts.ts';
import {
  CALIBRATION_FIELD_HEAD,
  calibrationFieldRows,
  calibrationLine,
  calibrationMarkdown,
  RELIABILITY_HEAD,
  reliabilityRows,
} from '../eval-render-calibration.ts';
import {
  FAMILY_TABLE_HEAD,
  FIELD_SPLIT_HEAD,
  familyTableRows,
  fieldSplitRows,
  layoutsMarkdown,
  SPLIT_TABLE_HEAD,
  splitTableRows,
} from '../eval-render-layouts.ts';
import { compareMarkdown, evalMarkdown } from '../eval-render-markdown.ts';
import {
  deltaTableHead,
  deltaTableRows,
  FIELD_TABLE_HEAD,
  fieldTableRows,
  formatScore,
  TYPE_TABLE_HEAD,
  typeTableRows,
  verdictLine,
} from '../eval-render-terminal.ts';
import { printJson, printTable, UsageError, withTargetOptions } from '../output.ts';
import { localDataDir, openTarget, type Target, targetOptionsFrom } from '../target.ts';

/**
 * Keeps the report for `GET /api/evaluations`: in `.data/evaluations/`
 * locally (eval runs on a private stack), in the stage's bucket with --stage.
 */
const saveReport = async (
  target: Target,
  onStage: boolean,
  report: Record<string, unknown>,
): Promise<void> => {
  const store = onStage
    ? s3ReportStore(target.clients.s3, target.bucket)
    : folderReportStore(join(localDataDir(), 'evaluations'));
  const saved = await saveEvaluationReport(store, report);
  process.stderr.write(`evaluation run saved as ${saved.id}\n`);
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

const printRun = (run: EvalRun, layouts: LayoutReport | null): void => {
  printTable([...FIELD_TABLE_HEAD], fieldTableRows(run.summary));
  printTable([...TYPE_TABLE_HEAD], typeTableRows(run));
  if (layouts !== null) {
    printTable([...SPLIT_TABLE_HEAD], splitTableRows(layouts));
    printTable([...FAMILY_TABLE_HEAD], familyTableRows(layouts));
    printTable([...FIELD_SPLIT_HEAD], fieldSplitRows(layouts));
  }
  if (run.calibration.available) {
    printTable([...RELIABILITY_HEAD], reliabilityRows(run.calibration));
    printTable([...CALIBRATION_FIELD_HEAD], calibrationFieldRows(run.calibration));
  }
  process.stdout.write(`${calibrationLine(run.calibration)}\n`);
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

  // A draft under evaluation is linted as `prompts release` would.
  const registry = loadPromptRegistry(familyDir(), { lintSchema });
  const versions = (flags.compare ?? [flags.version ?? '']).map((wanted) =>
    resolveVersion(registry, wanted),
  );
  const [versionA, versionB] = versions;
  if (versionB !== undefined && versionA?.version === versionB.version) {
    throw new UsageError('--compare needs two different versions');
  }
  const dataset = readDataset(flags.dataset);
  const layouts = readLayouts(
    flags.dataset,
    dataset.map((document) => document.id),
  );
  if (flags.out !== undefined && !existsSync(dirname(resolve(flags.out)))) {
    throw new UsageError('--out: the folder for the report does not exist');
  }

  const target = await openTarget(
    targetOptionsFrom(flags, 'ephemeral', { promptCacheTtlSeconds: 0 }),
  );
  let outcome: Awaited<ReturnType<typeof evaluateDataset>>;
  try {
    outcome = await evaluateDataset(target, {
      dataset,
      versions,
      moveAlias: flags.stage === undefined,
      timeoutMs,
      ...(concurrency === undefined ? {} : { concurrency }),
      iterations,
      seed: flags.seed,
      onProgress: (version) => progressLine(`prompt version ${version}`),
    });
  } finally {
    await target.close();
  }
  const exitCode = anyFailed(outcome.runs) ? 1 : 0;

  if (outcome.kind === 'run') {
    const [run] = outcome.runs;
    // Null without sidecars: such a dataset gets exactly the report it always had.
    const layoutReport = buildLayoutReport(run, (id) => layouts.get(id) ?? null);
    const base = `${evalMarkdown(run)}\n${calibrationMarkdown(run.calibration)}`;
    const markdown = layoutReport === null ? base : `${base}\n${layoutsMarkdown(layoutReport)}`;
    if (flags.out) await writeFile(flags.out, markdown, 'utf-8');
    const report =
      layoutReport === null
        ? evalJson(run)
        : { ...evalJson(run), layouts: layoutsJson(layoutReport) };
    await saveReport(target, flags.stage !== undefined, report);
    if (flags.json) printJson(report);
    else printRun(run, layoutReport);
    return exitCode;
  }

  const { comparison } = outcome;
  if (flags.out) await writeFile(flags.out, compareMarkdown(comparison), 'utf-8');
  await saveReport(target, flags.stage !== undefined, compareJson(comparison));
  if (flags.json) printJson(compareJson(comparison));
  else {
    printTable(
      deltaTableHead(comparison.a.version, comparison.b.version),
      deltaTableRows(comparison),
    );
    process.stdout.write(`${verdictLine(comparison)}\n`);
  }
  return exitCode;
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
