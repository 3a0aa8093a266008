/**
 * Typed per-stage settings: the only place where dev, staging and prod differ.
 * Constructs read values from here and never branch on the stage name.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { STARTER_TIMEOUT_SECONDS } from '#contracts/resources.ts';
import {
  DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
  STAGE_CAPACITY,
  type StageModelCapacity,
} from './model-capacity.ts';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Service name in every log line and the `service` dimension of every metric. */
export const SERVICE_NAME = 'medextract';

/** EMF namespace of a stage's business metrics. */
export const metricsNamespace = (stage: Stage): string => `MedExtract/${stage}`;

export interface FunctionSettings {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrency: a ceiling on fan-out and a floor the account keeps free for us. */
  readonly reservedConcurrency: number;
}

/** Where a cross-Region inference profile may send a request. */
export type ModelRouting =
  | { readonly kind: 'geographic'; readonly destinationRegions: readonly string[] }
  | { readonly kind: 'global' };

/** A model the extraction function may call, and only through its inference profile. */
export interface BedrockModelAccess {
  /** The id prompt metadata names, e.g. `us.anthropic.claude-3-5-haiku-20241022-v1:0`. */
  readonly inferenceProfileId: string;
  /** The foundation model behind the profile, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  readonly foundationModelId: string;
  readonly routing: ModelRouting;
}

export type TableBilling =
  | { readonly mode: 'on-demand' }
  | {
      readonly mode: 'provisioned';
      readonly read: { readonly min: number; readonly max: number };
      readonly write: { readonly min: number; readonly max: number };
      readonly targetUtilizationPercent: number;
    };

export interface AlarmThresholds {
  /** Age of the oldest ingest message that pages someone. */
  readonly oldestIngestMessage: Duration;
  /** Function errors per period before the alarm fires. */
  readonly functionErrors: number;
  /** Failed executions per period before the alarm fires (bad documents end FAILED too). */
  readonly executionsFailed: number;
  /** Bedrock throttles per period before the alarm fires. */
  readonly bedrockThrottles: number;
  readonly period: Duration;
  /** Anomaly-detection alarms per prompt version (cost, completeness, latency, failure rate). */
  readonly anomaly: AnomalyAlarmSettings;
  /** The hourly drift analyser over the roll-ups. */
  readonly drift: DriftMonitorSettings;
}

export interface AnomalyAlarmSettings {
  /** Period of the watched statistic; the band is learned per period. */
  readonly period: Duration;
  /** Width of the expected band in standard deviations of the learned model. */
  readonly bandWidth: number;
  /** Periods looked at, and how many of them must be outside the band. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Below this many documents in a period the failure rate reads 0 (too few to judge). */
  readonly minDocumentsForFailureRate: number;
}

export interface DriftMonitorSettings {
  /** Hours before the monitored window that define normal. */
  readonly baselineHours: number;
  /** Hours the sequential test runs over, ending at the last complete hour. */
  readonly monitorHours: number;
  /** Expected chart-hours in a false finding per year (sets the CUSUM threshold). */
  readonly falseAlarmHoursPerYear: number;
}

export interface StageConfig {
  readonly stage: Stage;
  /** Home Region of the stack; the account comes from the deploying credentials. */
  readonly region: string;
  readonly functions: Readonly<Record<FunctionName, FunctionSettings>>;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Retention of every log group (function, state machine). */
  readonly logRetention: RetentionDays;
  /** Applied to buckets, tables, keys and log groups. */
  readonly removalPolicy: RemovalPolicy;
  /** Waiting period before a deleted KMS key is destroyed. */
  readonly keyPendingWindow: Duration;
  readonly ingest: {
    readonly batchSize: number;
    readonly maxBatchingWindow: Duration;
    /** ESM maximum concurrency; never above the starter's reserved concurrency. */
    readonly maximumConcurrency: number;
  };
  readonly documents: {
    readonly maxDocumentBytes: number;
    readonly maxPages: number;
    /** Days before `incoming/` objects move to Standard-IA. */
    readonly incomingToInfrequentAccessDays: number;
    /** Days before `work/` artefacts expire. */
    readonly workExpirationDays: number;
    /**
     * Reuse the extraction of an identical earlier upload (same bytes, same
     * prompt version) instead of calling the model again (ADR 40).
     */
    readonly reuseIdenticalDocuments: boolean;
    readonly noncurrentVersionExpirationDays: number;
    readonly accessLogExpirationDays: number;
  };
  readonly prompts: {
    readonly cacheTtlSeconds: number;
    /** Used when no experiment runs and the `production` alias is unset. */
    readonly defaultVersion: string;
  };
  readonly tables: {
    readonly billing: TableBilling;
    /** Daily AWS Backup copies of the results and experiments tables, kept this many days. */
    readonly backupRetentionDays: number;
  };
  readonly bedrock: {
    readonly models: readonly BedrockModelAccess[];
    /** Each model's quota and admission policy (infra/model-capacity.ts), checked at synth. */
    readonly capacity: StageModelCapacity;
    /**
     * Longest a document may wait for a model slot before it fails
     * ADMISSION_WAIT_EXCEEDED; the execution deadline is work time plus this
     * (`executionTimeoutSeconds`), so it is also how long a backlog may be.
     */
    readonly maxAdmissionWaitMinutes: number;
  };
  readonly alarms: AlarmThresholds;
  readonly api: ApiSettings;
}

/** The HTTP API's stage settings (API Gateway throttles before the function runs). */
export interface ApiSettings {
  /** Steady-state requests per second over the whole stage. */
  readonly rateLimit: number;
  /** Requests API Gateway admits at once above the steady rate. */
  readonly burstLimit: number;
  /** The console's origin: the only one CORS admits and the function serves to browsers. */
  readonly consoleOrigin: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
}

const US_DESTINATIONS = ['us-east-1', 'us-east-2', 'us-west-2'] as const;

/** The models the seed prompt versions name (each `metadata.json` under `prompts/medical-record`). */
const MODELS: readonly BedrockModelAccess[] = [
  {
    inferenceProfileId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    foundationModelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    routing: { kind: 'geographic', destinationRegions: US_DESTINATIONS },
  },
  {
    inferenceProfileId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    routing: { kind: 'global' },
  },
];

/**
 * Task function timeouts stay below the matching ASL `TimeoutSeconds`
 * (LoadDocument 120, SelectVariant 30, AdmitModelCall and ReportModelPressure
 * 30, InvokeModel 300, Score 60,
 * RecordResult 60, RecordFailure 60); a test holds them to it.
 */
const functionSettings = (
  concurrency: Readonly<Record<Exclude<FunctionName, 'drift'>, number>>,
): Readonly<Record<FunctionName, FunctionSettings>> => ({
  starter: {
    memoryMb: 256,
    timeoutSeconds: STARTER_TIMEOUT_SECONDS,
    reservedConcurrency: concurrency.starter,
  },
  'load-document': {
    memoryMb: 1024,
    // Rendering (60 s at most) and OCR of a scan's image pages within the rest (ADR 41).
    timeoutSeconds: 180,
    reservedConcurrency: concurrency['load-document'],
  },
  'select-variant': {
    memoryMb: 256,
    timeoutSeconds: 20,
    reservedConcurrency: concurrency['select-variant'],
  },
  // A few DynamoDB calls per invocation, never a model call: small and short.
  'admit-model-call': {
    memoryMb: 256,
    timeoutSeconds: 10,
    reservedConcurrency: concurrency['admit-model-call'],
  },
  'invoke-model': {
    memoryMb: 512,
    timeoutSeconds: 240,
    reservedConcurrency: concurrency['invoke-model'],
  },
  score: { memoryMb: 512, timeoutSeconds: 30, reservedConcurrency: concurrency.score },
  'record-result': {
    memoryMb: 256,
    timeoutSeconds: 30,
    reservedConcurrency: concurrency['record-result'],
  },
  'record-failure': {
    memoryMb: 256,
    timeoutSeconds: 30,
    reservedConcurrency: concurrency['record-failure'],
  },
  aggregator: { memoryMb: 256, timeoutSeconds: 60, reservedConcurrency: concurrency.aggregator },
  // One run an hour; a second concurrent run would only repeat the first.
  drift: { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 1 },
  // One pass at a time: overlapping passes would only repeat each other's idempotent repairs.
  reconciler: { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: concurrency.reconciler },
});

const sharedDocuments = {
  maxDocumentBytes: 20 * 1024 * 1024,
  maxPages: 100,
  incomingToInfrequentAccessDays: 30,
  workExpirationDays: 7,
  reuseIdenticalDocuments: true,
} as const;

/**
 * Hourly periods: per-version volume is tens to hundreds of documents an
 * hour, so a 5-minute mean or p95 would be a handful of documents and the
 * band would be noise. Three of four hours outside the band pages; one odd
 * hour does not.
 */
const anomalyDefaults: AnomalyAlarmSettings = {
  period: Duration.hours(1),
  bandWidth: 3,
  evaluationPeriods: 4,
  datapointsToAlarm: 3,
  minDocumentsForFailureRate: 20,
};

const driftDefaults: DriftMonitorSettings = {
  baselineHours: 168,
  monitorHours: 24,
  falseAlarmHoursPerYear: 1,
};

const CONFIGS: Readonly<Record<Stage, StageConfig>> = {
  dev: {
    stage: 'dev',
    region: 'us-east-1',
    functions: functionSettings({
      starter: 2,
      'load-document': 4,
      'select-variant': 4,
      // Admission has its own concurrency, so it is never throttled behind model calls.
      'admit-model-call': 4,
      // Admission can run 6 model calls at once on the dev quota (synth checks it).
      'invoke-model': 8,
      score: 4,
      'record-result': 4,
      'record-failure': 2,
      aggregator: 2,
      reconciler: 1,
    }),
    logLevel: 'DEBUG',
    logRetention: RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
    keyPendingWindow: Duration.days(7),
    ingest: { batchSize: 10, maxBatchingWindow: Duration.seconds(0), maximumConcurrency: 2 },
    documents: {
      ...sharedDocuments,
      noncurrentVersionExpirationDays: 7,
      accessLogExpirationDays: 30,
    },
    prompts: { cacheTtlSeconds: 30, defaultVersion: '2.2.0' },
    tables: { billing: { mode: 'on-demand' }, backupRetentionDays: 7 },
    bedrock: {
      models: MODELS,
      capacity: STAGE_CAPACITY.dev,
      maxAdmissionWaitMinutes: DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
    },
    alarms: {
      oldestIngestMessage: Duration.minutes(15),
      functionErrors: 5,
      executionsFailed: 5,
      bedrockThrottles: 10,
      period: Duration.minutes(5),
      anomaly: { ...anomalyDefaults, bandWidth: 4 },
      drift: driftDefaults,
    },
    api: {
      rateLimit: 100,
      burstLimit: 200,
      consoleOrigin: 'https://console.dev.medextract.example',
      memoryMb: 512,
      timeoutSeconds: 29,
      reservedConcurrency: 5,
    },
  },
  staging: {
    stage: 'staging',
    region: 'us-east-1',
    functions: functionSettings({
      starter: 5,
      'load-document': 10,
      'select-variant': 10,
      'admit-model-call': 5,
      'invoke-model': 10,
      score: 10,
      'record-result': 10,
      'record-failure': 5,
      aggregator: 5,
      reconciler: 1,
    }),
    logLevel: 'INFO',
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    keyPendingWindow: Duration.days(7),
    ingest: { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maximumConcurrency: 5 },
    documents: {
      ...sharedDocuments,
      noncurrentVersionExpirationDays: 14,
      accessLogExpirationDays: 90,
    },
    prompts: { cacheTtlSeconds: 30, defaultVersion: '2.2.0' },
    tables: { billing: { mode: 'on-demand' }, backupRetentionDays: 14 },
    bedrock: {
      models: MODELS,
      capacity: STAGE_CAPACITY.staging,
      maxAdmissionWaitMinutes: DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
    },
    alarms: {
      oldestIngestMessage: Duration.minutes(15),
      functionErrors: 1,
      executionsFailed: 3,
      bedrockThrottles: 5,
      period: Duration.minutes(5),
      anomaly: anomalyDefaults,
      drift: driftDefaults,
    },
    api: {
      rateLimit: 500,
      burstLimit: 1000,
      consoleOrigin: 'https://console.staging.medextract.example',
      memoryMb: 512,
      timeoutSeconds: 29,
      reservedConcurrency: 10,
    },
  },
  prod: {
    stage: 'prod',
    region: 'us-east-1',
    functions: functionSettings({
      starter: 10,
      'load-document': 20,
      'select-variant': 20,
      'admit-model-call': 10,
      // Admission can run 29 model calls at once on the prod quota (synth checks it).
      'invoke-model': 32,
      score: 20,
      'record-result': 20,
      'record-failure': 10,
      aggregator: 5,
      reconciler: 1,
    }),
    logLevel: 'INFO',
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    keyPendingWindow: Duration.days(30),
    ingest: { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maximumConcurrency: 10 },
    documents: {
      ...sharedDocuments,
      noncurrentVersionExpirationDays: 30,
      accessLogExpirationDays: 365,
    },
    prompts: { cacheTtlSeconds: 60, defaultVersion: '2.2.0' },
    tables: {
      billing: {
        mode: 'provisioned',
        read: { min: 5, max: 200 },
        write: { min: 5, max: 200 },
        targetUtilizationPercent: 70,
      },
      backupRetentionDays: 35,
    },
    bedrock: {
      models: MODELS,
      capacity: STAGE_CAPACITY.prod,
      maxAdmissionWaitMinutes: DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
    },
    alarms: {
      oldestIngestMessage: Duration.minutes(15),
      functionErrors: 1,
      executionsFailed: 1,
      bedrockThrottles: 1,
      period: Duration.minutes(5),
      anomaly: anomalyDefaults,
      drift: driftDefaults,
    },
    api: {
      rateLimit: 1000,
      burstLimit: 2000,
      consoleOrigin: 'https://console.medextract.example',
      memoryMb: 512,
      timeoutSeconds: 29,
      reservedConcurrency: 20,
    },
  },
};

const StageSchema = z.enum(STAGES);

/** The stage named by `-c env=<stage>`; dev when unset. Throws on anything else. */
export const parseStage = (value: unknown): Stage => {
  const parsed = StageSchema.safeParse(value ?? 'dev');
  if (!parsed.success) {
    throw new Error(`Unknown stage "${String(value)}": expected one of ${STAGES.join(', ')}`);
  }
  return parsed.data;
};

/** The settings of one stage. */
export const configFor = (stage: Stage): StageConfig => CONFIGS[stage];

/** Sum of reserved concurrency; the account must keep 100 unreserved on top of it. */
export const totalReservedConcurrency = (config: StageConfig): number =>
  FUNCTION_NAMES.reduce((sum, name) => sum + config.functions[name].reservedConcurrency, 0);
