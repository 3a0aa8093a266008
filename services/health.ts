/**
 * Health use case: one cheap read against each dependency of a stack (S3,
 * SQS, Step Functions, each DynamoDB table) and how it answered. Errors are
 * reported by name only.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ServiceContext } from './context.ts';

export interface DependencyHealth {
  readonly name: string;
  readonly state: 'ok' | 'unreachable';
  readonly latencyMs: number;
  /** The error's name (e.g. `ResourceNotFoundException`), never its message. */
  readonly error: string | null;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly stage: string;
  readonly dependencies: DependencyHealth[];
}

const probe = async (name: string, call: () => Promise<unknown>): Promise<DependencyHealth> => {
  const started = performance.now();
  try {
    await call();
    return { name, state: 'ok', latencyMs: Math.round(performance.now() - started), error: null };
  } catch (error) {
    return {
      name,
      state: 'unreachable',
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.name : 'Error',
    };
  }
};

const tableProbe = (ctx: ServiceContext, table: string, key: Record<string, string>) => () =>
  ctx.clients.dynamodb.send(new GetCommand({ TableName: table, Key: key }));

/** Probes every dependency in parallel. */
export const checkHealth = async (ctx: ServiceContext): Promise<HealthReport> => {
  const { clients, tables } = ctx;
  const dependencies = await Promise.all([
    probe('s3', () => clients.s3.send(new HeadBucketCommand({ Bucket: ctx.bucket }))),
    probe('sqs', () =>
      clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: ctx.queues.ingest,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      ),
    ),
    probe('stepfunctions', () =>
      clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: ctx.stateMachineArn })),
    ),
    probe('dynamodb:results', tableProbe(ctx, tables.results, { documentId: '0'.repeat(64) })),
    probe(
      'dynamodb:experiments',
      tableProbe(ctx, tables.experiments, { pk: 'HEALTH', sk: 'HEALTH' }),
    ),
    probe('dynamodb:metrics', tableProbe(ctx, tables.metrics, { pk: 'HEALTH', sk: 'HEALTH' })),
    probe('dynamodb:ledger', tableProbe(ctx, tables.ledger, { documentId: '0'.repeat(64) })),
  ]);
  return {
    status: dependencies.every((d) => d.state === 'ok') ? 'ok' : 'degraded',
    stage: ctx.stage,
    dependencies,
  };
};
