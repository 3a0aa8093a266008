/**
 * DLQ listing use case: peeks at the messages of the ingest or extraction
 * dead-letter queue, or the aggregator failure queue, and describes each by
 * ids, reason codes and error names only (never object keys or content),
 * leaving them in the queue.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { ExtractionDlqMessageSchema } from '#contracts/extraction-dlq-message.ts';
import { parseMessage } from '#contracts/ingest-message.ts';
import { parseAggregatorFailure } from './aggregator-failure-record.ts';
import type { ServiceContext } from './context.ts';
import { NotFoundError } from './service-error.ts';

export const DLQ_NAMES = ['extraction', 'ingest', 'aggregator'] as const;
export type DlqName = (typeof DLQ_NAMES)[number];

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
  if (queue === 'aggregator') {
    // A batch of log events, not one document: the condition and the error type say why.
    const record = parseAggregatorFailure(body);
    if (!record) return { ...base, documentId: null, reason: null, error: 'UNREADABLE_MESSAGE' };
    return {
      ...base,
      documentId: null,
      reason: record.requestContext.condition ?? 'AGGREGATOR_FAILED',
      error: record.responsePayload?.errorType ?? null,
    };
  }
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
    const ids = parsed.uploads.map((upload) => upload.documentId);
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

export const queueUrl = (ctx: ServiceContext, queue: DlqName): string => {
  if (queue === 'extraction') return ctx.queues.extractionDlq;
  if (queue === 'ingest') return ctx.queues.ingestDlq;
  if (!ctx.queues.aggregatorFailures) {
    throw new NotFoundError(
      'NO_AGGREGATOR_QUEUE',
      'this stack has no aggregator failure queue: locally the aggregator runs in process, and a batch it fails on is reported on the npm start terminal',
      'queue',
    );
  }
  return ctx.queues.aggregatorFailures;
};

export const receive = async (
  ctx: ServiceContext,
  url: string,
  max: number,
  visibilitySeconds: number,
) => {
  const response = await ctx.clients.sqs.send(
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
export const release = async (
  ctx: ServiceContext,
  url: string,
  messages: readonly Message[],
): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    if (chunk.length === 0) continue;
    await ctx.clients.sqs.send(
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
export const listDlq = async (
  ctx: ServiceContext,
  queue: DlqName,
  max: number,
): Promise<DlqEntry[]> => {
  const url = queueUrl(ctx, queue);
  const seen = new Map<string, Message>();
  while (seen.size < max) {
    const batch = await receive(ctx, url, max - seen.size, 30);
    const fresh = batch.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId ?? '', message);
  }
  const messages = [...seen.values()];
  await release(ctx, url, messages);
  return messages.map((m) => describeMessage(queue, m));
};
