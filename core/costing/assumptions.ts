/**
 * What the cost model assumes where nothing local can measure it: failure
 * and retry rates, Bedrock latency billed to InvokeModel, AWS platform log
 * lines, key caching, idle polling and the prompt-cache hit rate. Each
 * figure says where it comes from; change them here (or pass overrides) and
 * the report follows.
 */

export interface CostAssumptions {
  /** Share of documents that fail (bad input) at LoadDocument and take the failure path. */
  readonly failureShare: number;
  /** Expected retry attempts per document, by state name (each is one more transition and invocation). */
  readonly retriesPerDocument: Readonly<Record<string, number>>;
  /**
   * InvokeModel waits for Bedrock and Lambda bills the wait: time to first
   * token plus output tokens at a generation rate. Not measurable locally (the
   * stand-in answers at once); 0.6 s and 100 tokens/s are typical published
   * figures for Claude Haiku-class models on Bedrock. Override for your model.
   */
  readonly bedrockFirstTokenMs: number;
  readonly bedrockOutputTokensPerSecond: number;
  /**
   * Memory at which a Lambda function has one full vCPU: Lambda allocates CPU
   * in proportion to memory, one vCPU at 1,769 MB (AWS Lambda docs,
   * "Configure Lambda function memory"). The profile's durations are timed on
   * a whole local core, so each function's is scaled by this over its
   * configured memory (never below 1x): 6.9x at 256 MB, 1.7x at 1,024 MB.
   * That treats the whole measured time as CPU, an upper bound for the local
   * part; the round trips to S3 and DynamoDB on AWS are not in it. The
   * Bedrock wait is not scaled. 0 turns the scaling off.
   */
  readonly lambdaFullCpuMemoryMb: number;
  /** Lambda START, END and REPORT lines (REPORT with the X-Ray segment) per invocation. */
  readonly lambdaPlatformLogBytesPerInvocation: number;
  /** One Step Functions log record (level ALL, execution data excluded) per history event. */
  readonly stepFunctionsLogBytesPerEvent: number;
  /** How long documents and records are kept, for storage costs. */
  readonly storageHorizonMonths: number;
  /** Messages per ingest batch (the event source's batch size; from stage settings). */
  readonly ingestBatchSize?: number;
  /**
   * Idle long polls of the ingest event source per month: AWS runs about five
   * pollers for a queue event source, each long-polling for 20 s, so
   * 5 x 3 per minute x 60 x 730 hours (AWS Lambda docs, "Using Lambda with Amazon SQS").
   */
  readonly sqsIdlePollsPerMonth: number;
  /**
   * KMS requests per month that do not scale with documents: S3 uses a bucket
   * key and SQS, DynamoDB, Step Functions and CloudWatch Logs cache data keys
   * (about 5 minutes each), so each caller costs about one request per 5 minutes
   * per resource: 17 resources x 12 per hour x 730 hours.
   */
  readonly kmsFixedRequestsPerMonth: number;
  /** KMS requests per document that escape caching (none with a bucket key and cached data keys). */
  readonly kmsRequestsPerDocument: number;
  /** X-Ray traces per document (functions and the state machine trace actively). */
  readonly tracesPerDocument: number;
  /** Alarms the observability construct creates (docs/architecture.md lists them). */
  readonly alarms: number;
  readonly dashboards: number;
  /** Customer managed keys (data, ingest, logs, alarms). */
  readonly kmsKeys: number;
  /**
   * Share of model calls that read a prompt version's cached prefix (the rest
   * write it), for versions whose prefix reaches the model's minimum. Bedrock
   * keeps an entry 5 minutes after its last hit; at 100,000 documents a month
   * (about 2.3 a minute on average) the entry stays warm while documents
   * arrive. Misses: the first call after a quiet spell (nights, weekends),
   * calls racing the first write in a burst, and each Region a `global.` or
   * geo profile routes to keeping its own cache. 0.8 is a judgement, not a
   * measurement: on AWS the recorded `CacheReadInputTokens` and
   * `CacheWriteInputTokens` give the real rate.
   */
  readonly promptCacheHitRate: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  failureShare: 0.02,
  retriesPerDocument: { InvokeModel: 0.05 },
  bedrockFirstTokenMs: 600,
  bedrockOutputTokensPerSecond: 100,
  lambdaFullCpuMemoryMb: 1_769,
  lambdaPlatformLogBytesPerInvocation: 420,
  stepFunctionsLogBytesPerEvent: 350,
  storageHorizonMonths: 12,
  sqsIdlePollsPerMonth: 5 * 3 * 60 * 730,
  kmsFixedRequestsPerMonth: 17 * 12 * 730,
  kmsRequestsPerDocument: 0,
  tracesPerDocument: 1,
  // 3 queues with messages, 1 ingest age, 3 execution alarms, 8 functions x 2, 2 Bedrock profiles.
  alarms: 25,
  dashboards: 1,
  kmsKeys: 4,
  promptCacheHitRate: 0.8,
};
