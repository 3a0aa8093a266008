/**
 * Document result use cases: list processed documents and get one with its
 * extracted fields, from the results table and the result JSON. Entries carry
 * ids, codes and numbers only; never the object key (a file name may name a
 * patient). Every upload and its outcome, keyed or not, is the ledger's
 * (`document-ledger.ts`, `document-details.ts`), which reads scores here.
 */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { NO_PROMPT_VERSION } from '#adapters/results-table.ts';
import { readJson } from '#adapters/s3-json.ts';
import type { ServiceContext } from './context.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const num = z
  .number()
  .nullish()
  .transform((v) => v ?? null);

/** A results-table row as read: every field but the id and status may be absent. */
const RowSchema = z.object({
  documentId: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['SUCCEEDED', 'NEEDS_REVIEW', 'FAILED']),
  reason: text,
  promptVersion: text,
  experimentId: text,
  arm: text,
  completeness: num,
  allRequiredPresent: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  costMicroUsd: num,
  inputTokens: num,
  outputTokens: num,
  servedBy: text,
  usageEstimated: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  latencyMs: num,
  receivedAt: text,
  completedAt: text,
  resultUri: text,
});

/** One processed document, as listed. */
export interface DocumentSummary {
  readonly documentId: string;
  readonly status: 'SUCCEEDED' | 'NEEDS_REVIEW' | 'FAILED';
  readonly reason: string | null;
  /** Null when the document failed before a version was selected. */
  readonly promptVersion: string | null;
  readonly experimentId: string | null;
  readonly arm: string | null;
  readonly completeness: number | null;
  readonly allRequiredPresent: boolean | null;
  readonly costMicroUsd: number | null;
  /** Model tokens (estimated by the local rule-based extractor; see `usageEstimated`). */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Which model answered: a Bedrock model id, or `local.rule-based-extractor-v1` locally. */
  readonly servedBy: string | null;
  /** True when the token counts are estimates (the local rule-based extractor), not metered. */
  readonly usageEstimated: boolean | null;
  readonly latencyMs: number | null;
  readonly receivedAt: string | null;
  readonly completedAt: string | null;
  readonly resultUri: string | null;
}

/** A document with its validated extraction (null when it failed or the JSON is gone). */
export interface DocumentDetails extends DocumentSummary {
  readonly fields: unknown;
}

/** A stored row as a summary; null for an item that is not a result row. */
export const summaryOfRow = (item: unknown): DocumentSummary | null => {
  const parsed = RowSchema.safeParse(item);
  if (!parsed.success) return null;
  const row = parsed.data;
  return {
    ...row,
    promptVersion: row.promptVersion === NO_PROMPT_VERSION ? null : row.promptVersion,
  };
};

/** The row of one document, or null when the table has none. */
export const findDocument = async (
  ctx: ServiceContext,
  documentId: string,
): Promise<DocumentSummary | null> => {
  const row = await ctx.clients.dynamodb.send(
    new GetCommand({ TableName: ctx.tables.results, Key: { documentId } }),
  );
  return row.Item === undefined ? null : summaryOfRow(row.Item);
};

/** The `fields` of a result JSON; null when the object is gone (lifecycle, a wiped data folder). */
export const readResultFields = async (
  ctx: ServiceContext,
  resultUri: string,
): Promise<unknown> => {
  const result: unknown = await readJson(ctx.clients.s3, resultUri).catch(() => null);
  return result && typeof result === 'object' && 'fields' in result ? result.fields : null;
};

/** One document with its fields. */
export const getDocument = async (
  ctx: ServiceContext,
  documentId: string,
): Promise<DocumentDetails> => {
  if (!/^[0-9a-f]{64}$/.test(documentId)) {
    throw new InvalidInputError('INVALID_DOCUMENT_ID', 'a document id is 64 hex digits', 'id');
  }
  const summary = await findDocument(ctx, documentId);
  if (!summary) throw new NotFoundError('UNKNOWN_DOCUMENT', `no document ${documentId}`);
  const fields =
    summary.status !== 'FAILED' && summary.resultUri
      ? await readResultFields(ctx, summary.resultUri)
      : null;
  return { ...summary, fields };
};

export interface ListDocumentsQuery {
  readonly status?: 'SUCCEEDED' | 'FAILED';
  readonly promptVersion?: string;
  /** At most this many, newest first when filtered (default 50). */
  readonly limit?: number;
}

/**
 * Documents, newest first, by status or by prompt version through the
 * table's indexes; unfiltered, a bounded scan in no particular order.
 */
export const listDocuments = async (
  ctx: ServiceContext,
  query: ListDocumentsQuery = {},
): Promise<DocumentSummary[]> => {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new InvalidInputError('INVALID_LIMIT', 'the limit is a positive whole number', 'limit');
  }
  if (query.status && query.promptVersion) {
    throw new InvalidInputError('ONE_FILTER', 'filter by status or by prompt version, not both');
  }
  const byIndex = (indexName: string, attribute: string, value: string) =>
    new QueryCommand({
      TableName: ctx.tables.results,
      IndexName: indexName,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': attribute },
      ExpressionAttributeValues: { ':v': value },
      ScanIndexForward: false,
      Limit: limit,
    });
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const command = query.status
      ? byIndex('byStatus', 'status', query.status)
      : query.promptVersion
        ? byIndex('byPromptVersion', 'promptVersion', query.promptVersion)
        : new ScanCommand({ TableName: ctx.tables.results, Limit: limit });
    if (start) command.input.ExclusiveStartKey = start;
    const page = await ctx.clients.dynamodb.send(command);
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items.slice(0, limit).flatMap((item) => {
    const summary = summaryOfRow(item);
    return summary ? [summary] : [];
  });
};
