/**
 * The cost model: dollars per 1,000 documents by AWS service, from per-document
 * quantities (tokens, transitions, GB-seconds, requests, bytes) and monthly
 * fixed quantities (keys, provisioned capacity, metrics) priced with the AWS
 * price table and the Bedrock price table. Fixed monthly costs are spread over
 * the monthly volume. Pure arithmetic: the CLI assembles the quantities.
 */
import { costMicroUsd } from '#core/extraction/cost.ts';
import { PRICE_TABLE, type PriceTable } from '#core/extraction/price-table.ts';
import {
  AWS_PRICES,
  type AwsPriceTable,
  BYTES_PER_GB,
  DAYS_PER_MONTH,
  HOURS_PER_MONTH,
  type Price,
  priced,
} from './aws-prices.ts';

export const SERVICES = [
  'Bedrock',
  'Step Functions',
  'Lambda',
  'SQS',
  'S3',
  'DynamoDB',
  'CloudWatch',
  'KMS',
  'X-Ray',
] as const;
export type Service = (typeof SERVICES)[number];

/** Tokens one document costs under one prompt version. */
export interface BedrockVersionUsage {
  readonly version: string;
  readonly modelId: string;
  /** Every input token of the request, the cacheable prefix included. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /**
   * Tokens of the stable prefix a prompt-cache checkpoint holds; 0 or absent
   * when no checkpoint qualifies (the model has no caching or the prefix is
   * below its minimum).
   */
  readonly cachedPrefixTokens?: number;
  /** Why the version has no prompt cache, or where its checkpoint is, for the report. */
  readonly cacheNote?: string;
}

/** One function's share of a document. */
export interface FunctionUsage {
  readonly invocationsPerDocument: number;
  /** Mean billed duration of one invocation (Lambda bills per millisecond). */
  readonly durationMs: number;
  readonly memoryMb: number;
}

/** Objects a document leaves under one prefix and how long each storage class holds them. */
export interface StoredObjects {
  readonly prefix: string;
  readonly bytesPerDocument: number;
  /** Days in S3 Standard. */
  readonly standardDays: number;
  /** Days in Standard-IA after that (0 when the prefix never transitions). */
  readonly infrequentAccessDays: number;
}

/** One table's traffic per document; index writes follow the base table's. */
export interface TableUsage {
  readonly name: string;
  readonly indexCount: number;
  readonly writeUnitsPerDocument: number;
  readonly readUnitsPerDocument: number;
  /** Bytes the document adds to the table (base item; indexes with ALL projection copy it). */
  readonly storedBytesPerDocument: number;
}

export type DynamoBilling =
  | { readonly mode: 'on-demand' }
  | {
      readonly mode: 'provisioned';
      readonly minRead: number;
      readonly minWrite: number;
      readonly targetUtilizationPercent: number;
    };

/** Everything the model prices, already reduced to quantities. */
export interface CostModelInput {
  readonly documentsPerMonth: number;
  readonly bedrock: {
    /** Every prompt version to report; `servingVersion` is the one the totals use. */
    readonly versions: readonly BedrockVersionUsage[];
    readonly servingVersion: string;
    /**
     * Share of calls that read the cached prefix (0..1); the others write it.
     * Default 0: every call writes, the dearest case.
     */
    readonly cacheHitRate?: number;
  };
  readonly stepFunctions: { readonly transitionsPerDocument: number };
  readonly lambda: {
    readonly architecture: 'arm64' | 'x86_64';
    readonly functions: Readonly<Record<string, FunctionUsage>>;
  };
  readonly sqs: {
    readonly requestsPerDocument: number;
    /** Idle polling and key-independent traffic per month. */
    readonly fixedRequestsPerMonth: number;
  };
  readonly s3: {
    readonly putRequestsPerDocument: number;
    readonly getRequestsPerDocument: number;
    readonly lifecycleTransitionsPerDocument: number;
    readonly objects: readonly StoredObjects[];
  };
  readonly dynamodb: {
    readonly billing: DynamoBilling;
    readonly tables: readonly TableUsage[];
    /** Months a record is kept, for storage and continuous backup. */
    readonly storageMonths: number;
    readonly pointInTimeRecovery: boolean;
  };
  readonly logs: {
    readonly ingestedBytesPerDocument: number;
    readonly retentionDays: number;
  };
  readonly cloudwatch: {
    readonly customMetrics: number;
    readonly dashboards: number;
    readonly alarms: number;
  };
  readonly kms: {
    readonly keys: number;
    readonly requestsPerDocument: number;
    readonly fixedRequestsPerMonth: number;
  };
  readonly xray: { readonly tracesPerDocument: number };
}

/** One priced item. */
export interface CostLine {
  readonly service: Service;
  readonly item: string;
  /** Units per document (null for a purely monthly item). */
  readonly perDocument: number | null;
  /** Units per month that do not depend on volume. */
  readonly perMonth: number;
  readonly unit: string;
  /** Dollars per unit. */
  readonly unitUsd: number;
  readonly usdPer1000Documents: number;
}

/** Bedrock cost of one prompt version. */
export interface BedrockVersionCost extends BedrockVersionUsage {
  /** With the prompt cache at the assumed hit rate (the same as without when nothing is cached). */
  readonly usdPer1000Documents: number;
  readonly usdPer1000DocumentsWithoutCache: number;
  readonly cacheHitRate: number;
}

export interface CostReport {
  readonly documentsPerMonth: number;
  readonly servingVersion: string;
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<Service, number>>;
  readonly bedrockByVersion: readonly BedrockVersionCost[];
  readonly totalUsdPer1000Documents: number;
  /** Everything except Bedrock: the pipeline around the model. */
  readonly orchestrationUsdPer1000Documents: number;
  /** Orchestration as a share of the total (0..1). */
  readonly orchestrationShare: number;
  /** Dollars per month at `documentsPerMonth`. */
  readonly monthlyUsd: number;
}

/** A quantity the model cannot price. */
export class CostInputError extends Error {
  override readonly name = 'CostInputError';
}

const PER = 1_000;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3_600;

const unitUsd = (price: Price): number => price.usd / price.per;

/**
 * Bedrock dollars per 1,000 documents for one version's tokens. With a
 * cached prefix, `cacheHitRate` of the calls read it and the rest write it;
 * the rest of the input is billed as usual. Token counts are taken over the
 * 1,000 documents, so fractional reads and writes per document are kept.
 */
export function bedrockUsdPer1000(
  usage: BedrockVersionUsage,
  bedrockPrices: PriceTable = PRICE_TABLE,
  cacheHitRate = 0,
): number {
  const prefix = usage.cachedPrefixTokens ?? 0;
  if (prefix > 0) {
    if (!(cacheHitRate >= 0 && cacheHitRate <= 1)) {
      throw new CostInputError('cacheHitRate must be in [0, 1]');
    }
    if (prefix > usage.inputTokens) {
      throw new CostInputError(`prompt ${usage.version}: cached prefix exceeds the input tokens`);
    }
    const reads = Math.round(PER * prefix * cacheHitRate);
    const micro = costMicroUsd(
      {
        modelId: usage.modelId,
        inputTokens: Math.round(PER * (usage.inputTokens - prefix)),
        outputTokens: Math.round(PER * usage.outputTokens),
        cacheReadInputTokens: reads,
        cacheWriteInputTokens: Math.round(PER * prefix) - reads,
      },
      bedrockPrices,
    );
    return micro / 1_000_000;
  }
  const micro = costMicroUsd(
    {
      modelId: usage.modelId,
      inputTokens: Math.round(usage.inputTokens),
      outputTokens: Math.round(usage.outputTokens),
    },
    bedrockPrices,
  );
  return (micro * PER) / 1_000_000;
}

/** The Bedrock line's word on the prompt cache. */
const cacheItem = (v: BedrockVersionCost): string => {
  const prefix = v.cachedPrefixTokens ?? 0;
  if (prefix > 0) {
    return `, prompt cache: ${prefix}-token prefix at a ${Math.round(v.cacheHitRate * 100)}% hit rate (${v.usdPer1000DocumentsWithoutCache.toFixed(2)} USD without)`;
  }
  return v.cacheNote ? `, no prompt cache (${v.cacheNote})` : '';
};

const checkInput = (input: CostModelInput): void => {
  if (!(Number.isFinite(input.documentsPerMonth) && input.documentsPerMonth > 0)) {
    throw new CostInputError('documentsPerMonth must be a positive number');
  }
  if (!input.bedrock.versions.some((v) => v.version === input.bedrock.servingVersion)) {
    throw new CostInputError(`serving version ${input.bedrock.servingVersion} has no token usage`);
  }
};

/** Dollars per 1,000 documents by service, with every line that makes them up. */
export function costPer1000Documents(
  input: CostModelInput,
  prices: AwsPriceTable = AWS_PRICES,
  bedrockPrices: PriceTable = PRICE_TABLE,
): CostReport {
  checkInput(input);
  const lines: CostLine[] = [];
  const docs = input.documentsPerMonth;
  const add = (
    service: Service,
    item: string,
    price: Price,
    perDocument: number | null,
    perMonth = 0,
  ): void => {
    const variable = perDocument === null ? 0 : priced(price, perDocument * PER);
    const fixed = (priced(price, perMonth) * PER) / docs;
    lines.push({
      service,
      item,
      perDocument,
      perMonth,
      unit: price.unit,
      unitUsd: unitUsd(price),
      usdPer1000Documents: variable + fixed,
    });
  };

  const cacheHitRate = input.bedrock.cacheHitRate ?? 0;
  const bedrockByVersion = input.bedrock.versions.map((v) => ({
    ...v,
    usdPer1000Documents: bedrockUsdPer1000(v, bedrockPrices, cacheHitRate),
    usdPer1000DocumentsWithoutCache: bedrockUsdPer1000(
      { ...v, cachedPrefixTokens: 0 },
      bedrockPrices,
    ),
    cacheHitRate,
  }));
  const serving = bedrockByVersion.find((v) => v.version === input.bedrock.servingVersion);
  if (serving) {
    lines.push({
      service: 'Bedrock',
      item: `prompt ${serving.version} on ${serving.modelId}${cacheItem(serving)}`,
      perDocument: serving.inputTokens + serving.outputTokens,
      perMonth: 0,
      unit: 'token (input and output, priced per model)',
      unitUsd:
        serving.usdPer1000Documents / PER / (serving.inputTokens + serving.outputTokens || 1),
      usdPer1000Documents: serving.usdPer1000Documents,
    });
  }

  add(
    'Step Functions',
    'Standard state transitions',
    prices.stepFunctionsStandardTransition,
    input.stepFunctions.transitionsPerDocument,
  );

  const gbSecondPrice =
    input.lambda.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond;
  let invocations = 0;
  for (const [name, fn] of Object.entries(input.lambda.functions)) {
    const gbSeconds = fn.invocationsPerDocument * (fn.durationMs / 1_000) * (fn.memoryMb / 1_024);
    add('Lambda', `${name} compute (${fn.memoryMb} MB)`, gbSecondPrice, gbSeconds);
    invocations += fn.invocationsPerDocument;
  }
  add('Lambda', 'requests', prices.lambdaRequest, invocations);

  add(
    'SQS',
    'requests',
    prices.sqsStandardRequest,
    input.sqs.requestsPerDocument,
    input.sqs.fixedRequestsPerMonth,
  );

  add('S3', 'PUT requests', prices.s3StandardPutRequest, input.s3.putRequestsPerDocument);
  add('S3', 'GET requests', prices.s3StandardGetRequest, input.s3.getRequestsPerDocument);
  add(
    'S3',
    'lifecycle transitions to Standard-IA',
    prices.s3LifecycleTransitionToIa,
    input.s3.lifecycleTransitionsPerDocument,
  );
  for (const objects of input.s3.objects) {
    const gb = objects.bytesPerDocument / BYTES_PER_GB;
    add(
      'S3',
      `${objects.prefix} storage, Standard for ${objects.standardDays} days`,
      prices.s3StandardStorage,
      gb * (objects.standardDays / DAYS_PER_MONTH),
    );
    if (objects.infrequentAccessDays > 0) {
      add(
        'S3',
        `${objects.prefix} storage, Standard-IA for ${objects.infrequentAccessDays} days`,
        prices.s3InfrequentAccessStorage,
        gb * (objects.infrequentAccessDays / DAYS_PER_MONTH),
      );
    }
  }

  addDynamo(input, prices, add);

  const logGb = input.logs.ingestedBytesPerDocument / BYTES_PER_GB;
  add('CloudWatch', 'Logs ingestion (log lines and EMF)', prices.cloudwatchLogsIngestion, logGb);
  add(
    'CloudWatch',
    `Logs storage for ${input.logs.retentionDays} days`,
    prices.cloudwatchLogsStorage,
    logGb * (input.logs.retentionDays / DAYS_PER_MONTH),
  );
  add(
    'CloudWatch',
    'custom metrics from EMF',
    prices.cloudwatchCustomMetric,
    null,
    input.cloudwatch.customMetrics,
  );
  add('CloudWatch', 'dashboards', prices.cloudwatchDashboard, null, input.cloudwatch.dashboards);
  add('CloudWatch', 'alarms', prices.cloudwatchStandardAlarm, null, input.cloudwatch.alarms);

  add('KMS', 'customer managed keys', prices.kmsKeyMonth, null, input.kms.keys);
  add(
    'KMS',
    'requests',
    prices.kmsRequest,
    input.kms.requestsPerDocument,
    input.kms.fixedRequestsPerMonth,
  );
  add('X-Ray', 'traces recorded', prices.xrayTraceRecorded, input.xray.tracesPerDocument);

  const byService: Record<Service, number> = {
    Bedrock: 0,
    'Step Functions': 0,
    Lambda: 0,
    SQS: 0,
    S3: 0,
    DynamoDB: 0,
    CloudWatch: 0,
    KMS: 0,
    'X-Ray': 0,
  };
  for (const line of lines) byService[line.service] += line.usdPer1000Documents;
  const total = SERVICES.reduce((sum, s) => sum + byService[s], 0);
  const orchestration = total - byService.Bedrock;
  return {
    documentsPerMonth: docs,
    servingVersion: input.bedrock.servingVersion,
    lines,
    byService,
    bedrockByVersion,
    totalUsdPer1000Documents: total,
    orchestrationUsdPer1000Documents: orchestration,
    orchestrationShare: total > 0 ? orchestration / total : 0,
    monthlyUsd: (total * docs) / PER,
  };
}

type Add = (
  service: Service,
  item: string,
  price: Price,
  perDocument: number | null,
  perMonth?: number,
) => void;

/** DynamoDB request units (on demand) or capacity-hours (provisioned), storage and backup. */
function addDynamo(input: CostModelInput, prices: AwsPriceTable, add: Add): void {
  const { billing, tables, storageMonths, pointInTimeRecovery } = input.dynamodb;
  const docs = input.documentsPerMonth;
  let storedGb = 0;
  let baseGb = 0;
  for (const table of tables) {
    const copies = 1 + table.indexCount;
    storedGb += (table.storedBytesPerDocument * copies) / BYTES_PER_GB;
    baseGb += table.storedBytesPerDocument / BYTES_PER_GB;
    if (billing.mode === 'on-demand') {
      add(
        'DynamoDB',
        `${table.name} writes (table and ${table.indexCount} indexes)`,
        prices.dynamodbOnDemandWrite,
        table.writeUnitsPerDocument * copies,
      );
      add(
        'DynamoDB',
        `${table.name} reads`,
        prices.dynamodbOnDemandRead,
        table.readUnitsPerDocument,
      );
    } else {
      // Auto scaling keeps consumption near the target, never below the minimum.
      const utilisation = billing.targetUtilizationPercent / 100;
      const capacity = (unitsPerDocument: number, minimum: number): number =>
        Math.max(minimum, Math.ceil((unitsPerDocument * docs) / SECONDS_PER_MONTH / utilisation));
      const wcu = capacity(table.writeUnitsPerDocument, billing.minWrite) * copies;
      const rcu = capacity(table.readUnitsPerDocument, billing.minRead) * copies;
      add(
        'DynamoDB',
        `${table.name} provisioned writes (${wcu} WCU with indexes)`,
        prices.dynamodbProvisionedWcuHour,
        null,
        wcu * HOURS_PER_MONTH,
      );
      add(
        'DynamoDB',
        `${table.name} provisioned reads (${rcu} RCU with indexes)`,
        prices.dynamodbProvisionedRcuHour,
        null,
        rcu * HOURS_PER_MONTH,
      );
    }
  }
  add(
    'DynamoDB',
    `storage for ${storageMonths} months`,
    prices.dynamodbStorage,
    storedGb * storageMonths,
  );
  if (pointInTimeRecovery) {
    add(
      'DynamoDB',
      `continuous backup of base tables for ${storageMonths} months`,
      prices.dynamodbPitrStorage,
      baseGb * storageMonths,
    );
  }
}
