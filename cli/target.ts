/**
 * Where a `medextract` command works: the local stack (the one `npm start`
 * runs, or one started in this process) or a deployed stage on AWS. The same
 * commands and SDK clients serve both; only endpoints and names differ.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import {
  AGGREGATOR_FAILURE_QUEUE_SUFFIX,
  EXTRACTION_DLQ,
  INGEST_DLQ,
  INGEST_QUEUE,
  physicalName,
  type TableNames,
  tableNamesFor,
} from '#contracts/resources.ts';
// Types only: the emulator itself is loaded on demand, so AWS targets never load it.
import type { LocalStack, LocalStackOptions } from '#local/stack.ts';
import type { ExecutionEndEvents } from '#services/context.ts';
import { checkReachable, deleteStageTables, runningDynamoDb } from './ephemeral-dynamodb.ts';
import { type TargetFlags, UsageError } from './output.ts';
import { resolveStage } from './stage.ts';

export interface TargetNames {
  readonly stage: string;
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly tables: TableNames;
  readonly queues: {
    ingest: string;
    ingestDlq: string;
    extractionDlq: string;
    aggregatorFailures?: string;
  };
}

export interface Target extends TargetNames {
  readonly kind: 'local' | 'aws';
  readonly clients: {
    readonly s3: S3Client;
    readonly sqs: SQSClient;
    readonly sfn: SFNClient;
    readonly dynamodb: DynamoDBDocumentClient;
    readonly lambda?: LambdaClient;
  };
  /** The in-process stack, when this command started one. */
  readonly stack: LocalStack | null;
  /** The in-process stack's word that an execution ended (no polling needed). */
  readonly executionEvents?: ExecutionEndEvents;
  close(): Promise<void>;
}

/** The local data folder (`.data/` at the repository root unless MEDEXTRACT_DATA_DIR is set). */
export const localDataDir = (): string =>
  resolve(process.env.MEDEXTRACT_DATA_DIR ?? new URL('../.data', import.meta.url).pathname);

const stackFile = (dataDir: string) => `${dataDir}/stack.json`;

const StackFileSchema = z.object({
  pid: z.number().int(),
  // A stack on a shared DynamoDB Local runs a stage of its own; `npm start` runs `local`.
  stage: z.string().default('local'),
  endpoints: z.object({
    s3: z.string(),
    sqs: z.string(),
    dynamodb: z.string(),
    stepfunctions: z.string(),
    bedrock: z.string(),
  }),
  bucket: z.string(),
  stateMachineArn: z.string(),
  tables: z.object({
    results: z.string(),
    experiments: z.string(),
    metrics: z.string(),
    ledger: z.string(),
    // Stack files written before the reuse table existed name the local stage's.
    reuse: z.string().default(tableNamesFor('local').reuse),
  }),
  queues: z.object({ ingest: z.string(), ingestDlq: z.string(), extractionDlq: z.string() }),
});
export type StackFile = z.infer<typeof StackFileSchema>;

/** Written by `npm start` so other commands can use the running stack. */
export const writeStackFile = (dataDir: string, stack: LocalStack): void => {
  const content: StackFile = {
    pid: process.pid,
    stage: stack.stage,
    endpoints: stack.endpoints,
    bucket: stack.bucket,
    stateMachineArn: stack.stateMachineArn,
    tables: stack.tables,
    queues: stack.queues,
  };
  writeFileSync(stackFile(dataDir), `${JSON.stringify(content, null, 2)}\n`);
};

export const removeStackFile = (dataDir: string): void =>
  rmSync(stackFile(dataDir), { force: true });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The running `npm start` stack, if there is one. */
export const readRunningStack = (dataDir: string = localDataDir()): StackFile | null => {
  const file = stackFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = StackFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf-8')));
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : null;
};

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const localConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: localCredentials,
});

const documentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** A target over a stack running in this process. */
export const targetOfStack = (stack: LocalStack): Target => ({
  kind: 'local',
  stage: stack.stage,
  bucket: stack.bucket,
  stateMachineArn: stack.stateMachineArn,
  tables: stack.tables,
  queues: stack.queues,
  clients: stack.clients,
  stack,
  executionEvents: stack,
  close: () => stack.stop(),
});

export type LocalMode = 'running' | 'running-or-ephemeral' | 'persistent' | 'ephemeral';

/** What a command that needs `npm start` says when there is none (exit 2). */
export const NO_LOCAL_STACK =
  'no local stack on 127.0.0.1; run npm start (or pass --ephemeral for a private stack whose data is gone when the command ends)';

export interface OpenOptions {
  /** A deployed stage (dev, staging, prod); absent means the local stack. */
  readonly stage?: string;
  readonly profile?: string;
  readonly region?: string;
  /**
   * Local only: `running` uses the running `npm start` stack and fails at once
   * without one; `running-or-ephemeral` uses it or starts a private one;
   * `persistent` uses it or starts one on the data folder; `ephemeral`
   * always starts a fresh private stack.
   */
  readonly local?: LocalMode;
  readonly stackOptions?: LocalStackOptions;
}

const FREE_PORTS = { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 } as const;

/** Starts the emulated stack in this process, loading the emulator only now. */
const startLocal = async (options: LocalStackOptions): Promise<LocalStack> => {
  const { startLocalStack } = await import('#local/stack.ts');
  return startLocalStack(options);
};

/**
 * A private stack: on a JVM of its own, or, when MEDEXTRACT_DYNAMODB_ENDPOINT
 * names a running DynamoDB Local, under a fresh stage there whose tables are
 * deleted when the command ends (also on Ctrl-C or SIGTERM), so its data is
 * gone either way.
 */
const startEphemeral = async (options: OpenOptions): Promise<Target> => {
  const dynamo = runningDynamoDb();
  if (!dynamo)
    return targetOfStack(await startLocal({ ports: FREE_PORTS, ...options.stackOptions }));
  await checkReachable(dynamo.endpoint);
  const dropTables = () => deleteStageTables(dynamo.endpoint, dynamo.stage);
  const onSignal = (signal: NodeJS.Signals) => {
    void dropTables()
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const forget = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  let stack: LocalStack;
  try {
    stack = await startLocal({
      ports: FREE_PORTS,
      ...options.stackOptions,
      sharedDynamoDb: dynamo,
    });
  } catch (error) {
    await dropTables().catch(() => undefined);
    forget();
    throw error;
  }
  return {
    ...targetOfStack(stack),
    close: async () => {
      try {
        await stack.stop();
      } finally {
        await dropTables();
        forget();
      }
    },
  };
};

export const openTarget = async (options: OpenOptions = {}): Promise<Target> => {
  if (options.stage && options.stage !== 'local') {
    const { stage, region } = await resolveStage(options.stage, options.region);
    return openAws(stage, { ...options, region });
  }
  if (options.local === 'ephemeral') return startEphemeral(options);
  const running = readRunningStack();
  if (!running && options.local === 'running') throw new UsageError(NO_LOCAL_STACK);
  if (!running && options.local === 'running-or-ephemeral') return startEphemeral(options);
  if (running) {
    const dynamo = new DynamoDBClient(localConfig(running.endpoints.dynamodb));
    return {
      kind: 'local',
      stage: running.stage,
      bucket: running.bucket,
      stateMachineArn: running.stateMachineArn,
      tables: running.tables,
      queues: running.queues,
      clients: {
        s3: new S3Client({
          ...localConfig(running.endpoints.s3),
          ...REUSED_MIDDLEWARE,
          forcePathStyle: true,
        }),
        sqs: new SQSClient({ ...localConfig(running.endpoints.sqs), ...REUSED_MIDDLEWARE }),
        sfn: new SFNClient({
          ...localConfig(running.endpoints.stepfunctions),
          ...REUSED_MIDDLEWARE,
        }),
        dynamodb: documentClient(dynamo),
      },
      stack: null,
      close: async () => undefined,
    };
  }
  return targetOfStack(
    await startLocal({ dataDir: localDataDir(), ports: FREE_PORTS, ...options.stackOptions }),
  );
};

/** A deployed stage: names follow the CDK app; the bucket comes from the stack's outputs. */
const openAws = async (stage: string, options: OpenOptions): Promise<Target> => {
  // The SDK's default credential chain honours AWS_PROFILE.
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const base = options.region ? { region: options.region } : {};
  // Clients only a deployed stage uses, loaded only for one: a local command never loads them.
  const [{ CloudFormationClient, DescribeStacksCommand }, { LambdaClient }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-lambda'),
  ]);
  const cfn = new CloudFormationClient(base);
  const stacks = await cfn.send(new DescribeStacksCommand({ StackName: `MedExtract-${stage}` }));
  const outputs = stacks.Stacks?.[0]?.Outputs ?? [];
  const output = (key: string): string => {
    const value = outputs.find((o) => o.OutputKey === key)?.OutputValue;
    if (!value) throw new Error(`Stack MedExtract-${stage} has no output ${key}`);
    return value;
  };
  const sqs = new SQSClient({ ...base, ...REUSED_MIDDLEWARE });
  const queueUrl = async (suffix: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: physicalName(stage, suffix) }))).QueueUrl ??
    '';
  return {
    kind: 'aws',
    stage,
    bucket: output('DocumentsBucketName'),
    stateMachineArn: output('StateMachineArn'),
    tables: tableNamesFor(stage),
    queues: {
      ingest: await queueUrl(INGEST_QUEUE.suffix),
      ingestDlq: await queueUrl(INGEST_DLQ.suffix),
      extractionDlq: await queueUrl(EXTRACTION_DLQ.suffix),
      aggregatorFailures: await queueUrl(AGGREGATOR_FAILURE_QUEUE_SUFFIX),
    },
    clients: {
      s3: new S3Client({ ...base, ...REUSED_MIDDLEWARE }),
      sqs,
      sfn: new SFNClient({ ...base, ...REUSED_MIDDLEWARE }),
      dynamodb: documentClient(new DynamoDBClient(base)),
      lambda: new LambdaClient(base),
    },
    stack: null,
    close: async () => undefined,
  };
};

/**
 * What a command's `--stage/--profile/--region/--ephemeral` flags select;
 * `local` says which local stack a command uses by default.
 */
export const targetOptionsFrom = (
  flags: TargetFlags,
  local: LocalMode = 'running',
  stackOptions?: LocalStackOptions,
): OpenOptions => ({
  ...(flags.stage ? { stage: flags.stage } : {}),
  ...(flags.profile ? { profile: flags.profile } : {}),
  ...(flags.region ? { region: flags.region } : {}),
  local: flags.ephemeral ? 'ephemeral' : local,
  ...(stackOptions ? { stackOptions } : {}),
});

/**
 * Opens the target the flags name (a deployed stage, else the local stack
 * `npm start` runs; a private one only with `--ephemeral` or when `local`
 * says so), runs `work`, and always closes it.
 */
export const withTarget = async <T>(
  flags: TargetFlags,
  work: (target: Target) => Promise<T>,
  local: LocalMode = 'running',
  stackOptions?: LocalStackOptions,
): Promise<T> => {
  const target = await openTarget(targetOptionsFrom(flags, local, stackOptions));
  try {
    return await work(target);
  } finally {
    await target.close();
  }
};
