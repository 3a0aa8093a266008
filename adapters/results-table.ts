/**
 * The results-table row: one per document, SUCCEEDED, NEEDS_REVIEW or FAILED,
 * with the exact prompt version resolved, scores, tokens, cost and timings. A
 * SUCCEEDED or NEEDS_REVIEW row is never overwritten by a failure.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '#adapters/aws-sdk/lib-dynamodb.cjs';

export type ResultStatus = 'SUCCEEDED' | 'NEEDS_REVIEW' | 'FAILED';

export interface ResultRow {
  readonly documentId: string;
  readonly status: ResultStatus;
  readonly reason: string | null;
  /** From the ledger; null only when the ledger had no entry for the document. */
  readonly bucket: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  readonly etag: string | null;
  readonly promptVersion: string;
  readonly experimentId: string | null;
  readonly arm: string | null;
  readonly resolvedBy: string | null;
  readonly modelId: string | null;
  readonly servedBy: string | null;
  readonly completeness: number | null;
  readonly allRequiredPresent: boolean | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Prompt-cache input tokens Bedrock reported (0 without a cache checkpoint). */
  readonly cacheReadInputTokens?: number | null;
  readonly cacheWriteInputTokens?: number | null;
  readonly usageEstimated: boolean | null;
  readonly costMicroUsd: number | null;
  readonly modelLatencyMs: number | null;
  readonly latencyMs: number;
  readonly pageCount: number | null;
  readonly receivedAt: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly executionId: string;
  readonly resultUri: string | null;
  /** Review flags of a NEEDS_REVIEW row (and of one approved since); absent otherwise. */
  readonly reviewFlags?: number;
  /** Set when a reviewer approved the document (the row is SUCCEEDED from then on). */
  readonly reviewedBy?: string;
  readonly reviewedAt?: string;
  /** Set when the extraction of an identical earlier upload (this document id) was reused. */
  readonly reusedFrom?: string;
}

/** Placeholder in the by-prompt-version index for documents that failed before selection. */
export const NO_PROMPT_VERSION = 'none';

export const putResultRow = async (
  client: DynamoDBDocumentClient,
  table: string,
  row: ResultRow,
): Promise<void> => {
  await client.send(
    new PutCommand({
      TableName: table,
      Item: row,
      // A failure never replaces a finished extraction; a success may replace an earlier failure (redrive).
      ...(row.status === 'FAILED'
        ? {
            ConditionExpression:
              'attribute_not_exists(documentId) OR (#status <> :succeeded AND #status <> :review)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':succeeded': 'SUCCEEDED', ':review': 'NEEDS_REVIEW' },
          }
        : {}),
    }),
  );
};
