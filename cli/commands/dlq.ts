/**
 * `medextract dlq list|redrive`: inspect and redrive the two dead-letter queues.
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
 * Listing shows ids, reason codes and error names only, never object keys.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { z } from 'zod';
import { type ExecutionInput, ExecutionInputSchema } from '#contracts/task-schemas.ts';
import { parseMessage } from '#functions/starter/starter.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import type { Target } from '../target.ts';
import { withTarget } from '../target.ts';

export const DLQ_NAMES = ['extraction', 'ingest'] as const;
export type DlqName = (typeof DLQ_NAMES)[number];

/** The extraction DLQ message the state machine's SendToDLQ state writes. */
export const ExtractionDlqMessageSchema = z.object({
  documentId: z.string().regex(/^[0-9a-f]{64}$/),
  bucket: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().nullable(),
  etag: z.string().nullable(),
  reason: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  executionId: z.string().min(1),
});
export type ExtractionDlqMessage = z.infer<typeof ExtractionDlqMessageSchema>;

/** One DLQ message as listed: ids and codes only. */
export interface DlqEntry {
  readonly queue: DlqName;
  readonly messageId: string;
  readonly documentId: string | null;
  readonly reason: string | null;
  readonly error: string | null;
  readonly sentAt: string | null;
  readonly receiveCount: number | null;
}

/** Reads a DLQ message as a listing entry (pure). */
export const describeMessage = (queue: DlqName, message: Message): DlqEntry => {
  const attributes = message.Attributes ?? {};
  const sent = Number(attributes.SentTimestamp);
  const receives = Number(attributes.ApproximateReceiveCount);
  const base = {
    queue,
    messageId: message.MessageId ?? '',
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
    receiveCount: Number.isFinite(receives) && receives > 0 ? receives : null,
  };
  const body = message.Body ?? '';
  if (queue === 'extraction') {
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      // Reported below as unreadable.
    }
    const parsed = ExtractionDlqMessageSchema.safeParse(json);
    if (!parsed.success)
      return { ...base, documentId: null, reason: null, error: 'UNREADABLE_MESSAGE' };
    return {
      ...base,
      documentId: parsed.data.documentId,
      reason: parsed.data.reason ?? null,
      error: parsed.data.error ?? null,
    };
  }
  try {
    const parsed = parseMessage(body);
    if (parsed.kind === 'test-event')
      return { ...base, documentId: null, reason: 'S3_TEST_EVENT', error: null };
    const ids = parsed.inputs.map((i) => i.documentId);
    return {
      ...base,
      documentId:
        ids.length === 0
          ? null
          : ids.length === 1
            ? (ids[0] ?? null)
            : `${ids[0]} (+${ids.length - 1})`,
      reason: 'STARTER_FAILED',
      error: null,
    };
  } catch (error) {
    return {
      ...base,
      documentId: null,
      reason: 'STARTER_FAILED',
      error: error instanceof Error ? error.name : 'Error',
    };
  }
};

/**
 * Name of the next redrive execution of a document: `<documentId>-r<n>`,
 * one more than the redrive the failed execution itself was (pure).
 */
export const redriveExecutionName = (documentId: string, failedExecutionArn: string): string => {
  const failedName = failedExecutionArn.split(':').at(-1) ?? '';
  const previous = /-r(\d+)$/.exec(failedName);
  return `${documentId}-r${previous ? Number(previous[1]) + 1 : 1}`;
};

const queueUrl = (target: Target, queue: DlqName): string =>
  queue === 'extraction' ? target.queues.extractionDlq : target.queues.ingestDlq;

const receive = async (target: Target, url: string, max: number, visibilitySeconds: number) => {
  const response = await target.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: Math.min(10, max),
      VisibilityTimeout: visibilitySeconds,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  return response.Messages ?? [];
};

/** Puts received messages back in the queue right away. */
const release = async (
  target: Target,
  url: string,
  messages: readonly Message[],
): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    if (chunk.length === 0) continue;
    await target.clients.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((m, j) => ({
          Id: String(j),
          ReceiptHandle: m.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
};

/** Peeks at up to `max` messages and makes them visible again right away. */
export const listDlq = async (target: Target, queue: DlqName, max: number): Promise<DlqEntry[]> => {
  const url = queueUrl(target, queue);
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const batch = await receive(target, url, max - seen.size, 30);
    const fresh = batch.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId ?? '', message);
  }
  const messages = [...seen.values()];
  await release(target, url, messages);
  return messages.map((m) => describeMessage(queue, m));
};

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

const executionArnFor = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** The failed execution's input; rebuilt from the message and the object when history is gone. */
const originalInput = async (
  target: Target,
  message: ExtractionDlqMessage,
): Promise<ExecutionInput | null> => {
  try {
    const execution = await target.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: message.executionId }),
    );
    const parsed = ExecutionInputSchema.safeParse(JSON.parse(execution.input ?? 'null'));
    if (parsed.success && parsed.data.documentId === message.documentId) return parsed.data;
  } catch {
    // History expired or unreadable: rebuild below.
  }
  try {
    const head = await target.clients.s3.send(
      new HeadObjectCommand({
        Bucket: message.bucket,
        Key: message.key,
        ...(message.versionId ? { VersionId: message.versionId } : {}),
      }),
    );
    return {
      documentId: message.documentId,
      bucket: message.bucket,
      key: message.key,
      versionId: message.versionId,
      etag: message.etag,
      size: head.ContentLength ?? 0,
      receivedAt: new Date().toISOString(),
    };
  } catch {
    return null;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RedriveOptions {
  readonly max: number;
  /** Messages per second, at most. */
  readonly rate: number;
}

const sentAt = (message: Message): number => Number(message.Attributes?.SentTimestamp ?? 0);

/**
 * Handles DLQ messages one by one at the capped rate. Only messages already
 * in the queue when the redrive began are taken: a redriven document that
 * fails again sends a new message, which waits for the next redrive instead
 * of looping within this one.
 */
const drain = async (
  target: Target,
  url: string,
  options: RedriveOptions,
  handle: (message: Message) => Promise<RedriveResult>,
): Promise<RedriveResult[]> => {
  const began = Date.now();
  const results: RedriveResult[] = [];
  const seen = new Set<string>();
  while (results.length < options.max) {
    const batch = await receive(target, url, options.max - results.length, 120);
    const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ''));
    for (const message of fresh) seen.add(message.MessageId ?? '');
    const older = fresh.filter((m) => sentAt(m) < began);
    await release(
      target,
      url,
      fresh.filter((m) => sentAt(m) >= began),
    );
    if (older.length === 0) break;
    for (const message of older) {
      results.push(await handle(message));
      await sleep(1000 / options.rate);
    }
  }
  return results;
};

/** Redrives the extraction DLQ: a new execution per failed document (see the file header). */
export const redriveExtraction = (
  target: Target,
  options: RedriveOptions,
): Promise<RedriveResult[]> => {
  const url = target.queues.extractionDlq;
  return drain(target, url, options, async (message) => {
    const base = { messageId: message.MessageId ?? '' };
    let json: unknown = null;
    try {
      json = JSON.parse(message.Body ?? '');
    } catch {
      // Left in the queue as unreadable.
    }
    const parsed = ExtractionDlqMessageSchema.safeParse(json);
    if (!parsed.success) {
      await release(target, url, [message]);
      return {
        ...base,
        documentId: null,
        outcome: 'skipped',
        executionArn: null,
        detail: 'unreadable message',
      };
    }
    const body = parsed.data;
    const input = await originalInput(target, body);
    if (!input) {
      await release(target, url, [message]);
      return {
        ...base,
        documentId: body.documentId,
        outcome: 'skipped',
        executionArn: null,
        detail: 'original input and object both unavailable',
      };
    }
    const name = redriveExecutionName(body.documentId, body.executionId);
    let outcome: RedriveOutcome = 'redriven';
    try {
      await target.clients.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: target.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      outcome = 'already-redriven';
    }
    await target.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle ?? '' }),
    );
    return {
      ...base,
      documentId: body.documentId,
      outcome,
      executionArn: executionArnFor(target.stateMachineArn, name),
      detail: null,
    };
  });
};

/** Redrives the ingest DLQ: each notification back onto the ingest queue. */
export const redriveIngest = (
  target: Target,
  options: RedriveOptions,
): Promise<RedriveResult[]> => {
  const url = target.queues.ingestDlq;
  return drain(target, url, options, async (message) => {
    await target.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: target.queues.ingest, MessageBody: message.Body ?? '' }),
    );
    await target.clients.sqs.send(
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
const waitForExecutions = async (
  target: Target,
  results: RedriveResult[],
  timeoutMs: number,
): Promise<RedriveResult[]> => {
  const deadline = Date.now() + timeoutMs;
  const out = [...results];
  const pending = new Set(out.flatMap((r, i) => (r.executionArn ? [i] : [])));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const i of [...pending]) {
      const result = out[i];
      if (!result?.executionArn) continue;
      const execution = await target.clients.sfn
        .send(new DescribeExecutionCommand({ executionArn: result.executionArn }))
        .catch(() => null);
      if (execution?.status && execution.status !== 'RUNNING') {
        out[i] = { ...result, status: execution.status };
        pending.delete(i);
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

const queueFlag = (text: string): DlqName => {
  const queue = DLQ_NAMES.find((q) => q === text);
  if (!queue) throw new UsageError(`--queue must be one of ${DLQ_NAMES.join(', ')}`);
  return queue;
};

const positive = (flag: string, text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got '${text}'`);
  return value;
};

interface ListFlags extends TargetFlags {
  readonly queue: string;
  readonly max: string;
}

interface RedriveFlags extends ListFlags {
  readonly rate: string;
  readonly wait?: boolean;
  readonly timeout: string;
}

export const registerDlq = (program: Command): void => {
  const dlq = program.command('dlq').description('dead-letter queues: list and redrive');

  withTargetOptions(
    dlq
      .command('list')
      .description('messages in a DLQ: ids, reason codes, errors (never document content)')
      .option('--queue <queue>', `${DLQ_NAMES.join(' or ')}`, 'extraction')
      .option('--max <n>', 'at most this many messages', '10'),
  ).action(async (flags: ListFlags) => {
    const queue = queueFlag(flags.queue);
    const max = Math.floor(positive('--max', flags.max));
    await withTarget(flags, async (target) => {
      const entries = await listDlq(target, queue, max);
      if (flags.json) printJson(entries);
      else if (entries.length === 0) process.stdout.write(`The ${queue} DLQ is empty.\n`);
      else
        printTable(
          ['message id', 'document id', 'reason', 'error', 'sent at', 'receives'],
          entries.map((e) => [
            e.messageId,
            e.documentId,
            e.reason,
            e.error,
            e.sentAt,
            e.receiveCount,
          ]),
        );
    });
  });

  withTargetOptions(
    dlq
      .command('redrive')
      .description(
        'extraction: a new execution per failed document; ingest: back onto the ingest queue',
      )
      .option('--queue <queue>', `${DLQ_NAMES.join(' or ')}`, 'extraction')
      .option('--max <n>', 'at most this many messages', '100')
      .option('--rate <n>', 'at most this many messages per second', '5')
      .option('--wait', 'extraction: wait for the new executions and report how they ended')
      .option('--timeout <seconds>', 'with --wait: give up waiting after this long', '300'),
  ).action(async (flags: RedriveFlags) => {
    const queue = queueFlag(flags.queue);
    const options = {
      max: Math.floor(positive('--max', flags.max)),
      rate: positive('--rate', flags.rate),
    };
    const timeoutMs = positive('--timeout', flags.timeout) * 1000;
    await withTarget(flags, async (target) => {
      let results =
        queue === 'extraction'
          ? await redriveExtraction(target, options)
          : await redriveIngest(target, options);
      if (flags.wait && queue === 'extraction')
        results = await waitForExecutions(target, results, timeoutMs);
      if (flags.json) printJson(results);
      else if (results.length === 0)
        process.stdout.write(`The ${queue} DLQ is empty; nothing to redrive.\n`);
      else {
        printTable(
          ['message id', 'document id', 'outcome', 'new execution', 'status', 'detail'],
          results.map((r) => [
            r.messageId,
            r.documentId,
            r.outcome,
            r.executionArn?.split(':').at(-1),
            r.status,
            r.detail,
          ]),
        );
      }
      const skipped = results.filter((r) => r.outcome === 'skipped').length;
      const failedAgain = results.filter(
        (r) => r.status !== undefined && r.status !== 'SUCCEEDED',
      ).length;
      process.exitCode = skipped > 0 || failedAgain > 0 ? 1 : 0;
    });
  });
};
