/**
 * The one editable table of AWS prices (us-east-1, on demand, no free tier)
 * that the cost model uses for everything except Bedrock tokens, whose prices
 * stay in `core/extraction/price-table.ts`. Each entry names the public
 * pricing page it was read from and when; edit a value here when AWS changes
 * a price and every report follows.
 */

/** One price and where it comes from. */
export interface Price {
  /** US dollars per `per` units of `unit`. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  /** The public page the figure was read from. */
  readonly source: string;
}

/** Date the figures below were read from their pages. */
export const PRICES_READ_ON = '2026-12-01';
/** Region every figure is for. */
export const PRICES_REGION = 'us-east-1';

const SFN = 'https://aws.amazon.com/step-functions/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const DDB = 'https://aws.amazon.com/dynamodb/pricing/';
const CWL = 'https://aws.amazon.com/cloudwatch/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';

/** Every non-Bedrock price the model uses. */
export const AWS_PRICES = {
  stepFunctionsStandardTransition: {
    usd: 0.025,
    per: 1_000,
    unit: 'state transition',
    source: SFN,
  },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 1, unit: 'GB-second (Arm)', source: LAMBDA },
  lambdaX86GbSecond: { usd: 0.0000166667, per: 1, unit: 'GB-second (x86)', source: LAMBDA },
  lambdaRequest: { usd: 0.2, per: 1_000_000, unit: 'request', source: LAMBDA },
  sqsStandardRequest: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'request (each 64 KB chunk)',
    source: SQS,
  },
  s3StandardPutRequest: {
    usd: 0.005,
    per: 1_000,
    unit: 'PUT, COPY, POST or LIST request',
    source: S3,
  },
  s3StandardGetRequest: { usd: 0.0004, per: 1_000, unit: 'GET or other request', source: S3 },
  s3StandardStorage: { usd: 0.023, per: 1, unit: 'GB-month (Standard, first 50 TB)', source: S3 },
  s3InfrequentAccessStorage: { usd: 0.0125, per: 1, unit: 'GB-month (Standard-IA)', source: S3 },
  s3LifecycleTransitionToIa: {
    usd: 0.01,
    per: 1_000,
    unit: 'lifecycle transition to Standard-IA',
    source: S3,
  },
  dynamodbOnDemandWrite: { usd: 0.625, per: 1_000_000, unit: 'write request unit', source: DDB },
  dynamodbOnDemandRead: { usd: 0.125, per: 1_000_000, unit: 'read request unit', source: DDB },
  dynamodbProvisionedWcuHour: { usd: 0.00065, per: 1, unit: 'WCU-hour', source: DDB },
  dynamodbProvisionedRcuHour: { usd: 0.00013, per: 1, unit: 'RCU-hour', source: DDB },
  dynamodbStorage: { usd: 0.25, per: 1, unit: 'GB-month (Standard table class)', source: DDB },
  dynamodbPitrStorage: { usd: 0.2, per: 1, unit: 'GB-month (continuous backup)', source: DDB },
  cloudwatchLogsIngestion: { usd: 0.5, per: 1, unit: 'GB ingested (Standard class)', source: CWL },
  cloudwatchLogsStorage: { usd: 0.03, per: 1, unit: 'GB-month stored', source: CWL },
  cloudwatchCustomMetric: {
    usd: 0.3,
    per: 1,
    unit: 'custom metric-month (first 10,000)',
    source: CWL,
  },
  cloudwatchDashboard: { usd: 3, per: 1, unit: 'dashboard-month', source: CWL },
  cloudwatchStandardAlarm: {
    usd: 0.1,
    per: 1,
    unit: 'standard-resolution alarm metric-month',
    source: CWL,
  },
  kmsKeyMonth: { usd: 1, per: 1, unit: 'customer managed key-month', source: KMS },
  kmsRequest: { usd: 0.03, per: 10_000, unit: 'symmetric request', source: KMS },
  xrayTraceRecorded: { usd: 5, per: 1_000_000, unit: 'trace recorded', source: XRAY },
} as const satisfies Readonly<Record<string, Price>>;

export type AwsPriceTable = { readonly [K in keyof typeof AWS_PRICES]: Price };

/** Dollars for `quantity` units of `price`. */
export const priced = (price: Price, quantity: number): number =>
  (price.usd / price.per) * quantity;

/** Hours in the average month AWS bills capacity by (730 = 8,760 / 12). */
export const HOURS_PER_MONTH = 730;
/** Days in the average month, for storage that is kept a number of days. */
export const DAYS_PER_MONTH = 365 / 12;
/** Bytes per GB as AWS bills storage and ingestion (2^30). */
export const BYTES_PER_GB = 1024 ** 3;
