/**
 * Processing use case: runs files through the pipeline the way a user does
 * (upload under `incoming/`, let the S3 notification start the execution,
 * wait for it to end, then read the result JSON its output names, or the
 * document's row when it names none or the execution failed). Used by
 * `medextract process`, `medextract eval`, `npm start` and the tests.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { readJson } from '#adapters/s3-json.ts';
import { type Grounding, GroundingSchema } from '#contracts/evidence.ts';
import { executionArnFor, executionNameFor } from '#contracts/executions.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import type { ServiceContext } from './context.ts';
import { findDocument } from './documents.ts';

export interface ProcessInput {
  readonly path: string;
  /** Object key; default `incoming/<keyPrefix><file name>`. */
  readonly key?: string;
}

export type FileStatus = 'SUCCEEDED' | 'FAILED';

export interface FileResult {
  readonly file: string;
  readonly key: string;
  readonly documentId: string;
  readonly status: FileStatus;
  /**
   * The document's outcome: as `status`, except NEEDS_REVIEW for an
   * extraction that finished but was sent to review (its fields are kept).
   */
  readonly outcome: FileStatus | 'NEEDS_REVIEW';
  /** Reason code when FAILED (TIMEOUT when the execution did not end in time), else null. */
  readonly reason: string | null;
  readonly promptVersion: string | null;
  readonly completeness: number | null;
  readonly costMicroUsd: number | null;
  /** The validated extraction when SUCCEEDED, else null. */
  readonly fields: unknown;
  /** Evidence, confidence and review of the fields, when the prompt version asked for evidence. */
  readonly grounding?: Grounding | null;
  readonly executionArn: string;
}

export interface ProcessOptions {
  /** Upper bound for the whole batch; executions still running then are stopped and reported TIMEOUT. */
  readonly timeoutMs?: number;
  /** Inserted after `incoming/` in default keys. */
  readonly keyPrefix?: string;
  readonly onProgress?: (done: number, total: number, result: FileResult) => void;
  /** Poll interval while waiting for executions. */
  readonly pollMs?: number;
  /**
   * Documents in flight at once; the rest wait their turn. Scanned documents
   * are OCR-bound on the local stack, where every document shares the CPUs.
   * Each group gets its own `timeoutMs`. Default: all at once.
   */
  readonly concurrency?: number;
}

interface Uploaded {
  readonly file: string;
  readonly key: string;
  readonly documentId: string;
  readonly executionArn: string;
}

const upload = async (
  ctx: ServiceContext,
  input: ProcessInput,
  keyPrefix: string,
): Promise<Uploaded> => {
  const key = input.key ?? `${BUCKET_PREFIXES.incoming}${keyPrefix}${basename(input.path)}`;
  const body = await readFile(input.path);
  const put = await ctx.clients.s3.send(
    new PutObjectCommand({
      Bucket: ctx.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/pdf',
    }),
  );
  const documentId = documentIdFor({
    bucket: ctx.bucket,
    key,
    ...(put.VersionId ? { versionId: put.VersionId } : {}),
    ...(put.ETag ? { etag: put.ETag } : {}),
  });
  return {
    file: input.path,
    key,
    documentId,
    executionArn: executionArnFor(ctx.stateMachineArn, executionNameFor(documentId)),
  };
};

type Ended = { status: FileStatus; error?: string; cause?: string; output?: string } | null;

const describe = async (ctx: ServiceContext, executionArn: string): Promise<Ended> => {
  try {
    // A runtime in this process answers from its own records; others are asked.
    const held = ctx.executionEvents?.executionStatus;
    const execution = held
      ? held(executionArn)
      : await ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    // Not started yet: the notification or the ingest queue is still on its way.
    if (execution === undefined) return null;
    if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') return null;
    if (execution.status === 'SUCCEEDED') {
      return { status: 'SUCCEEDED', ...(execution.output ? { output: execution.output } : {}) };
    }
    return {
      status: 'FAILED',
      ...(execution.error ? { error: execution.error } : {}),
      ...(execution.cause ? { cause: execution.cause } : {}),
    };
  } catch (error) {
    // Not started yet: the notification or the ingest queue is still on its way.
    if (error instanceof ExecutionDoesNotExist) return null;
    throw error;
  }
};

/** The result JSON, read once for its fields and its grounding. */
const readResultJson = (ctx: ServiceContext, resultUri: string): Promise<unknown> =>
  readJson(ctx.clients.s3, resultUri).catch(() => null);

/** Where RecordResult put the result JSON, from the execution's output. */
const RecordedOutputSchema = z.object({ result: z.object({ resultUri: z.string() }) });

/**
 * The figures of the document's results row as RecordResult also wrote them
 * into the result JSON (its status, the selected version and Score's output).
 */
const ResultFiguresSchema = z.object({
  documentId: z.string(),
  status: z.enum(['SUCCEEDED', 'NEEDS_REVIEW']),
  promptVersion: z.string(),
  scores: z.object({ completeness: z.number(), costMicroUsd: z.number() }),
});

/** The result URI a succeeded execution's output names; null when it names none (superseded). */
const recordedResultUri = (output: string | undefined): string | null => {
  if (output === undefined) return null;
  try {
    const parsed = RecordedOutputSchema.safeParse(JSON.parse(output));
    return parsed.success ? parsed.data.result.resultUri : null;
  } catch {
    return null;
  }
};

interface Outcome {
  /** The extraction finished but was sent to review. */
  readonly needsReview: boolean;
  readonly reason: string | null;
  readonly promptVersion: string | null;
  readonly completeness: number | null;
  readonly costMicroUsd: number | null;
  /** The result JSON, or null when there is none to read. */
  readonly result: unknown;
}

/**
 * A succeeded execution's outcome from the result JSON its output names,
 * which holds the row's figures: one read instead of the row and the JSON.
 * Null when the output names none or the JSON is not this document's.
 */
const outcomeFromResult = async (
  ctx: ServiceContext,
  uploaded: Uploaded,
  ended: NonNullable<Ended>,
): Promise<Outcome | null> => {
  const resultUri = ended.status === 'SUCCEEDED' ? recordedResultUri(ended.output) : null;
  if (resultUri === null) return null;
  const result = await readResultJson(ctx, resultUri);
  const figures = ResultFiguresSchema.safeParse(result);
  if (!figures.success || figures.data.documentId !== uploaded.documentId) return null;
  return {
    needsReview: figures.data.status === 'NEEDS_REVIEW',
    reason: null,
    promptVersion: figures.data.promptVersion,
    completeness: figures.data.scores.completeness,
    costMicroUsd: figures.data.scores.costMicroUsd,
    result,
  };
};

/** The outcome from the document's results row, and its result JSON when it succeeded. */
const outcomeFromRow = async (
  ctx: ServiceContext,
  uploaded: Uploaded,
  ended: NonNullable<Ended>,
): Promise<Outcome> => {
  const row = await findDocument(ctx, uploaded.documentId);
  return {
    needsReview: row?.status === 'NEEDS_REVIEW',
    reason:
      ended.status === 'SUCCEEDED'
        ? null
        : (row?.reason ?? ended.cause ?? ended.error ?? 'UNKNOWN'),
    promptVersion: row?.promptVersion ?? null,
    completeness: row?.completeness ?? null,
    costMicroUsd: row?.costMicroUsd ?? null,
    result:
      ended.status === 'SUCCEEDED' && row?.resultUri
        ? await readResultJson(ctx, row.resultUri)
        : null,
  };
};

const readResult = async (
  ctx: ServiceContext,
  uploaded: Uploaded,
  ended: NonNullable<Ended>,
): Promise<FileResult> => {
  const outcome =
    (await outcomeFromResult(ctx, uploaded, ended)) ?? (await outcomeFromRow(ctx, uploaded, ended));
  const { result } = outcome;
  const fields = result && typeof result === 'object' && 'fields' in result ? result.fields : null;
  const parsedGrounding = result === null ? null : GroundingSchema.safeParse(result);
  const grounding = parsedGrounding?.success ? parsedGrounding.data : null;
  return {
    file: uploaded.file,
    key: uploaded.key,
    documentId: uploaded.documentId,
    status: ended.status,
    outcome: ended.status === 'SUCCEEDED' && outcome.needsReview ? 'NEEDS_REVIEW' : ended.status,
    reason: outcome.reason,
    promptVersion: outcome.promptVersion,
    completeness: outcome.completeness,
    costMicroUsd: outcome.costMicroUsd,
    fields,
    grounding,
    executionArn: uploaded.executionArn,
  };
};

/** Requests in flight at once for uploads and for reading ended executions. */
const REQUEST_CONCURRENCY = 8;
/**
 * With word of ended executions, every pending execution is still described
 * once this long has passed with no word and no sweep: a safety net for a
 * lost word, never the way results normally arrive. While words keep coming
 * the sweep waits, and after a sweep that found nothing the next one waits
 * twice as long (up to {@link MAX_SWEEP_MS}), so a busy batch does not
 * describe every pending file every few seconds (that was most of its Step
 * Functions requests). A sweep that finds an ended execution nobody told
 * about resets the wait.
 */
const SWEEP_MS = 5_000;
const MAX_SWEEP_MS = 60_000;

/** `fn` over `items` with at most `limit` calls at once; results in input order. */
const mapBounded = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      out[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

/** Uploads every file, waits for every execution (bounded), and returns one result per file, in order. */
export const processFiles = async (
  ctx: ServiceContext,
  inputs: readonly ProcessInput[],
  options: ProcessOptions = {},
): Promise<FileResult[]> => {
  const { concurrency, ...single } = options;
  if (concurrency !== undefined && concurrency < inputs.length) {
    const all: FileResult[] = [];
    for (let start = 0; start < inputs.length; start += Math.max(1, concurrency)) {
      const group = inputs.slice(start, start + Math.max(1, concurrency));
      const offset = all.length;
      all.push(
        ...(await processFiles(ctx, group, {
          ...single,
          onProgress: (done, _total, result) =>
            options.onProgress?.(offset + done, inputs.length, result),
        })),
      );
    }
    return all;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  const pollMs = options.pollMs ?? 250;
  // Subscribed before the first upload, so no end is missed; ARNs are known after upload.
  const endedArns = new Set<string>();
  let wake: (() => void) | undefined;
  let lastWord = Date.now();
  const unsubscribe = ctx.executionEvents?.onExecutionEnded((executionArn) => {
    endedArns.add(executionArn);
    lastWord = Date.now();
    wake?.();
  });
  try {
    const uploaded = await mapBounded(inputs, REQUEST_CONCURRENCY, (input) =>
      upload(ctx, input, options.keyPrefix ?? ''),
    );
    const results = new Map<number, FileResult>();
    const record = (index: number, result: FileResult) => {
      results.set(index, result);
      options.onProgress?.(results.size, uploaded.length, result);
    };
    /** Describes the executions at `indexes`; resolves with how many had ended. */
    const check = async (indexes: readonly number[]): Promise<number> => {
      let found = 0;
      await mapBounded(indexes, REQUEST_CONCURRENCY, async (index) => {
        const item = uploaded[index];
        if (!item || results.has(index)) return;
        const ended = await describe(ctx, item.executionArn);
        if (!ended) return;
        found += 1;
        record(index, await readResult(ctx, item, ended));
      });
      return found;
    };
    const pending = () => uploaded.map((_, index) => index).filter((i) => !results.has(i));
    // Once each: an execution of the same bytes may have ended before this run.
    await check(pending());
    let lastSweep = Date.now();
    let sweepMs = SWEEP_MS;
    while (results.size < uploaded.length) {
      if (Date.now() > deadline) {
        await stopPending(ctx, uploaded, pending(), record);
        break;
      }
      if (!ctx.executionEvents) {
        await sleepOrWake(pollMs, () => undefined);
        await check(pending());
        continue;
      }
      const signalled = pending().filter((i) => endedArns.has(uploaded[i]?.executionArn ?? ''));
      if (signalled.length > 0) {
        for (const i of signalled) endedArns.delete(uploaded[i]?.executionArn ?? '');
        await check(signalled);
        continue;
      }
      const untilSweep = sweepMs - (Date.now() - Math.max(lastSweep, lastWord));
      if (untilSweep <= 0) {
        lastSweep = Date.now();
        const unannounced = (await check(pending())) > 0;
        sweepMs = unannounced ? SWEEP_MS : Math.min(sweepMs * 2, MAX_SWEEP_MS);
        continue;
      }
      await sleepOrWake(Math.min(untilSweep, Math.max(0, deadline - Date.now()) + 1), (w) => {
        wake = w;
      });
      wake = undefined;
    }
    return uploaded.map((_, index) => {
      const result = results.get(index);
      if (!result) throw new Error('internal: missing result');
      return result;
    });
  } finally {
    unsubscribe?.();
  }
};

/** Waits `ms`, or less when the function handed to `register` is called. */
const sleepOrWake = (ms: number, register: (wake: () => void) => void): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    register(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Stops the executions still running at the deadline and reports them TIMEOUT. */
const stopPending = async (
  ctx: ServiceContext,
  uploaded: readonly Uploaded[],
  indexes: readonly number[],
  record: (index: number, result: FileResult) => void,
): Promise<void> => {
  for (const index of indexes) {
    const item = uploaded[index];
    if (!item) continue;
    await ctx.clients.sfn
      .send(
        new StopExecutionCommand({
          executionArn: item.executionArn,
          error: 'TIMEOUT',
          cause: 'medextract gave up waiting',
        }),
      )
      .catch(() => undefined);
    record(index, {
      file: item.file,
      key: item.key,
      documentId: item.documentId,
      status: 'FAILED',
      outcome: 'FAILED',
      reason: 'TIMEOUT',
      promptVersion: null,
      completeness: null,
      costMicroUsd: null,
      fields: null,
      executionArn: item.executionArn,
    });
  }
};
