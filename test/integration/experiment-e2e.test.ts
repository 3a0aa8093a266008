/**
 * An experiment end to end on the local stack: production on 1.1.0, a 50/50
 * experiment against 2.0.0 driven through the `medextract` CLI, synthetic
 * documents through the real pipeline, then the split, the roll-ups, the
 * analysis, completion, promotion, the alias move, traffic after promotion
 * and the audit trail. The stack keeps its tables on the run's shared
 * DynamoDB Local under a stage of its own, which its stack file names to the
 * CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import jStat from 'jstat';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { experimentsRepository } from '#adapters/experiments-repository.ts';
import { removeStackFile, type Target, writeStackFile } from '#cli/target.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { assignArm } from '#core/experiments/assignment.ts';
import { SRM_P_THRESHOLD } from '#core/experiments/stats/srm.ts';
import { generateCorpus } from '#local/corpus/generate.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import { analyzeFromRollups } from '#services/experiment-analysis.ts';
import { type FileResult, processFiles } from '#services/process-documents.ts';
import { medextractScript } from '#test/helpers/cli-bundle.ts';
import { sharedDynamoDb } from '#test/helpers/run-dynamodb.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 180_000 });

/**
 * Documents during the experiment: about 20 per arm under the 50/50 split, so
 * both arms pass the plan's 12 per arm (`--min-docs`) and the sample ratio
 * check's 8 per arm and the analysis decides on real figures. With the arm
 * drawn by hash, the chance that an arm stays under 12 of 40 (the analysis
 * then says keep-running) is 0.6%, under 8 (the split check has too little
 * traffic) 0.004%; 80 documents against 30 per arm left 1.8% to keep-running.
 * The test accepts any verdict but unhealthy either way. Each document costs.
 */
const EXPERIMENT_DOCUMENTS = 40;
const MIN_DOCS_PER_ARM = 12;
const AFTER_DOCUMENTS = 8;
const CONTROL = '1.1.0';
const TREATMENT = '2.0.0';
const EXPERIMENT_ID = 'e2e-v2-vs-v1-1';
const ACTOR = ['--actor', 'e2e'];
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let stack: LocalStack;
let target: Target;
let workDir: string;
let results: FileResult[] = [];
const timings: Record<string, number> = {};
const facts: Record<string, unknown> = {};

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `medextract` (the run's bundle of the CLI, test/helpers/cli-bundle.ts) against this file's stack through its stack file. */
const cli = (args: string[]): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [medextractScript(), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, MEDEXTRACT_DATA_DIR: workDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf-8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf-8');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

const cliJson = async (args: string[]): Promise<unknown> => {
  const run = await cli([...args, '--json']);
  if (run.code !== 0)
    throw new Error(`medextract ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

const repo = () =>
  experimentsRepository({ client: target.clients.dynamodb, table: target.tables.experiments });

const resultRow = async (documentId: string) => {
  const { Item } = await target.clients.dynamodb.send(
    new GetCommand({ TableName: target.tables.results, Key: { documentId }, ConsistentRead: true }),
  );
  return Item ?? {};
};

const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[name] = Date.now() - started;
  }
};

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'medextract-e2e-'));
  stack = await timed('stack start', () =>
    startLocalStack({
      ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
      retryIntervalScale: 0.001,
      promptCacheTtlSeconds: 0,
      sharedDynamoDb: sharedDynamoDb('experiment-e2e'),
    }),
  );
  target = {
    kind: 'local',
    stage: stack.stage,
    bucket: stack.bucket,
    stateMachineArn: stack.stateMachineArn,
    tables: stack.tables,
    queues: stack.queues,
    clients: stack.clients,
    stack,
    close: () => stack.stop(),
  };
  // The CLI finds this stack the way it finds `npm start`: through the stack file.
  writeStackFile(workDir, stack);
});

afterAll(async () => {
  if (workDir) removeStackFile(workDir);
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  process.stdout.write(
    `experiment e2e timings (ms): ${JSON.stringify(timings)}; facts: ${JSON.stringify(facts)}\n`,
  );
});

describe('experiment end to end on the local stack', () => {
  it('splits live traffic exactly as the deterministic assignment says', async () => {
    // Prepare: production serves 1.1.0; a 50/50 experiment tests 2.0.0 against it.
    await cliJson([
      'prompts',
      'alias',
      'set',
      CONTROL,
      '--reason',
      'baseline for the experiment',
      ...ACTOR,
    ]);
    await cliJson([
      'experiments',
      'create',
      '--id',
      EXPERIMENT_ID,
      '--name',
      'v2 schema vs v1.1',
      '--control',
      CONTROL,
      '--treatment',
      TREATMENT,
      '--preset',
      '50/50',
      '--primary',
      'completeness',
      '--mde',
      '0.05',
      '--min-docs',
      String(MIN_DOCS_PER_ARM),
      '--reason',
      'e2e',
      ...ACTOR,
    ]);
    const started = await cliJson(['experiments', 'start', EXPERIMENT_ID, ...ACTOR]);
    expect(started).toMatchObject({ id: EXPERIMENT_ID, status: 'Running' });
    const corpus = await timed('corpus', () =>
      generateCorpus({
        outDir: join(workDir, 'corpus'),
        count: EXPERIMENT_DOCUMENTS,
        seed: 'experiment-e2e',
      }),
    );

    // Act
    results = await timed('process experiment documents', () =>
      processFiles(
        target,
        corpus.map((c) => ({ path: c.pdfPath })),
        { timeoutMs: 170_000, keyPrefix: 'exp/' },
      ),
    );

    // Assess
    expect(results).toHaveLength(EXPERIMENT_DOCUMENTS);
    const experiment = await repo().require(EXPERIMENT_ID);
    const counts = { control: 0, treatment: 0 };
    for (const result of results) {
      const expected = assignArm({
        seed: experiment.seed,
        documentId: result.documentId,
        allocation: { weights: [0.5, 0.5], coverage: 1 },
        arms: ['control', 'treatment'],
      });
      if (expected !== 'control' && expected !== 'treatment')
        throw new Error(`no arm for ${result.documentId}`);
      counts[expected] += 1;
      const row = await resultRow(result.documentId);
      expect({
        doc: result.documentId,
        experimentId: row.experimentId,
        arm: row.arm,
        version: row.promptVersion,
      }).toEqual({
        doc: result.documentId,
        experimentId: EXPERIMENT_ID,
        arm: expected,
        version: expected === 'control' ? CONTROL : TREATMENT,
      });
    }
    facts.arms = counts;
    facts.succeeded = results.filter((r) => r.status === 'SUCCEEDED').length;
    expect(counts.control + counts.treatment).toBe(EXPERIMENT_DOCUMENTS);
    expect(counts.control).toBeGreaterThan(0);
    expect(counts.treatment).toBeGreaterThan(0);
  });

  it('rolls up exactly the result rows per arm, and the split is healthy', async () => {
    // Prepare: roll-ups arrive through the log subscription; let it drain.
    await stack.settle();
    const experiment = await repo().require(EXPERIMENT_ID);
    const fromRows = {
      control: { documents: 0, succeeded: 0 },
      treatment: { documents: 0, succeeded: 0 },
    };
    for (const result of results) {
      const row = await resultRow(result.documentId);
      const arm = row.arm === 'control' ? fromRows.control : fromRows.treatment;
      arm.documents += 1;
      if (row.status === 'SUCCEEDED') arm.succeeded += 1;
    }

    // Act
    const { rollups, analysis } = await analyzeFromRollups(
      { client: target.clients.dynamodb, table: target.tables.metrics },
      experiment,
    );

    // Assess
    for (const arm of ['control', 'treatment'] as const) {
      expect({ arm, documents: rollups[arm].documents, succeeded: rollups[arm].succeeded }).toEqual(
        {
          arm,
          ...fromRows[arm],
        },
      );
    }
    expect(analysis.srm.observed).toEqual([
      fromRows.control.documents,
      fromRows.treatment.documents,
    ]);
    // Document ids are new each run, so the 50/50 split is random: its verdict
    // is computed here from the row counts (Pearson chi-square, one degree of
    // freedom, against the product's threshold) and is healthy in all but
    // about one run in a thousand.
    const half = EXPERIMENT_DOCUMENTS / 2;
    const chiSquare =
      (fromRows.control.documents - half) ** 2 / half +
      (fromRows.treatment.documents - half) ** 2 / half;
    const pValue = 1 - jStat.chisquare.cdf(chiSquare, 1);
    expect(analysis.srm.status).toBe(pValue < SRM_P_THRESHOLD ? 'unhealthy' : 'healthy');
  });

  it('analyses, completes and promotes: the alias moves and new documents get the treatment', async () => {
    // Act
    const analyzed = (await cliJson(['experiments', 'analyze', EXPERIMENT_ID])) as {
      analysis: { decision: string; reasons: string[] };
    };
    const decision = analyzed.analysis.decision;
    facts.decision = decision;
    const completed = (await cliJson(['experiments', 'complete', EXPERIMENT_ID, ...ACTOR])) as {
      experiment: { status: string; decision: string };
    };
    // 2.0.0 asks for more fields than 1.1.0, so its completeness on the same documents
    // need not be higher: the rule-based extractor decides, and the verdict can be
    // anything but unhealthy. The product wants the v2 schema either way, which is
    // exactly what a forced promotion with a recorded reason is for.
    const promoteArgs =
      decision === 'ship'
        ? ['experiments', 'promote', EXPERIMENT_ID, ...ACTOR]
        : [
            'experiments',
            'promote',
            EXPERIMENT_ID,
            '--force',
            '--reason',
            'underwriting needs the v2 schema',
            ...ACTOR,
          ];
    const promoted = (await cliJson(promoteArgs)) as {
      experiment: { status: string };
      alias: { before: string; after: string };
    };
    const corpus = await generateCorpus({
      outDir: join(workDir, 'after'),
      count: AFTER_DOCUMENTS,
      seed: 'after-promotion',
    });
    const after = await timed('process after promotion', () =>
      processFiles(
        target,
        corpus.map((c) => ({ path: c.pdfPath })),
        { timeoutMs: 60_000, keyPrefix: 'after/' },
      ),
    );

    // Assess
    expect(['ship', 'rollback', 'keep-running']).toContain(decision);
    expect(analyzed.analysis.reasons.length).toBeGreaterThan(0);
    expect(completed.experiment).toMatchObject({ status: 'Completed', decision });
    expect(promoted.experiment.status).toBe('Promoted');
    expect(promoted.alias).toMatchObject({ before: CONTROL, after: TREATMENT });
    expect((await repo().getAlias(PROMPT_FAMILY))?.version).toBe(TREATMENT);
    expect(await repo().getRunning(PROMPT_FAMILY)).toBeNull();
    expect(after).toHaveLength(AFTER_DOCUMENTS);
    for (const result of after) {
      const row = await resultRow(result.documentId);
      expect({
        version: row.promptVersion,
        experimentId: row.experimentId,
        arm: row.arm,
        resolvedBy: row.resolvedBy,
      }).toEqual({
        version: TREATMENT,
        experimentId: null,
        arm: null,
        resolvedBy: 'alias',
      });
    }
  });

  it('keeps the audit trail in order: create, start, complete, promote, alias move', async () => {
    // Act
    const history = (await cliJson(['experiments', 'history', EXPERIMENT_ID])) as Array<{
      kind: string;
      action: string;
      actor: string;
      before: string | null;
      after: string;
    }>;
    const promoteRefusedAgain = await cli(['experiments', 'promote', EXPERIMENT_ID, ...ACTOR]);

    // Assess
    const promoteAction = history[3]?.action;
    expect(history.map((h) => `${h.kind}:${h.action}`)).toEqual([
      'experiment:create',
      'experiment:start',
      'experiment:complete',
      `experiment:${promoteAction === 'promote' ? 'promote' : 'force-promote'}`,
      'alias:move',
    ]);
    expect(history.every((h) => h.actor === 'e2e')).toBe(true);
    expect(history[4]).toMatchObject({ before: CONTROL, after: TREATMENT });
    expect(promoteRefusedAgain.code).toBe(1);
    expect(promoteRefusedAgain.stderr).toContain('status is Promoted');
  });

  it('redrives documents that failed during a model outage as new executions', async () => {
    // Prepare: every Converse call fails, so the documents end FAILED in the extraction DLQ.
    stack.bedrock.setFaults({ serverErrorRate: 1 });
    const corpus = await generateCorpus({
      outDir: join(workDir, 'outage'),
      count: 3,
      seed: 'outage',
    });
    const failed = await processFiles(
      target,
      corpus.map((c) => ({ path: c.pdfPath })),
      { timeoutMs: 60_000, keyPrefix: 'outage/' },
    );
    stack.bedrock.setFaults({});
    const ids = failed.map((r) => r.documentId).sort();

    // Act
    const listed = (await cliJson(['dlq', 'list', '--queue', 'extraction'])) as Array<{
      documentId: string;
      reason: string;
    }>;
    const redriven = (await cliJson([
      'dlq',
      'redrive',
      '--queue',
      'extraction',
      '--wait',
      '--rate',
      '50',
    ])) as Array<{
      documentId: string;
      outcome: string;
      executionArn: string;
      status: string;
    }>;
    const after = (await cliJson(['dlq', 'list'])) as unknown[];

    // Assess
    expect(failed.map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(listed.map((e) => e.documentId).sort()).toEqual(ids);
    expect(listed.every((e) => e.reason === 'MODEL_UNAVAILABLE')).toBe(true);
    expect(redriven.map((r) => r.documentId).sort()).toEqual(ids);
    for (const r of redriven) {
      expect(r).toMatchObject({ outcome: 'redriven', status: 'SUCCEEDED' });
      expect(r.executionArn.endsWith(`:${r.documentId}-r1`)).toBe(true);
      expect((await resultRow(r.documentId)).status).toBe('SUCCEEDED');
    }
    expect(after).toEqual([]);
  });
});
