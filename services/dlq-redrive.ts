/**
 * DLQ redrive use case: takes the messages of a dead-letter queue back into
 * the pipeline.
 *
 * Redrive semantics (the same on AWS and locally):
 * - ingest DLQ (S3 notifications the starter could not handle): each message
 *   is sent back to the ingest queue unchanged, at a capped rate, and deleted
 *   from the DLQ only after the send succeeded. The starter names executions
 *   by document id, so a notification that did start an execution meets
 *   `ExecutionAlreadyExists` and is not processed twice.
 * - extraction DLQ (one message per FAILED execution): a NEW execution with
 *   the original execution's input, named `<documentId>-r<n>` (n = 1 for the
 *   first redrive of a document, +1 for each later one). `RedriveExecution`
 *   is not used: it resumes at the step that failed, and in the extract
 *   machine every error is caught and the execution ends in its `Failed`
 *   state, so a redrive would resume there instead of re-running the
 *   extraction (the local Step Functions endpoint does not offer it either).
 *   The same document id keeps the same experiment arm; a success overwrites
 *   the FAILED result row. The message is deleted once the execution started
 *   (or had already been started by an earlier redrive); if it fails again it
 *   sends a new message itself, so nothing is lost.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, type Message, SendMessageCommand } from '@aws-sdk/client-sqs';
import { executionArnFor, redriveExecutionName } from '#contracts/executions.ts';
import {
  type ExtractionDlqMessage,
  ExtractionDlqMessageSchema,
} from '#contracts/extraction-dlq-message.ts';
import { type ExecutionInput, ExecutionInputSchema } from '#contracts/task-schemas.ts';
import type { ServiceContext } from './context.ts';
import { describeMessage, receive, release } from './dlq.ts';

export type RedriveOutcome = 'redriven' | 'already-redriven' | 'skipped';

/** What happened to one DLQ message. */
export interface RedriveResult {
  readonly messageId: string;
  readonly documentId: string | null;
  readonly outcome: RedriveOutcome;
  /** The new execution (extraction DLQ), else null. */
  readonly executionArn: string | null;
  /** Why a message was left in the queue. */
  readonly detail: string | null;
  /** Final status when waited for. */
  readonly status?: string;
}

/**
 * The failed execution's input, rebuilt from the message when its history is
 * gone: the input is only the document id and times (the key is in the ledger).
 */
const originalInput = async (
  ctx: ServiceContext,
  message: ExtractionDlqMessage,
): Promise<ExecutionInput> => {
  try {
    const execution = await ctx.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: message.executionId }),
    );
    const parsed = ExecutionInputSchema.safeParse(JSON.parse(execution.input ?? 'null'));
    if (parsed.success && parsed.data.documentId === message.documentId) {
      // An operator's redrive starts a new count of interruptions in a row.
      const { interruptedAttempts: _counted, ...input } = parsed.data;
      return input;
    }
  } catch {
    // History expired or unreadable: rebuild below.
  }
  return { documentId: message.documentId, receivedAt: new Date().toISOString(), attempt: 0 };
};

/** The attempt number a redrive execution named `<documentId>-r<n>` is: n. */
const attemptOf = (executionName: string): number => {
  const match = /-r(\d+)$/.exec(executionName);
  return match ? Number(match[1]) : 0;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RedriveOptions {
  readonly max: number;
  /** Messages per second, at most. */
  readonly rate: number;
  /** Only these messages (by SQS message id; `max` is then their count); the others stay in the queue. */
  readonly messageIds?: readonly string[];
}

const sentAt = (message: Message): number => Number(message.Attributes?.SentTimestamp ?? 0);

/**
 * Handles DLQ messages one by one at the capped rate. Only messages already
 * in the queue when the redrive began are taken: a redriven document that
 * fails again sends a new message, which waits for the next redrive instead
 * of looping within this one. With `messageIds`, only those are taken; the
 * others are held invisible while the queue is searched (so each receive
 * reaches further) and put back at the end, and a selected id that was not
 * found is reported as skipped.
 */
export const drain = async (
  ctx: ServiceContext,
  url: string,
  options: RedriveOptions,
  handle: (message: Message) => Promise<RedriveResult>,
): Promise<RedriveResult[]> => {
  const began = Date.now();
  const results: RedriveResult[] = [];
  const seen = new Set<string>();
  const wanted = options.messageIds === undefined ? undefined : new Set(options.messageIds);
  const held: Message[] = [];
  const handled = new Set<string>();
  const max = wanted === undefined ? options.max : wanted.size;
  try {
    while (results.length < max) {
      const batch = await receive(ctx, url, wanted === undefined ? max - results.length : 10, 120);
      const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ''));
      for (const message of fresh) seen.add(message.MessageId ?? '');
      const older = fresh.filter((m) => sentAt(m) < began);
      await release(
        ctx,
        url,
        fresh.filter((m) => sentAt(m) >= began),
      );
      if (older.length === 0) break;
      const taken = wanted ? older.filter((m) => wanted.has(m.MessageId ?? '')) : older;
      held.push(...older.filter((m) => !taken.includes(m)));
      for (const message of taken) {
        if (results.length >= max) {
          held.push(message);
          continue;
        }
        results.push(await handle(message));
        handled.add(message.MessageId ?? '');
        await sleep(1000 / options.rate);
      }
    }
  } finally {
    await release(ctx, url, held);
  }
  for (const id of wanted ?? []) {
    if (handled.has(id)) continue;
    results.push({
      messageId: id,
      documentId: null,
      outcome: 'skipped',
      executionArn: null,
      detail: 'not in the queue',
    });
  }
  return results;
};

/** Redrives the extraction DLQ: a new execution per failed document (see the file header). */
export const redriveExtraction = (
  ctx: ServiceContext,
  options: RedriveOptions,
): Promise<RedriveResult[]> => {
  const url = ctx.queues.extractionDlq;
  return drain(ctx, url, options, async (message) => {
    const base = { messageId: message.MessageId ?? '' };
    let json: unknown = null;
    try {
      json = JSON.parse(message.Body ?? '');
    } catch {
      // Left in the queue as unreadable.
    }
    const parsed = ExtractionDlqMessageSchema.safeParse(json);
    if (!parsed.success) {
      await release(ctx, url, [message]);
      return {
        ...base,
        documentId: null,
        outcome: 'skipped',
        executionArn: null,
        detail: 'unreadable message',
      };
    }
    const body = parsed.data;
    const name = redriveExecutionName(body.documentId, body.executionId);
    // A later attempt is what lets the ledger reopen the FAILED outcome.
    const input = { ...(await originalInput(ctx, body)), attempt: attemptOf(name) };
    let outcome: RedriveOutcome = 'redriven';
    try {
      await ctx.clients.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: ctx.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      outcome = 'already-redriven';
    }
    await ctx.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle ?? '' }),
    );
    return {
      ...base,
      documentId: body.documentId,
      outcome,
      executionArn: executionArnFor(ctx.stateMachineArn, name),
      detail: null,
    };
  });
};

/** Redrives the ingest DLQ: each notification back onto the ingest queue. */
export const redriveIngest = (
  ctx: ServiceContext,
  options: RedriveOptions,
): Promise<RedriveResult[]> => {
  const url = ctx.queues.ingestDlq;
  return drain(ctx, url, options, async (message) => {
    await ctx.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: ctx.queues.ingest, MessageBody: message.Body ?? '' }),
    );
    await ctx.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle ?? '' }),
    );
    return {
      messageId: message.MessageId ?? '',
      documentId: describeMessage('ingest', message).documentId,
      outcome: 'redriven',
      executionArn: null,
      detail: null,
    };
  });
};

/** Waits for redriven executions to end (bounded) and adds their final status. */
export const waitForExecutions = async (
  ctx: ServiceContext,
  results: RedriveResult[],
  timeoutMs: number,
  onProgress?: (ended: number, total: number) => void,
): Promise<RedriveResult[]> => {
  const deadline = Date.now() + timeoutMs;
  const out = [...results];
  const pending = new Set(out.flatMap((r, i) => (r.executionArn ? [i] : [])));
  const total = pending.size;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const i of [...pending]) {
      const result = out[i];
      if (!result?.executionArn) continue;
      const execution = await ctx.clients.sfn
        .send(new DescribeExecutionCommand({ executionArn: result.executionArn }))
        .catch(() => null);
      if (execution?.status && execution.status !== 'RUNNING') {
        out[i] = { ...result, status: execution.status };
        pending.delete(i);
        onProgress?.(total - pending.size, total);
      }
    }
    if (pending.size > 0) await sleep(250);
  }
  for (const i of pending) {
    const result = out[i];
    if (result) out[i] = { ...result, status: 'RUNNING' };
  }
  return out;
};
