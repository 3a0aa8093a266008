/**
 * Request and response schemas of the operational endpoints (documents,
 * dead-letter queues, health), in the conventions of `schemas.ts`.
 */
import { z } from '@hono/zod-openapi';
import { list, nullableNumber, VersionParam } from './schemas.ts';

// ---- documents ---------------------------------------------------------------

export const DocumentSummarySchema = z
  .object({
    documentId: z.string(),
    status: z.enum(['SUCCEEDED', 'FAILED']),
    reason: z.string().nullable(),
    promptVersion: z.string().nullable(),
    experimentId: z.string().nullable(),
    arm: z.string().nullable(),
    completeness: nullableNumber,
    allRequiredPresent: z.boolean().nullable(),
    costMicroUsd: nullableNumber,
    latencyMs: nullableNumber,
    receivedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    resultUri: z.string().nullable(),
  })
  .openapi('DocumentSummary');

export const DocumentListSchema = z
  .object({ documents: list(DocumentSummarySchema) })
  .openapi('DocumentList');

export const DocumentListQuery = z.object({
  status: z.enum(['SUCCEEDED', 'FAILED']).optional(),
  prompt_version: VersionParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'a whole number from 1 to 1000')
    .optional()
    .openapi({ description: 'At most this many (1-1000, default 50)' }),
});

export const DocumentDetailsSchema = DocumentSummarySchema.extend({
  fields: z.unknown(),
}).openapi('DocumentDetails');

// ---- DLQ ---------------------------------------------------------------------

export const DlqParam = z.object({ queue: z.enum(['extraction', 'ingest']) });

export const DlqListSchema = z
  .object({
    queue: z.enum(['extraction', 'ingest']),
    messages: list(
      z.object({
        queue: z.enum(['extraction', 'ingest', 'aggregator']),
        messageId: z.string(),
        documentId: z.string().nullable(),
        reason: z.string().nullable(),
        error: z.string().nullable(),
        sentAt: z.string().nullable(),
        receiveCount: z.number().int().nullable(),
      }),
    ),
    byReason: z.record(z.string(), z.number().int()),
  })
  .openapi('DlqList');

export const DlqListQuery = z.object({
  max: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .openapi({ description: 'At most this many (default 100)' }),
});

export const RedriveBodySchema = z
  .object({
    max: z.number().int().min(1).max(1000).optional(),
    rate: z.number().gt(0).max(100).optional().openapi({ description: 'Messages per second' }),
  })
  .strict()
  .openapi('RedriveRequest');

export const RedriveResultSchema = z
  .object({
    queue: z.enum(['extraction', 'ingest']),
    results: list(
      z.object({
        messageId: z.string(),
        documentId: z.string().nullable(),
        outcome: z.enum(['redriven', 'already-redriven', 'skipped']),
        executionArn: z.string().nullable(),
        detail: z.string().nullable(),
        status: z.string().optional(),
      }),
    ),
  })
  .openapi('RedriveResult');

// ---- health ------------------------------------------------------------------

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    stage: z.string(),
    dependencies: list(
      z.object({
        name: z.string(),
        state: z.enum(['ok', 'unreachable']),
        latencyMs: z.number(),
        error: z.string().nullable(),
      }),
    ),
  })
  .openapi('Health');
