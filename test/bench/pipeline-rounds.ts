/**
 * The bench's pipeline run: one local stack, and on it alternating rounds
 * of the bare in-process work and of `processFiles` over the same
 * documents (a middle and a large batch on each side per round), each batch
 * timed in wall and CPU time; then the warm restart on the same ports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { targetOfStack } from '#cli/target.ts';
import { aliasKey, PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { scoreDocument } from '#functions/score/score.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { freeStackPorts } from '#local/ports.ts';
import { startLocalStack } from '#local/stack.ts';
import { UNLIMITED_CAPACITY } from '#local/stack-capacity.ts';
import { processFiles } from '#services/process-documents.ts';
import { type BatchTime, type Round, roundOrder } from './alternating-rounds.ts';

/** CPU milliseconds (user + system) of a child process so far, from /proc; NaN when unknown. */
const childCpuMs = (pid: string | undefined): number => {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) / 100) * 1_000;
  } catch {
    return Number.NaN;
  }
};

/** DynamoDB Local's JVM among this process's children. */
const jvmPid = (): string | undefined => {
  const lines = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  }).trim();
  return lines
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, command]) => command === 'java')?.[0];
};

const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1_000;
};

/** Times `run`: wall, and CPU of this process (every thread) plus the given child's. */
const timed = async (run: () => Promise<void>, childPid?: string): Promise<BatchTime> => {
  const cpu0 = processCpuMs();
  const child0 = childPid ? childCpuMs(childPid) : 0;
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const child = childPid ? childCpuMs(childPid) - child0 : 0;
  return { ms, cpuMs: processCpuMs() - cpu0 + child };
};

/** Read, pdf.js, render, rule extractor, validate, score: the work with no AWS around it. */
export const bareWork = async (paths: readonly string[], promptVersion: string): Promise<void> => {
  const version = bundledPrompts().get(promptVersion);
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
};

export interface PipelineRoundsOptions {
  readonly paths: readonly string[];
  /** Small (timed once, after warm-up), middle and large batch sizes. */
  readonly batches: readonly [number, number, number];
  readonly rounds: number;
  readonly promptVersion: string;
  readonly progress: (step: string) => void;
}

export const pipelineRounds = async (options: PipelineRoundsOptions) => {
  const { paths, batches, promptVersion, progress } = options;
  const [small, middle, large] = batches;
  const dataDir = await mkdtemp(join(tmpdir(), 'medextract-bench-'));
  // The warm start reuses the cold start's ports, as `npm start` does (freeStackPorts).
  const ports = await freeStackPorts();
  // Each batch re-sends documents of earlier ones: with reuse on they would skip the model.
  // Unlimited capacity: the dev stage's Bedrock quota and admission waits would
  // measure the quota (npm run bench:load does), not the pipeline.
  const stackOptions = {
    dataDir,
    ports,
    capacity: UNLIMITED_CAPACITY,
    reuseIdenticalDocuments: false,
  };
  try {
    let stack = await startLocalStack(stackOptions);
    const coldStartSeconds = stack.startupMs / 1_000;
    progress(`cold stack start ${coldStartSeconds.toFixed(1)} s`);
    const rounds: Round[] = [];
    const batchSeconds: Record<number, number[]> = { [small]: [], [middle]: [], [large]: [] };
    try {
      const target = targetOfStack(stack);
      await stack.clients.dynamodb.send(
        new PutCommand({
          TableName: stack.tables.experiments,
          Item: {
            ...aliasKey(PROMPT_FAMILY),
            version: promptVersion,
            updatedAt: new Date().toISOString(),
          },
        }),
      );
      const jvm = jvmPid();
      let batchNumber = 0;
      const pipelineBatch = async (count: number, record = true): Promise<BatchTime> => {
        batchNumber += 1;
        const inputs = paths.slice(0, count).map((path) => ({ path }));
        let failed = 0;
        let other = 0;
        const time = await timed(async () => {
          const results = await processFiles(target, inputs, {
            keyPrefix: `bench-${batchNumber}-${count}-${Date.now()}/`,
          });
          failed = results.filter((r) => r.status !== 'SUCCEEDED').length;
          other = results.filter((r) => r.promptVersion !== promptVersion).length;
        }, jvm);
        if (failed > 0) throw new Error(`${failed} of ${count} bench documents failed`);
        if (other > 0) throw new Error(`${other} documents ran another prompt version`);
        if (record) batchSeconds[count]?.push(time.ms / 1_000);
        progress(`pipeline: ${count} documents in ${(time.ms / 1_000).toFixed(1)} s`);
        return time;
      };
      const bareBatch = async (count: number): Promise<BatchTime> => {
        const time = await timed(() => bareWork(paths.slice(0, count), promptVersion));
        progress(`bare: ${count} documents in ${(time.ms / 1_000).toFixed(1)} s`);
        return time;
      };
      // Warm-up of both sides: pdf.js and the schema compiler, the handlers' first invocations.
      await bareWork(paths.slice(0, 5), promptVersion);
      await pipelineBatch(small);
      // Then one untimed middle batch each, so the first round's middle batch is not the
      // one that still compiles: it ran 0.9 s slower than the later rounds' and made
      // the first round's ratio the lowest of every run.
      await bareWork(paths.slice(0, middle), promptVersion);
      await pipelineBatch(middle, false);
      for (let index = 0; index < options.rounds; index += 1) {
        const times: Record<string, BatchTime> = {};
        for (const { side, batch } of roundOrder(index)) {
          const count = batch === 'middle' ? middle : large;
          times[`${side}-${batch}`] =
            side === 'bare' ? await bareBatch(count) : await pipelineBatch(count);
        }
        const get = (key: string): BatchTime => {
          const time = times[key];
          if (!time) throw new Error(`round ${index + 1} has no ${key} batch`);
          return time;
        };
        rounds.push({
          bare: { middle: get('bare-middle'), large: get('bare-large') },
          pipeline: { middle: get('pipeline-middle'), large: get('pipeline-large') },
        });
      }
    } finally {
      await stack.stop();
    }
    stack = await startLocalStack(stackOptions);
    const warmStartSeconds = stack.startupMs / 1_000;
    progress(`warm stack start ${warmStartSeconds.toFixed(1)} s`);
    await stack.stop();
    return { coldStartSeconds, warmStartSeconds, rounds, batchSeconds };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};
