/**
 * The whole MedExtract pipeline on one machine: DynamoDB Local, S3 and SQS
 * (fauxqs), a Step Functions endpoint running `statemachines/extract.asl.json`,
 * a rule-based Bedrock Converse stand-in, S3 notifications, the starter's
 * event source and the EMF log subscription to the aggregator. The handlers
 * and SDK clients are the ones deployed to AWS; only endpoints differ.
 */
import './polyfills.ts';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import type { ExecutionStatusWord } from '#contracts/executions.ts';
import { aliasKey, PRODUCTION_ALIAS, PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { ADMISSION_SETTINGS_ENV } from '#contracts/model-admission.ts';
import {
  EXTRACTION_DLQ,
  INGEST_DLQ,
  INGEST_QUEUE,
  physicalName,
  type TableNames,
  tableNamesFor,
} from '#contracts/resources.ts';
import {
  extractOnWorker,
  RULE_BASED_MODEL_ID,
  stopExtractorWorker,
} from '#local/bedrock/extractor-pool.ts';
import { OCR_ENGINE, ocrPage, stopOcr } from '#local/bedrock/ocr.ts';
import {
  EXTRACT_ASL_PATH,
  type ExtractPlaceholder,
  substitutePlaceholders,
  withExecutionTimeout,
} from '#statemachines/extract-placeholders.ts';
import {
  type BedrockFaults,
  type LocalBedrockServer,
  startBedrockServer,
} from './bedrock-server.ts';
import { startDynamoDbLocal } from './dynamodb.ts';
import {
  DEFAULT_PROMPT_VERSION,
  handlerEnvironment,
  importHandler,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STAGE,
} from './handler-environment.ts';
import { createInvocationRecorder, type InvocationRecorder } from './invocation-recorder.ts';
import { asLambdaInvokeTask, type LambdaHandler, lambdaContext } from './lambda-invoke.ts';
import { lazyHandlers } from './lazy-handlers.ts';
import { installLogCapture, type LogCapture } from './log-capture.ts';
import { freePort } from './ports.ts';
import { passError, startReconcileLoop } from './reconcile-loop.ts';
import {
  type ConcurrencyLimiter,
  type ConcurrencyStats,
  concurrencyLimiter,
} from './reserved-concurrency.ts';
import { reuseEnvironment } from './reuse-setting.ts';
import { configureS3Notifications } from './s3-notifications.ts';
import { ensureResources, localClientConfig, localS3ClientConfig, startS3Sqs } from './s3-sqs.ts';
import { prefetchExecutionRecords } from './sfn/persistence.ts';
import { startStepFunctionsServer } from './sfn-server.ts';
import { startSqsEventSource } from './sqs-event-source.ts';
import { type LocalCapacity, localCapacity } from './stack-capacity.ts';
import { type SharedDynamoDb, stageNames } from './stack-stage.ts';
import { aslProofText, startupProofs } from './startup-proofs.ts';
import { lowerBackgroundThreads } from './thread-priority.ts';
import { sizeWorkerHeaps } from './worker-heaps.ts';

export {
  DEFAULT_PROMPT_VERSION,
  handlerEnvironment,
  importHandler,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STAGE,
} from './handler-environment.ts';

export const STATE_MACHINE_NAME = physicalName(LOCAL_STAGE, 'extract');
/** Physical table names of the local stage. */
export const LOCAL_TABLES: TableNames = tableNamesFor(LOCAL_STAGE);

/** Fixed ports for `npm start`, so the printed CLI commands stay valid; tests use free ports. */
export const DEFAULT_PORTS = {
  s3sqs: 4566,
  // 8000 is the HTTP API's (the original product's documented port).
  dynamodb: 8001,
  stepfunctions: 8083,
  bedrock: 8090,
} as const;

export interface LocalStackOptions {
  /** Persistent data folder; absent keeps everything in memory (tests). */
  readonly dataDir?: string;
  /** Fixed ports; 0 picks free ports. */
  readonly ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Scales every ASL retry wait (tests compress them, e.g. 0.001). */
  readonly retryIntervalScale?: number;
  readonly faults?: BedrockFaults;
  /** Print function logs to the terminal as well as the log files. */
  readonly echoLogs?: boolean;
  /** How long SelectVariant caches the alias and running experiment (seconds). */
  readonly promptCacheTtlSeconds?: number;
  /**
   * Bedrock quotas, reserved concurrency and admission; absent means the dev
   * stage's numbers (stack-capacity.ts). Tests that need unlimited capacity say so.
   */
  readonly capacity?: LocalCapacity;
  /** Runs this ASL text instead of `statemachines/extract.asl.json` (the load bench's baseline). */
  readonly definitionText?: string;
  /** Retriers matching only these errors keep real waits under `retryIntervalScale`. */
  readonly realTimeRetryErrors?: readonly string[];
  /** Overrides the definition's execution timeout (seconds; benches scale time). */
  readonly executionTimeoutSeconds?: number;
  /** Reuse the extraction of identical uploads (ADR 40); default: the dev stage's setting. */
  readonly reuseIdenticalDocuments?: boolean;
  /** Reconciler: interval between passes (ms, default 30 s) and grace period (s, default 20). */
  readonly reconcile?: { readonly intervalMs?: number; readonly graceSeconds?: number };
  /** A running DynamoDB Local and this stack's stage on it (stack-stage.ts); default: own JVM. */
  readonly sharedDynamoDb?: SharedDynamoDb;
  /**
   * Nice value of this process's threads other than the main thread while
   * the stack runs (ADR 70); 0 leaves them alone. Default
   * `MEDEXTRACT_LOCAL_THREAD_NICE`, else 19.
   */
  readonly backgroundThreadNice?: number;
}

export interface LocalEndpoints {
  readonly s3: string;
  readonly sqs: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly bedrock: string;
}

export interface LocalStack {
  readonly stage: string;
  readonly endpoints: LocalEndpoints;
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly tables: TableNames;
  readonly queues: { ingest: string; ingestDlq: string; extractionDlq: string };
  readonly clients: {
    readonly s3: S3Client;
    readonly sqs: SQSClient;
    readonly sfn: SFNClient;
    readonly dynamodb: DynamoDBDocumentClient;
  };
  readonly bedrock: LocalBedrockServer;
  /** Reserved concurrency per function: limit, running, peak and throttled invocations. */
  concurrency(): Record<string, ConcurrencyStats>;
  /** Every in-process handler run with its REPORT-line figures. */
  readonly invocations: InvocationRecorder;
  /** Milliseconds from the call to a ready stack. */
  readonly startupMs: number;
  /**
   * Resolves with the milliseconds from the call until every handler module
   * was imported (they load in the background after start, or on first use).
   */
  handlersLoaded(): Promise<number>;
  /**
   * S3 event notifications sent to the ingest queue so far (the test event
   * not counted). They reach the queue in process, with no SDK request of
   * ours, as S3 sends them inside AWS; SQS bills each as a request.
   */
  notificationsSent(): number;
  /** Resolves when notifications, the ingest queue, executions and metrics have settled. */
  settle(): Promise<void>;
  /** Runs one reconciliation pass now and resolves when it ends. */
  reconcile(): Promise<void>;
  /** Calls `listener` with the ARN of each execution that ends (its record written). */
  onExecutionEnded(listener: (executionArn: string) => void): () => void;
  /** The execution's status as DescribeExecution answers it, without a request. */
  executionStatus(executionArn: string): ExecutionStatusWord | undefined;
  stop(): Promise<void>;
}

/** Task states of the extract machine and the function each one invokes. */
export const TASK_FUNCTIONS = {
  LoadDocument: 'load-document',
  SelectVariant: 'select-variant',
  AdmitModelCall: 'admit-model-call',
  InvokeModel: 'invoke-model',
  ReportModelPressure: 'admit-model-call',
  Score: 'score',
  RecordResult: 'record-result',
  RecordFailure: 'record-failure',
} as const;
type TaskState = keyof typeof TASK_FUNCTIONS;

/**
 * The functions whose EMF the aggregator receives, as the CDK subscription
 * filters select: the record steps, and the reconciler for outcomes it records.
 */
const EMF_FUNCTIONS = ['record-result', 'record-failure', 'reconciler'] as const;

const functionArn = (stage: string, name: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${physicalName(stage, name)}`;

const aslText = (): string =>
  readFileSync(fileURLToPath(new URL(`../${EXTRACT_ASL_PATH}`, import.meta.url)), 'utf-8');

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const started = Date.now();
  // Before any handler starts a worker thread.
  sizeWorkerHeaps();
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const dataDir = options.dataDir;
  const { stage, tables, machineName } = stageNames(options.sharedDynamoDb?.stage ?? LOCAL_STAGE);
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    // Read while DynamoDB Local's JVM starts: the runtime restores them once it is up.
    prefetchExecutionRecords(`${dataDir}/stepfunctions`);
  }
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  // The event loop first: the workers and V8's helpers take what it leaves.
  const background = lowerBackgroundThreads(options.backgroundThreadNice);
  stoppers.push(async () => background.release());

  try {
    const logs: LogCapture = installLogCapture({
      // Journaled like CloudWatch Logs keeps them: a crash loses no document record.
      ...(dataDir ? { dataDir, journalFunctions: [...EMF_FUNCTIONS] } : {}),
      echo: options.echoLogs ?? false,
    });
    stoppers.push(() => logs.restore());
    const invocations = createInvocationRecorder(dataDir);
    stoppers.push(async () => invocations.close());

    const [dynamo, s3sqs] = await Promise.all([
      options.sharedDynamoDb
        ? { endpoint: options.sharedDynamoDb.endpoint, stop: async () => undefined }
        : startDynamoDbLocal({
            ...(ports.dynamodb ? { port: ports.dynamodb } : {}),
            ...(dataDir ? { dataDir: `${dataDir}/dynamodb` } : {}),
          }),
      startS3Sqs({
        ...(ports.s3sqs ? { port: ports.s3sqs } : {}),
        ...(dataDir ? { dataDir: `${dataDir}/s3` } : {}),
      }),
    ]);
    stoppers.push(
      () => dynamo.stop(),
      () => s3sqs.stop(),
    );

    const capacity = localCapacity(options.capacity);
    const deadlineSeconds = options.executionTimeoutSeconds ?? capacity.executionTimeoutSeconds;
    const bedrock = await startBedrockServer({
      quota: capacity.quota,
      ...(ports.bedrock ? { port: ports.bedrock } : {}),
      servedModelId: RULE_BASED_MODEL_ID,
      extractor: extractOnWorker,
      imageReader: ocrPage,
      imageReaderLabel: OCR_ENGINE,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    stoppers.push(stopOcr, stopExtractorWorker, () => bedrock.stop());

    const s3 = new S3Client(localS3ClientConfig(s3sqs.endpoint));
    const sqs = new SQSClient({ ...localClientConfig(s3sqs.endpoint), ...REUSED_MIDDLEWARE });
    const rawDynamo = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    const dynamodb = DynamoDBDocumentClient.from(rawDynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const proofs = startupProofs(dataDir);
    await proofs.ensureTables(rawDynamo, stage);
    const resources = await ensureResources({ s3, sqs }, stage);
    const queueUrl = (logicalId: string): string => {
      const url = resources.queueUrls[logicalId];
      if (!url) throw new Error(`Queue ${logicalId} was not created`);
      return url;
    };

    // Step Functions' endpoint is known only once it listens, but handlers read
    // their environment at import: fix its port first, then set the environment.
    const sfnPort = ports.stepfunctions || (await freePort());
    const endpoints: LocalEndpoints = {
      s3: s3sqs.endpoint,
      sqs: s3sqs.endpoint,
      dynamodb: dynamo.endpoint,
      stepfunctions: `http://127.0.0.1:${sfnPort}`,
      bedrock: bedrock.endpoint,
    };
    Object.assign(
      process.env,
      handlerEnvironment(endpoints, resources.bucket, options.promptCacheTtlSeconds ?? 1, stage),
      {
        [ADMISSION_SETTINGS_ENV]: JSON.stringify(capacity.admission),
        EXECUTION_TIMEOUT_SECONDS: String(deadlineSeconds),
      },
      reuseEnvironment(options.reuseIdenticalDocuments, stage),
    );

    // The production alias must name a version before the first document.
    const experimentsTable = tables.experiments;
    const aliasItem = {
      ...aliasKey(PROMPT_FAMILY, PRODUCTION_ALIAS),
      version: DEFAULT_PROMPT_VERSION,
    };
    await proofs.once({ table: experimentsTable, ...aliasItem }, () =>
      dynamodb
        .send(
          new PutCommand({
            TableName: experimentsTable,
            Item: { ...aliasItem, updatedAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException'))
            throw error;
        })
        .then(() => undefined),
    );

    const runIn =
      (name: string) =>
      <T>(run: () => Promise<T>) =>
        invocations.record(name, () => logs.runAsFunction(name, run));
    const handlers = lazyHandlers(invocations, importHandler);
    const load = (name: string): LambdaHandler => handlers.handler(name);
    // One limiter per function: the states a function serves share its reserved concurrency.
    const limiters = new Map<string, ConcurrencyLimiter>(
      [...new Set<string>(Object.values(TASK_FUNCTIONS))].map((fn) => [
        fn,
        concurrencyLimiter(fn, capacity.reservedConcurrency(fn)),
      ]),
    );
    const definitionText = options.definitionText ?? aslText();
    const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, fn] of Object.entries(TASK_FUNCTIONS) as Array<[TaskState, string]>) {
      if (!definitionText.includes(`"${state}"`)) continue;
      const limiter = limiters.get(fn);
      const handler = load(fn);
      const run = <T>(task: () => Promise<T>) =>
        limiter ? limiter.run(() => runIn(fn)(task)) : runIn(fn)(task);
      taskHandlers[state] = asLambdaInvokeTask(fn, handler, run, capacity.functionTimeoutMs(fn));
    }
    const dlqUrl = queueUrl(EXTRACTION_DLQ.logicalId);
    taskHandlers.SendToDLQ = async (parameters: unknown) => {
      const body =
        parameters && typeof parameters === 'object' && 'MessageBody' in parameters
          ? parameters.MessageBody
          : parameters;
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
      return { MessageId: sent.MessageId ?? '', MD5OfMessageBody: sent.MD5OfMessageBody ?? '' };
    };

    const values: Record<ExtractPlaceholder, string> = {
      LoadDocumentFunctionArn: functionArn(stage, 'load-document'),
      SelectVariantFunctionArn: functionArn(stage, 'select-variant'),
      AdmitModelCallFunctionArn: functionArn(stage, 'admit-model-call'),
      InvokeModelFunctionArn: functionArn(stage, 'invoke-model'),
      ScoreFunctionArn: functionArn(stage, 'score'),
      RecordResultFunctionArn: functionArn(stage, 'record-result'),
      RecordFailureFunctionArn: functionArn(stage, 'record-failure'),
      ExtractionDlqUrl: dlqUrl,
    };
    // Stopped after Step Functions (stoppers run in reverse): metrics of the last
    // executions still reach the aggregator while DynamoDB is up.
    let unsubscribe: () => void = () => undefined;
    stoppers.push(async () => {
      await logs.flush();
      unsubscribe();
    });
    const runText = withExecutionTimeout(
      substitutePlaceholders(definitionText, values),
      capacity.executionTimeoutSeconds,
    );
    const proofText = aslProofText(runText, dlqUrl, stage);
    const sfn = await startStepFunctionsServer({
      port: sfnPort,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      ...(dataDir ? { dataDir: `${dataDir}/stepfunctions` } : {}),
      stateMachines: [
        {
          name: machineName,
          definition: JSON.parse(runText),
          validatedBefore: proofs.aslValidated(proofText),
          ...(options.realTimeRetryErrors
            ? { realTimeRetryErrors: options.realTimeRetryErrors }
            : {}),
          ...(options.executionTimeoutSeconds !== undefined
            ? { executionTimeoutSeconds: options.executionTimeoutSeconds }
            : {}),
          taskHandlers,
          ...(options.retryIntervalScale !== undefined
            ? { retryIntervalScale: options.retryIntervalScale }
            : {}),
        },
      ],
    });
    stoppers.push(() => sfn.stop());
    proofs.rememberAslValidated(proofText);

    const aggregator = load('aggregator');
    unsubscribe = logs.onEmf(
      async (event) => {
        await runIn('aggregator')(() => aggregator(event, lambdaContext('aggregator')));
      },
      { functionNames: [...EMF_FUNCTIONS] },
    );

    const notifications = await configureS3Notifications({
      source: s3sqs,
      sqs,
      bucket: resources.bucket,
      queueUrl: queueUrl(INGEST_QUEUE.logicalId),
    });
    stoppers.push(() => notifications.stop());

    const starter = load('starter');
    const eventSource = startSqsEventSource({
      sqs,
      queueUrl: queueUrl(INGEST_QUEUE.logicalId),
      queueArn: resources.queueArns[INGEST_QUEUE.logicalId] ?? '',
      functionName: 'starter',
      handler: (event, context) => runIn('starter')(() => starter(event, context)),
      batchSize: 10,
      waitTimeSeconds: 1,
      maximumConcurrency: capacity.ingestConcurrency,
    });
    stoppers.push(() => eventSource.stop());

    // Started last, so it is stopped first: no pass runs against a stopping stack.
    process.env.RECONCILE_GRACE_SECONDS = String(options.reconcile?.graceSeconds ?? 20);
    const reconciler = load('reconciler');
    const reconcileLoop = startReconcileLoop({
      run: () => runIn('reconciler')(() => reconciler({}, lambdaContext('reconciler'))),
      intervalMs: options.reconcile?.intervalMs ?? 30_000,
      onError: (error) => process.stderr.write(`reconciler pass failed: ${passError(error)}\n`),
    });
    stoppers.push(() => reconcileLoop.stop());

    const sfnClient = new SFNClient({
      ...localClientConfig(endpoints.stepfunctions),
      ...REUSED_MIDDLEWARE,
    });
    const startupMs = Date.now() - started;
    const handlersLoaded = handlers.preload().then(() => Date.now() - started);
    return {
      endpoints,
      bucket: resources.bucket,
      stage,
      stateMachineArn: sfn.stateMachineArn(machineName),
      tables,
      queues: {
        ingest: queueUrl(INGEST_QUEUE.logicalId),
        ingestDlq: queueUrl(INGEST_DLQ.logicalId),
        extractionDlq: dlqUrl,
      },
      clients: { s3, sqs, sfn: sfnClient, dynamodb },
      bedrock,
      concurrency: () =>
        Object.fromEntries([...limiters].map(([fn, limiter]) => [fn, limiter.stats()])),
      invocations,
      startupMs,
      handlersLoaded: () => handlersLoaded,
      notificationsSent: () => notifications.sent(),
      settle: async () => {
        await s3sqs.settled();
        await notifications.drain();
        await eventSource.idle();
        await sfn.waitForIdle();
        await logs.flush();
      },
      reconcile: () => reconcileLoop.runNow(),
      onExecutionEnded: (listener) => sfn.onExecutionEnded(listener),
      executionStatus: (executionArn) => sfn.executionStatus(executionArn),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
