/**
 * One burst of documents through the whole local stack against the
 * quota-true Bedrock stand-in, with admission control or with the design
 * before it (the baseline ASL), and what came out: quota use, failures for
 * capacity, lost and duplicated documents, retries per document, drain time
 * against the ideal, peak open executions, peak model-call concurrency and
 * the slots still reserved after the run. Shared by `npm run bench:load` and
 * the small-scale admission test.
 */
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { admissionKey } from '#contracts/model-admission.ts';
import { reservedAheadMs } from '#core/quota/model-slots.ts';
import {
  DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
  EXECUTION_WORK_SECONDS,
  type StageModelCapacity,
} from '#infra/model-capacity.ts';
import { type LocalStack, startLocalStack } from '#local/stack.ts';
import type { SharedDynamoDb } from '#local/stack-stage.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';

export type Design = 'admission' | 'baseline';

export interface LoadRunOptions {
  readonly design: Design;
  readonly documents: number;
  /** The model the prompt version calls and its capacity (quota, expected tokens, policy). */
  readonly modelId: string;
  readonly models: StageModelCapacity;
  /** Real ms per quota minute; every ASL wait and the execution deadline scale with it. */
  readonly minuteMs: number;
  readonly reservedConcurrency: Readonly<Record<string, number>>;
  /** Stop this many running executions this long after the burst (then reconcile them). */
  readonly abort?: { readonly executions: number; readonly afterMs: number };
  /** Give up waiting for outcomes after this long. */
  readonly timeoutMs: number;
  /** Tables on this running DynamoDB Local under their own stage instead of a JVM of the run's own. */
  readonly sharedDynamoDb?: SharedDynamoDb;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface LoadRunResult {
  readonly design: Design;
  readonly documents: number;
  readonly succeeded: number;
  readonly quotaUtilisation: number;
  readonly failedForCapacity: number;
  readonly failedOther: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly retriesPerDocument: Percentiles;
  readonly modelCalls: number;
  /** Tokens one answered call burned on average (input + output x burn-down). */
  readonly tokensPerCall: number;
  readonly bedrockThrottles: number;
  readonly lambdaThrottles: number;
  /** Throttled invocations per function (the local runtime's reserved concurrency). */
  readonly lambdaThrottlesByFunction: Readonly<Record<string, number>>;
  /** DLQ messages by `error/reason` (codes only, never document data). */
  readonly failureCauses: Readonly<Record<string, number>>;
  /** Failed executions by `state:error` of the task failure that sent them to RecordFailure. */
  readonly failedAt: Readonly<Record<string, number>>;
  /** Every failed task attempt (retried or not) by `state:error`. */
  readonly taskFailures: Readonly<Record<string, number>>;
  readonly drainSeconds: number;
  readonly idealDrainSeconds: number;
  readonly drainVsIdeal: number;
  readonly peakOpenExecutions: number;
  readonly peakModelConcurrency: number;
  readonly modelConcurrencyLimit: number;
  readonly aborted: number;
  /** Slots reserved for calls that have not started, after the run (must be 0). */
  readonly reservedSlotsAfterRun: number | null;
}

const BASELINE_ASL = new URL('./fixtures/extract-before-admission.asl.json', import.meta.url);
const CAPACITY_ERRORS = new Set([
  'ModelThrottled',
  'ModelUnavailable',
  'Lambda.TooManyRequestsException',
]);

const percentiles = (values: readonly number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const listExecutions = async (
  stack: LocalStack,
  statusFilter?: 'RUNNING',
): Promise<ExecutionListItem[]> => {
  const all: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.clients.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.stateMachineArn,
        maxResults: 1000,
        ...(statusFilter ? { statusFilter } : {}),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    all.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
};

const scanAll = async (
  stack: LocalStack,
  table: string,
): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.clients.dynamodb.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const drainDlq = async (stack: LocalStack): Promise<Array<Record<string, unknown>>> => {
  const bodies: Array<Record<string, unknown>> = [];
  for (;;) {
    const got = await stack.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.extractionDlq,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const message of messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await stack.clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: stack.queues.extractionDlq,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
  }
};

const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

/** `state:error` of each failed task attempt in a history, in order. */
const failedTasks = (events: readonly HistoryEvent[]): string[] => {
  const failures: string[] = [];
  let state = '?';
  for (const event of events) {
    if (event.type === 'TaskStateEntered') state = event.stateEnteredEventDetails?.name ?? '?';
    if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') {
      const error =
        event.taskFailedEventDetails?.error ?? event.taskTimedOutEventDetails?.error ?? '?';
      failures.push(`${state}:${error}`);
    }
  }
  return failures;
};

/** `state:error` of the task failure that sent an execution to RecordFailure, if one did. */
const failingTask = (events: readonly HistoryEvent[]): string | undefined => {
  const recording = events.findIndex(
    (e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'RecordFailure',
  );
  return recording < 0 ? undefined : failedTasks(events.slice(0, recording)).at(-1);
};

/** Runs one burst on a fresh stack and stops it. */
export const runLoad = async (options: LoadRunOptions): Promise<LoadRunResult> => {
  const scale = options.minuteMs / 60_000;
  const model = options.models[options.modelId];
  if (model === undefined) throw new Error(`no capacity configured for ${options.modelId}`);
  const stack = await startLocalStack({
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    retryIntervalScale: scale,
    // Work time plus the stage's maximum admission wait, both on the scaled clock.
    executionTimeoutSeconds:
      (EXECUTION_WORK_SECONDS + DEFAULT_MAX_ADMISSION_WAIT_MINUTES * 60) * scale,
    // Lambda throttling is about invocation time, which is not scaled.
    realTimeRetryErrors: LAMBDA_SERVICE_ERRORS,
    promptCacheTtlSeconds: 60,
    capacity: {
      models: options.models,
      minuteMs: options.minuteMs,
      reservedConcurrency: options.reservedConcurrency,
      admission: options.design === 'admission',
    },
    ...(options.design === 'baseline'
      ? { definitionText: readFileSync(BASELINE_ASL, 'utf-8') }
      : {}),
    // Every upload is the same PDF: each must call the model to load admission (ADR 40).
    reuseIdenticalDocuments: false,
    // Passes only when the run asks for one (after aborts); grace 0 so aborted entries qualify.
    reconcile: { intervalMs: 24 * 3_600_000, graceSeconds: 0 },
    ...(options.sharedDynamoDb ? { sharedDynamoDb: options.sharedDynamoDb } : {}),
  });
  try {
    const pdf = await recordPdf();
    stack.bedrock.resetStats();
    const started = Date.now();
    const keys = Array.from({ length: options.documents }, (_, i) => `incoming/load/doc-${i}.pdf`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) =>
          stack.clients.s3.send(
            new PutObjectCommand({
              Bucket: stack.bucket,
              Key,
              Body: pdf,
              ContentType: 'application/pdf',
            }),
          ),
        ),
      );
    }

    let peakOpen = 0;
    let aborted = 0;
    let abortDone = options.abort === undefined;
    let lastOutcomeAt = started;
    const deadline = started + options.timeoutMs;
    for (;;) {
      const running = await listExecutions(stack, 'RUNNING');
      peakOpen = Math.max(peakOpen, running.length);
      if (
        !abortDone &&
        options.abort &&
        Date.now() - started >= options.abort.afterMs &&
        running.length >= options.abort.executions
      ) {
        for (const execution of running.slice(0, options.abort.executions)) {
          await stack.clients.sfn.send(
            new StopExecutionCommand({
              executionArn: execution.executionArn,
              cause: 'load test abort',
            }),
          );
          aborted += 1;
        }
        abortDone = true;
      }
      const ledger = await scanAll(stack, stack.tables.ledger);
      const done = ledger.filter((item) => TERMINAL.has(String(item.status))).length;
      if (done > 0) lastOutcomeAt = Date.now();
      if (done >= options.documents && running.length === 0) break;
      if (running.length === 0 && abortDone && aborted > 0) {
        // Aborted executions come back through the reconciler, as on AWS.
        await stack.reconcile();
      }
      if (Date.now() > deadline) break;
      await sleep(500);
    }
    await stack.settle();
    const ledger = await scanAll(stack, stack.tables.ledger);
    const lastAt = Math.max(
      ...ledger.map((item) => Date.parse(String(item.statusAt ?? ''))).filter(Number.isFinite),
      lastOutcomeAt,
    );
    const byStatus = (status: string) => ledger.filter((item) => item.status === status).length;
    const succeeded = byStatus('SUCCEEDED');
    const lost =
      options.documents - ledger.filter((item) => TERMINAL.has(String(item.status))).length;

    const executions = await listExecutions(stack);
    const dlq = await drainDlq(stack);
    const capacityFailures =
      dlq.filter((m) => CAPACITY_ERRORS.has(String(m.error)) || m.reason === 'MODEL_THROTTLED')
        .length + executions.filter((e) => e.status === 'TIMED_OUT').length;
    const failed = byStatus('FAILED');
    const failureCauses: Record<string, number> = {};
    for (const message of dlq) {
      const cause = `${String(message.error ?? '-')}/${String(message.reason ?? '-')}`;
      failureCauses[cause] = (failureCauses[cause] ?? 0) + 1;
    }

    const failedAt: Record<string, number> = {};
    const taskFailures: Record<string, number> = {};
    const succeededPerDocument = new Map<string, number>();
    const retries = new Map<string, number>();
    for (const execution of executions) {
      const documentId = (execution.name ?? '').replace(/-r\d+$/, '');
      if (execution.status === 'SUCCEEDED') {
        succeededPerDocument.set(documentId, (succeededPerDocument.get(documentId) ?? 0) + 1);
      }
      const history = await stack.clients.sfn.send(
        new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }),
      );
      const events = history.events ?? [];
      const failedAttempts = events.filter((e) => e.type === 'TaskFailed').length;
      retries.set(documentId, (retries.get(documentId) ?? 0) + failedAttempts);
      for (const failed of failedTasks(events)) {
        taskFailures[failed] = (taskFailures[failed] ?? 0) + 1;
      }
      const failure = failingTask(events);
      if (failure !== undefined) failedAt[failure] = (failedAt[failure] ?? 0) + 1;
    }
    const duplicates = [...succeededPerDocument.values()].filter((n) => n > 1).length;
    // Documents without an execution count as zero retries.
    const retryCounts = [...retries.values()];

    const usage = stack.bedrock.quotaUsage()[options.modelId];
    const quota = model.quota;
    const calls = usage?.admitted ?? 0;
    const windowMs = Math.max(
      1,
      (usage?.lastAdmittedAt ?? started) -
        (usage?.firstAdmittedAt ?? started) +
        options.minuteMs / quota.requestsPerMinute,
    );
    const minutes = windowMs / options.minuteMs;
    const quotaUtilisation = Math.max(
      calls / (quota.requestsPerMinute * minutes),
      (usage?.tokensBurned ?? 0) / (quota.tokensPerMinute * minutes),
    );
    const tokensPerCall = calls > 0 ? (usage?.tokensBurned ?? 0) / calls : 1;
    const callsPerQuotaMinute = Math.min(
      quota.requestsPerMinute,
      quota.tokensPerMinute / tokensPerCall,
    );
    const idealDrainMs = (options.documents / callsPerQuotaMinute) * options.minuteMs;

    let reservedSlotsAfterRun: number | null = null;
    if (options.design === 'admission') {
      const slot = await stack.clients.dynamodb.send(
        new GetCommand({ TableName: stack.tables.metrics, Key: admissionKey(options.modelId) }),
      );
      const tat = Number(slot.Item?.tat ?? 0);
      const slotMs = options.minuteMs / callsPerQuotaMinute;
      reservedSlotsAfterRun = Math.ceil(
        reservedAheadMs(
          { tat, openUntil: 0, pressure: 0, pressureSince: 0, opened: 0 },
          Date.now(),
        ) / slotMs,
      );
    }
    const concurrency = stack.concurrency()['invoke-model'];
    const drainMs = lastAt - started;
    return {
      design: options.design,
      documents: options.documents,
      succeeded,
      quotaUtilisation: Number(quotaUtilisation.toFixed(3)),
      failedForCapacity: capacityFailures,
      failedOther: failed - Math.min(failed, capacityFailures),
      lost,
      duplicates,
      retriesPerDocument: percentiles(keys.map((_, i) => retryCounts[i] ?? 0)),
      modelCalls: stack.bedrock.stats().calls,
      tokensPerCall: Math.round(tokensPerCall),
      bedrockThrottles: stack.bedrock.stats().byOutcome.throttled,
      lambdaThrottles: Object.values(stack.concurrency()).reduce((sum, c) => sum + c.throttled, 0),
      lambdaThrottlesByFunction: Object.fromEntries(
        Object.entries(stack.concurrency())
          .filter(([, c]) => c.throttled > 0)
          .map(([name, c]) => [name, c.throttled]),
      ),
      failureCauses,
      failedAt,
      taskFailures,
      drainSeconds: Number((drainMs / 1000).toFixed(1)),
      idealDrainSeconds: Number((idealDrainMs / 1000).toFixed(1)),
      drainVsIdeal: Number((drainMs / idealDrainMs).toFixed(2)),
      peakOpenExecutions: peakOpen,
      peakModelConcurrency: concurrency?.peak ?? 0,
      modelConcurrencyLimit: concurrency?.limit ?? 0,
      aborted,
      reservedSlotsAfterRun,
    };
  } finally {
    await stack.stop();
  }
};
