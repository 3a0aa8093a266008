/**
 * The API's Lambda entry behind API Gateway (HTTP API, payload 2.0): reads
 * the stack's names from the environment once, creates the SDK clients once,
 * and answers each event with the same app `npm start` serves. The acting
 * person is the IAM principal API Gateway authenticated (SigV4).
 */

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import { handle } from 'hono/aws-lambda';
import * as z from 'zod';
import { cloudWatchFunctionFigures } from '#adapters/cloudwatch-functions.ts';
import { s3ReportStore } from '#adapters/evaluation-reports.ts';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { physicalName, tableNamesFor } from '#contracts/resources.ts';
import type { ServiceContext } from '#services/context.ts';
import { createApi } from './app.ts';
import type { API_ENV } from './env.ts';

const env = (name: (typeof API_ENV)[number]): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`MISSING_ENV: ${name}`);
  return value;
};

/** The service context of the deployed stage, from the function's environment. */
export const contextFromEnv = (clients: ServiceContext['clients']): ServiceContext => {
  const stage = env('STAGE');
  return {
    stage,
    bucket: env('DOCUMENTS_BUCKET'),
    stateMachineArn: env('STATE_MACHINE_ARN'),
    tables: {
      ...tableNamesFor(stage),
      results: env('RESULTS_TABLE_NAME'),
      experiments: env('EXPERIMENTS_TABLE_NAME'),
      metrics: env('METRICS_TABLE_NAME'),
      ledger: env('LEDGER_TABLE_NAME'),
    },
    queues: {
      ingest: env('INGEST_QUEUE_URL'),
      ingestDlq: env('INGEST_DLQ_URL'),
      extractionDlq: env('EXTRACTION_DLQ_URL'),
    },
    clients,
  };
};

const CallerSchema = z.object({
  event: z.object({
    requestContext: z.object({
      authorizer: z.object({ iam: z.object({ userArn: z.string().min(1) }) }),
    }),
  }),
});

/** The IAM principal of a SigV4-signed request; API Gateway rejects unsigned ones first. */
export const callerOf = (c: Context): string => {
  const parsed = CallerSchema.safeParse(c.env);
  return parsed.success
    ? parsed.data.event.requestContext.authorizer.iam.userArn
    : 'unknown-iam-caller';
};

const clients: ServiceContext['clients'] = {
  s3: new S3Client({ ...REUSED_MIDDLEWARE }),
  sqs: new SQSClient({ ...REUSED_MIDDLEWARE }),
  sfn: new SFNClient({ ...REUSED_MIDDLEWARE }),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
};

const MemorySizesSchema = z.record(z.string(), z.number().int().positive());

/** The stage's pipeline functions as CloudWatch names them, with their configured memory. */
export const deployedFunctions = (stage: string, memoryJson: string) => {
  const memory = MemorySizesSchema.parse(JSON.parse(memoryJson));
  return FUNCTION_NAMES.map((name) => ({
    name,
    physicalName: physicalName(stage, name),
    logGroupName: `/aws/lambda/${physicalName(stage, name)}`,
    memorySizeMb: memory[name] ?? 0,
  }));
};

const ctx = contextFromEnv(clients);
const cloudWatchFunctions = cloudWatchFunctionFigures({
  cloudwatch: new CloudWatchClient({}),
  logs: new CloudWatchLogsClient({}),
  functions: deployedFunctions(ctx.stage, env('FUNCTION_MEMORY_MB')),
});
const app = createApi(
  { ctx, callerOf, evaluations: s3ReportStore(clients.s3, ctx.bucket), cloudWatchFunctions },
  {
    allowedOrigins: [env('CONSOLE_ORIGIN')],
    // API Gateway's HTTP API caps payloads at 10 MB; the API's own bodies are small.
    maxBodyBytes: 64 * 1024,
    // Throttling is the stage's (API Gateway answers 429 before the function runs).
    rateLimit: null,
    // The reference page's assets are not bundled into the function; /openapi.json is.
    referencePage: false,
  },
);

const lambdaHandler = app.then(handle);

export const handler: ReturnType<typeof handle> = async (event, context) =>
  (await lambdaHandler)(event, context);
