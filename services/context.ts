/**
 * What every use case runs against: one stack's resource names and the SDK
 * clients to reach it, built by the caller (the CLI's target today, the HTTP
 * API's module scope next) and passed in, never created here.
 */

import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ExperimentsRepository,
  experimentsRepository,
} from '#adapters/experiments-repository.ts';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import type { PromptRegistry } from '#adapters/prompts/registry.ts';
import type { ExecutionStatusWord } from '#contracts/executions.ts';
import type { TableNames } from '#contracts/resources.ts';
import type { RollupSource } from './experiment-analysis.ts';

/** Queue URLs of a stack, keyed by role. */
export interface QueueUrls {
  readonly ingest: string;
  readonly ingestDlq: string;
  readonly extractionDlq: string;
  /** The aggregator's on-failure queue; deployed stages only. */
  readonly aggregatorFailures?: string;
}

export interface ServiceClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /** Deployed stages only: replays the aggregator's failed batches. */
  readonly lambda?: LambdaClient;
}

/**
 * Word that an execution has ended, from a Step Functions runtime in this
 * process (the local stack). Deployed stages have none: callers poll.
 */
export interface ExecutionEndEvents {
  /** Calls `listener` with each ended execution's ARN; returns the unsubscribe. */
  onExecutionEnded(listener: (executionArn: string) => void): () => void;
  /**
   * The execution's status as the runtime holds it, read without a request
   * (what DescribeExecution would answer); undefined when it has none by that ARN.
   */
  executionStatus?(executionArn: string): ExecutionStatusWord | undefined;
}

/** One stack (local or a deployed stage) as the use cases see it. */
export interface ServiceContext {
  readonly stage: string;
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly tables: TableNames;
  readonly queues: QueueUrls;
  readonly clients: ServiceClients;
  /** Present when the stack runs in this process; waiting then needs no polling. */
  readonly executionEvents?: ExecutionEndEvents;
}

/** The experiments repository over the context's experiments table. */
export const experimentsOf = (ctx: ServiceContext): ExperimentsRepository =>
  experimentsRepository({ client: ctx.clients.dynamodb, table: ctx.tables.experiments });

/** The metrics roll-ups of the context's metrics table. */
export const rollupsOf = (ctx: ServiceContext): RollupSource => ({
  client: ctx.clients.dynamodb,
  table: ctx.tables.metrics,
});

/** The prompt versions a use case may name; the bundled ones unless a caller passes others. */
export type PromptCatalog = Pick<PromptRegistry, 'list' | 'versions' | 'get'>;

export const defaultCatalog = (): PromptCatalog => bundledPrompts();
