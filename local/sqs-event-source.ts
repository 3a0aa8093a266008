/**
 * SQS -> Lambda event source mapping for in-process handlers: long-polls a
 * queue, hands batches to the handler in the Lambda SQS event shape, deletes
 * what succeeded and leaves failures to the queue's visibility timeout and
 * redrive policy, as the Lambda poller does.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  Context,
  SQSEvent,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';
import * as z from 'zod';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
/** SQS returns at most 10 messages per ReceiveMessage and deletes at most 10 per batch. */
const SQS_MAX_BATCH = 10;

/**
 * An SQS-triggered Lambda handler. It normally resolves to an
 * `SQSBatchResponse` or nothing; the result is parsed, not trusted, so any
 * handler type (including `SQSHandler` from aws-lambda) fits.
 */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** Name in the Lambda context (and its log group name); default `local-function`. */
  readonly functionName?: string;
  /** Messages per invocation (1-10000); default 10. */
  readonly batchSize?: number;
  /** Keep gathering up to `batchSize` for this long after the first message; default 0. */
  readonly maximumBatchingWindowMs?: number;
  /** Long-poll wait per ReceiveMessage (0-20 s); default 1. */
  readonly waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for received messages. */
  readonly visibilityTimeoutSeconds?: number;
  /** Honour `batchItemFailures` in the handler's response; default true. */
  readonly reportBatchItemFailures?: boolean;
  /** Function timeout: a slower invocation fails its whole batch; default 30 s. */
  readonly timeoutSeconds?: number;
  /** Receives poll, handler and delete errors (names only reach the default sink). */
  readonly onError?: (error: unknown) => void;
  /**
   * Batches handled at once, each by its own poller: the mapping's maximum
   * concurrency (AWS allows 2-1000; Lambda starts five pollers without one); default 1.
   */
  readonly maximumConcurrency?: number;
}

export interface SqsEventSource {
  /** Stops polling, waits for the batch in flight, then resolves. */
  stop(): Promise<void>;
  /** Resolves after a full poll that started after this call found the queue empty. */
  idle(): Promise<void>;
}

/** How an invocation ended, deciding which messages are deleted. */
export type BatchOutcome =
  | { readonly kind: 'success'; readonly failedIds: readonly string[] }
  | { readonly kind: 'failure'; readonly reason: 'HANDLER_ERROR' | 'TIMEOUT' | 'INVALID_RESPONSE' };

const batchResponseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) }).loose()),
});

/**
 * Interprets a handler's result the way Lambda does with
 * `ReportBatchItemFailures`: nothing or an empty list means all succeeded; an
 * unparsable response, an empty or null `itemIdentifier`, or an id not in the
 * batch fails the whole batch.
 */
export const interpretBatchResponse = (
  response: unknown,
  batchIds: readonly string[],
  reportBatchItemFailures: boolean,
): BatchOutcome => {
  if (!reportBatchItemFailures || response === undefined || response === null) {
    return { kind: 'success', failedIds: [] };
  }
  const parsed = batchResponseSchema.safeParse(response);
  if (!parsed.success) return { kind: 'failure', reason: 'INVALID_RESPONSE' };
  const known = new Set(batchIds);
  const failedIds = parsed.data.batchItemFailures.map((f) => f.itemIdentifier);
  if (failedIds.some((id) => !known.has(id)))
    return { kind: 'failure', reason: 'INVALID_RESPONSE' };
  return { kind: 'success', failedIds: [...new Set(failedIds)] };
};

const toLambdaAttribute = (value: MessageAttributeValue) => ({
  ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
  ...(value.BinaryValue !== undefined
    ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
    : {}),
  stringListValues: value.StringListValues ?? [],
  binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
  dataType: value.DataType ?? 'String',
});

const OPTIONAL_ATTRIBUTES = [
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
] as const;

/** Maps one received message to a record of the Lambda SQS event. */
export const toSqsRecord = (message: Message, queueArn: string): SQSRecord => {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? String(Date.now()),
    SenderId: system.SenderId ?? ACCOUNT,
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaAttribute(value);
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
};

/** A Lambda-like context for one invocation. */
export const createLambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

class InvocationTimeout extends Error {
  override readonly name = 'InvocationTimeout';
}

const defaultOnError = (error: unknown) => {
  process.stderr.write(`sqs-event-source: ${error instanceof Error ? error.name : 'Error'}\n`);
};

/** Sleeps, waking early when `signal` aborts (so stop() is not held up by a back-off). */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * Starts polling `queueUrl` and invoking `handler`, one batch per poller
 * at a time (`maximumConcurrency` pollers).
 * Deletes the messages of a successful batch except those named in
 * `batchItemFailures`; a thrown error, a timeout or an invalid response
 * deletes nothing, so the queue's maxReceiveCount moves repeat failures to
 * the dead-letter queue.
 */
export const startSqsEventSource = (options: SqsEventSourceOptions): SqsEventSource => {
  const batchSize = options.batchSize ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const windowMs = options.maximumBatchingWindowMs ?? 0;
  const report = options.reportBatchItemFailures ?? true;
  const timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
  const functionName = options.functionName ?? 'local-function';
  const onError = options.onError ?? defaultOnError;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new RangeError('batchSize must be an integer from 1 to 10000');
  }
  if (waitTimeSeconds < 0 || waitTimeSeconds > 20) {
    throw new RangeError('waitTimeSeconds must be from 0 to 20');
  }
  const pollers = options.maximumConcurrency ?? 1;
  if (!Number.isInteger(pollers) || pollers < 1 || pollers > 1000) {
    throw new RangeError('maximumConcurrency must be an integer from 1 to 1000');
  }

  const abort = new AbortController();
  let stopped = false;
  /** Waiters for idle(), each with the poll counter at the time it was registered. */
  const idleWaiters: { readonly afterPoll: number; readonly resolve: () => void }[] = [];
  let pollsStarted = 0;
  /** Pollers holding received messages (invoking or deleting): the queue is not idle while any does. */
  let handling = 0;

  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, max),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(options.visibilityTimeoutSeconds !== undefined
          ? { VisibilityTimeout: options.visibilityTimeoutSeconds }
          : {}),
      }),
      { abortSignal: abort.signal },
    );
    return out.Messages ?? [];
  };

  /** One batch: a long poll, then (with a batching window) short polls until full or due. */
  const gather = async (): Promise<Message[]> => {
    const batch = await receive(batchSize, waitTimeSeconds);
    if (batch.length === 0 || windowMs <= 0) return batch;
    const due = Date.now() + windowMs;
    while (batch.length < batchSize && Date.now() < due && !stopped) {
      const remainingS = Math.floor((due - Date.now()) / 1000);
      const more = await receive(batchSize - batch.length, Math.min(remainingS, 20));
      if (more.length === 0 && remainingS === 0) break;
      batch.push(...more);
    }
    return batch;
  };

  const invoke = async (messages: Message[]): Promise<BatchOutcome> => {
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, options.queueArn)) };
    const context = createLambdaContext(functionName, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvocationTimeout()), timeoutMs);
    });
    try {
      const response = await Promise.race([options.handler(event, context), timeout]);
      return interpretBatchResponse(
        response,
        event.Records.map((r) => r.messageId),
        report,
      );
    } catch (error) {
      onError(error);
      return {
        kind: 'failure',
        reason: error instanceof InvocationTimeout ? 'TIMEOUT' : 'HANDLER_ERROR',
      };
    } finally {
      clearTimeout(timer);
    }
  };

  const deleteSucceeded = async (messages: Message[], failedIds: readonly string[]) => {
    const failed = new Set(failedIds);
    const done = messages.filter((m) => m.MessageId && m.ReceiptHandle && !failed.has(m.MessageId));
    for (let i = 0; i < done.length; i += SQS_MAX_BATCH) {
      const chunk = done.slice(i, i + SQS_MAX_BATCH);
      const out = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      for (const failure of out.Failed ?? []) {
        onError(new Error(`DELETE_FAILED: ${failure.Code ?? 'unknown'}`));
      }
    }
  };

  const settleIdleWaiters = (pollNumber: number) => {
    for (let i = idleWaiters.length - 1; i >= 0; i -= 1) {
      const waiter = idleWaiters[i];
      if (waiter && waiter.afterPoll < pollNumber) {
        idleWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const loop = async () => {
    while (!stopped) {
      pollsStarted += 1;
      const pollNumber = pollsStarted;
      let messages: Message[];
      try {
        messages = await gather();
      } catch (error) {
        if (stopped && isAbort(error)) break;
        onError(error);
        await pause(1_000, abort.signal);
        continue;
      }
      if (messages.length === 0) {
        if (handling === 0) settleIdleWaiters(pollNumber);
        continue;
      }
      handling += 1;
      try {
        const outcome = await invoke(messages);
        if (outcome.kind === 'failure') {
          if (outcome.reason === 'INVALID_RESPONSE') onError(new Error('INVALID_BATCH_RESPONSE'));
          continue;
        }
        try {
          await deleteSucceeded(messages, outcome.failedIds);
        } catch (error) {
          onError(error);
        }
      } finally {
        handling -= 1;
      }
    }
  };

  const running = Promise.all(Array.from({ length: pollers }, () => loop())).then(() => {
    for (const waiter of idleWaiters.splice(0)) waiter.resolve();
  });

  return {
    stop: async () => {
      stopped = true;
      abort.abort();
      await running;
    },
    idle: () =>
      stopped
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push({ afterPoll: pollsStarted, resolve })),
  };
};
